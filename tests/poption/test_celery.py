import pytest

from poption.celery import ping


@pytest.mark.worker
def test_a_task_makes_a_round_trip_through_a_real_worker_on_redis(celery_worker_process):
    result = ping.delay("hei")
    assert result.get(timeout=20) == "hei"

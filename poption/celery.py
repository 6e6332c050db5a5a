import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poption.settings")

app = Celery("poption")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="poption.ping")
def ping(value: str = "pong") -> str:
    """A round trip through broker, worker and result backend, for health checks and tests."""
    return value

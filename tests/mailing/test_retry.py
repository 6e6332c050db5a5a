"""Retry classification against a fake HTTP ESP (Postmark's API on 127.0.0.1), through Anymail."""

import pytest
from django.utils import timezone

from mailing.models import Delivery, Mailing
from mailing.sending import deliveries_send
from mailing.services import mailing_create
from tests.support.fake_esp import FakePostmark

pytestmark = pytest.mark.django_db


@pytest.fixture
def esp(settings):
    with FakePostmark() as fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = fake.anymail_settings()
        settings.MAILING_RATE_PER_SECOND = 0
        yield fake


@pytest.fixture
def delivery(recruiter_a, seven_candidates):
    mailing = mailing_create(
        sender=recruiter_a,
        recipients=[seven_candidates[0].candidate_id],
        subject="Hei {{ first_name }}",
        body="Hei",
    )
    return mailing.deliveries.get()


def _send_again(delivery: Delivery) -> Delivery:
    Delivery.objects.filter(pk=delivery.pk).update(retry_at=timezone.now())  # as if the delay had passed
    deliveries_send([delivery.pk])
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_retried_with_growing_delays(esp, delivery, status):
    esp.script = [(status, {"ErrorCode": 100, "Message": "Try later"})] * 3
    delays = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        delivery = _send_again(delivery) if attempt > 1 else (deliveries_send([delivery.pk]), delivery)[1]
        delivery.refresh_from_db()
        assert delivery.status == "queued", delivery.reason
        assert delivery.attempts == attempt
        delays.append((delivery.retry_at - before).total_seconds())
    assert delays[0] < delays[1] < delays[2]
    assert all(0 < d < 3600 for d in delays)  # well under Redis's visibility timeout
    delivery = _send_again(delivery)
    assert delivery.status == "sent"
    assert len(esp.requests) == 4


def test_an_invalid_address_answered_400_is_failed_at_once(esp, delivery):
    esp.script = [(400, {"ErrorCode": 300, "Message": "Invalid 'To' address: 'nora@student.example'."})]
    deliveries_send([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.retry_at is None
    assert "400" in delivery.reason_text
    assert len(esp.requests) == 1


def test_an_address_postmark_refuses_as_invalid_is_failed_at_once(esp, delivery):
    esp.script = [(422, {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{delivery.email}'."})]
    deliveries_send([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "refused the address" in delivery.reason_text


def test_an_esp_that_cannot_be_reached_is_retried(settings, delivery):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x", "POSTMARK_API_URL": "http://127.0.0.1:1/"}
    deliveries_send([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.retry_at is not None


def test_attempts_are_bounded(esp, delivery, settings):
    settings.MAILING_MAX_ATTEMPTS = 3
    esp.script = [(503, {"ErrorCode": 100, "Message": "Down"})] * 5
    deliveries_send([delivery.pk])
    _send_again(delivery)
    delivery = _send_again(delivery)
    assert delivery.status == "failed"
    assert "Gave up after 3 attempts" in delivery.reason_text


def test_the_message_reaches_the_esp_with_reply_to_and_one_recipient(esp, delivery):
    deliveries_send([delivery.pk])
    body = esp.requests[0]["body"]
    assert body["To"] == delivery.email
    assert "Cc" not in body and "Bcc" not in body
    assert body["ReplyTo"] == "kari@alfa.example"
    assert body["Metadata"]["delivery_id"] == str(delivery.pk)
    assert {h["Name"] for h in body["Headers"]} >= {"List-Unsubscribe", "List-Unsubscribe-Post"}
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.esp_message_id


def test_a_burst_of_failures_pauses_the_mailing_and_resume_sends_only_the_rest(
    esp, recruiter_a, company_a, settings
):
    from candidates.models import Candidate, Share
    from mailing.services import mailing_resume

    settings.MAILING_PAUSE_AFTER_FAILURES = 5
    candidates = Candidate.objects.bulk_create(
        Candidate(first_name=f"S{i}", last_name="T", email=f"p{i}@student.example") for i in range(20)
    )
    Share.objects.bulk_create(Share(candidate=c, company=company_a) for c in candidates)
    mailing = mailing_create(
        sender=recruiter_a, recipients=[c.pk for c in candidates], subject="Hei", body="Hei"
    )
    esp.script = [(401, {"ErrorCode": 10, "Message": "Bad or missing Server API token."})] * 5
    deliveries_send(list(mailing.deliveries.values_list("pk", flat=True)))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.PAUSED
    assert "5 failed emails" in mailing.note_text
    assert mailing.deliveries.filter(status="failed").count() == 5
    assert mailing.deliveries.filter(status="queued").count() == 15  # the rest waits, none is lost
    assert len(esp.requests) == 5
    assert mailing_resume(mailing=mailing)
    deliveries_send(list(mailing.deliveries.values_list("pk", flat=True)))
    assert mailing.deliveries.filter(status="sent").count() == 15
    assert len(esp.requests) == 20  # nobody already tried got it again

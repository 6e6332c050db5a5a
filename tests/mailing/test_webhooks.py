"""Tracking webhooks through Anymail (SendGrid's event format, which carries event ids)."""

import base64
import json

import pytest
from django.utils import timezone

from candidates.models import Share
from mailing.models import Delivery, DeliveryEvent
from mailing.services import mailing_create

pytestmark = pytest.mark.django_db

URL = "/anymail/sendgrid/tracking/"
SECRET = "esp:s3cret-webhook"


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sent(recruiter_a, seven_candidates):
    mailing = mailing_create(
        sender=recruiter_a,
        recipients=[s.candidate_id for s in seven_candidates[:2]],
        subject="Hei",
        body="Hei",
    )
    for n, delivery in enumerate(mailing.deliveries.order_by("pk")):
        delivery.status, delivery.sent_at, delivery.esp_message_id = "sent", timezone.now(), f"msg-{n}"
        delivery.save()
    return mailing.deliveries.order_by("pk")


def _post(client, events, secret=SECRET):
    headers = {}
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(URL, data=json.dumps(events), content_type="application/json", **headers)


def _event(kind, message_id, event_id, email="nora@student.example", **extra):
    return {
        "event": kind,
        "anymail_id": message_id,
        "sg_event_id": event_id,
        "email": email,
        "timestamp": 1764850000,
        **extra,
    }


def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(client, sent):
    first = sent[0]
    assert (
        _post(client, [_event("delivered", first.esp_message_id, "e1")], secret="esp:wrong").status_code
        == 400
    )
    assert _post(client, [_event("delivered", first.esp_message_id, "e1")], secret=None).status_code == 400
    first.refresh_from_db()
    assert first.status == "sent"
    assert not DeliveryEvent.objects.exists()


def test_delivered_then_a_replay_changes_nothing_more(client, sent):
    first = sent[0]
    assert (
        _post(client, [_event("delivered", first.esp_message_id, "e1", email=first.email)]).status_code == 200
    )
    first.refresh_from_db()
    assert first.status == "delivered"
    assert (
        _post(client, [_event("delivered", first.esp_message_id, "e1", email=first.email)]).status_code == 200
    )
    assert DeliveryEvent.objects.count() == 1


def test_statuses_never_move_backwards(client, sent):
    first = sent[0]
    _post(
        client,
        [_event("bounce", first.esp_message_id, "b1", email=first.email, reason="550 5.1.1 no such user")],
    )
    first.refresh_from_db()
    assert first.status == "bounced"
    assert "550 5.1.1" in first.reason
    _post(client, [_event("delivered", first.esp_message_id, "d1", email=first.email)])
    first.refresh_from_db()
    assert first.status == "bounced"  # a late "delivered" never overwrites a bounce
    assert DeliveryEvent.objects.filter(delivery=first).count() == 2


def test_a_bounce_or_complaint_suppresses_the_share_and_the_next_mailing_skips_it(client, sent, recruiter_a):
    first, second = sent
    _post(
        client,
        [
            _event("bounce", first.esp_message_id, "b1", email=first.email),
            _event("spamreport", second.esp_message_id, "c1", email=second.email),
        ],
    )
    shares = {
        s.candidate_id: s
        for s in Share.objects.filter(candidate_id__in=[first.candidate_id, second.candidate_id])
    }
    assert shares[first.candidate_id].suppressed_reason == "hard_bounce"
    assert shares[second.candidate_id].suppressed_reason == "complaint"
    second.refresh_from_db()
    assert second.status == "complained"
    later = mailing_create(
        sender=recruiter_a,
        recipients=[first.candidate_id, second.candidate_id],
        subject="Igjen",
        body="Igjen",
    )
    assert set(later.deliveries.values_list("status", flat=True)) == {"skipped"}


def test_an_unknown_message_id_is_answered_200_and_changes_nothing(client, sent):
    response = _post(client, [_event("bounce", "not-ours", "x1")])
    assert response.status_code == 200
    assert not DeliveryEvent.objects.exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert not Share.objects.exclude(suppressed_reason="").exists()


def test_the_mailing_page_counts_delivered_and_bounced(client, sent, recruiter_a):
    first, second = sent
    _post(
        client,
        [
            _event("delivered", first.esp_message_id, "d1", email=first.email),
            _event("bounce", second.esp_message_id, "b1", email=second.email),
        ],
    )
    client.force_login(recruiter_a)
    response = client.get(f"/mailing/{first.mailing_id}/")
    assert response.context["counts"] == {"delivered": 1, "bounced": 1}

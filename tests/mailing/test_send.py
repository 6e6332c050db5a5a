"""The send step in process, through Anymail's test backend (the worker's own tests are in test_worker.py)."""

from email.utils import parseaddr

import pytest
from django.core import mail

from mailing.models import Delivery
from mailing.sending import deliveries_send
from mailing.services import mailing_create
from mailing.tasks import mailing_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _anymail_test_backend(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


def _create(sender, shares, **kwargs):
    kwargs.setdefault("subject", "Hei {{ first_name }}!")
    kwargs.setdefault(
        "body", "Hei {{ first_name }},\n\nTakk for praten på {{ event_name }}.\n\nHilsen {{ recruiter_name }}"
    )
    return mailing_create(sender=sender, recipients=[s.candidate_id for s in shares], **kwargs)


def test_each_recipient_gets_one_personal_message_and_a_second_run_sends_nothing(
    recruiter_a, seven_candidates
):
    mailing = _create(recruiter_a, seven_candidates)
    ids = list(mailing.deliveries.values_list("pk", flat=True))
    result = deliveries_send(ids)
    assert result["sent"] == 7
    assert len(mail.outbox) == 7
    by_address = {}
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.cc == [] and message.bcc == []
        assert message.reply_to == ["kari@alfa.example"]
        assert parseaddr(message.from_email) == ("Kari Nordmann | Alfa AS", "mailer@poption.example")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")
        by_address[message.to[0]] = message
    for share in seven_candidates:
        message = by_address[share.candidate.email]
        first = share.candidate.first_name
        assert message.subject == f"Hei {first}!"
        assert f"Hei {first}," in message.body
        assert "KarriereDagene NTNU" in message.body
        # The footer, in Norwegian (MAILING_LANGUAGE), with the same signed link as List-Unsubscribe.
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert message.body.rstrip().endswith(link)
        assert f'href="{link}"' in message.alternatives[0][0]
        assert first in message.alternatives[0][0]
    assert deliveries_send(ids)["claimed"] == 0
    assert len(mail.outbox) == 7
    sent = Delivery.objects.filter(mailing=mailing)
    assert set(sent.values_list("status", flat=True)) == {"sent"}
    assert all(d.esp_message_id and d.sent_at and d.rendered_subject.startswith("Hei ") for d in sent)
    mailing.refresh_from_db()
    assert mailing.status == "done"


def test_a_candidate_named_like_a_template_gets_the_name_back_literally(recruiter_a, seven_candidates):
    candidate = seven_candidates[0].candidate
    candidate.first_name = "{{ 7*7 }}"
    candidate.last_name = "<script>alert(1)</script>"
    candidate.save()
    mailing = _create(recruiter_a, seven_candidates[:1], body="Hei {{ first_name }} {{ last_name }}")
    deliveries_send(list(mailing.deliveries.values_list("pk", flat=True)))
    message = mail.outbox[0]
    assert message.body.startswith("Hei {{ 7*7 }} <script>alert(1)</script>\n\n-- \n")
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_dispatch_splits_the_mailing_into_chunks(recruiter_a, seven_candidates, settings, monkeypatch):
    settings.MAILING_CHUNK_SIZE = 3
    sent_chunks = []
    monkeypatch.setattr("mailing.tasks.deliveries_send.apply_async", lambda args: sent_chunks.append(args[0]))
    mailing = _create(recruiter_a, seven_candidates)
    assert mailing_dispatch(mailing.pk) == 3
    assert [len(chunk) for chunk in sent_chunks] == [3, 3, 1]
    assert sorted(sum(sent_chunks, [])) == sorted(mailing.deliveries.values_list("pk", flat=True))


def test_a_duplicate_esp_message_id_still_records_the_message_as_sent(recruiter_a, seven_candidates):
    # Anymail's test backend numbers messages per process, as two worker processes would collide.
    mailing = _create(recruiter_a, seven_candidates[:2])
    first, second = mailing.deliveries.order_by("pk")
    deliveries_send([first.pk])
    mail.outbox.clear()
    deliveries_send([second.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.esp_message_id) == ("sent", "0")
    assert (second.status, second.esp_message_id) == ("sent", None)
    assert len(mail.outbox) == 1

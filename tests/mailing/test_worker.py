"""The whole send path with a real Celery worker process on Redis and PostgreSQL."""

import time
from email import message_from_bytes, policy

import pytest

from mailing.models import Mailing
from mailing.services import mailing_create
from mailing.tasks import deliveries_send
from tests.conftest import WorkerProcess
from tests.support.smtp import SMTPServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBJECT = "Hei {{ first_name }}, takk for sist"
BODY = "Hei {{ first_name }},\n\nTakk for praten på {{ event_name }}.\n\nSe https://demo.example/jobb\n\n{{ recruiter_name }}"


def _wait_for_done(mailing: Mailing, timeout: float = 40) -> Mailing:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mailing.refresh_from_db()
        if mailing.status == Mailing.Status.DONE:
            return mailing
        time.sleep(0.2)
    raise AssertionError(f"mailing {mailing.pk} is still {mailing.status}")


def test_seven_recipients_get_seven_individual_messages_and_a_rerun_sends_nothing(
    celery_queue, recruiter_a, seven_candidates, tmp_path
):
    record = tmp_path / "sent"
    worker = WorkerProcess(
        celery_queue,
        extra_env={
            "EMAIL_BACKEND": "tests.support.backends.RecordingAnymailBackend",
            "RECORD_DIR": str(record),
        },
        pool="threads",  # as the Procfile runs it
        concurrency=8,
    ).start()
    try:
        mailing = mailing_create(
            sender=recruiter_a,
            recipients=[s.candidate_id for s in seven_candidates],
            subject=SUBJECT,
            body=BODY,
        )
        _wait_for_done(mailing)
        messages = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in record.glob("*.eml")]
        assert len(messages) == 7, list(mailing.deliveries.values_list("status", "reason"))
        names = {s.candidate.email: s.candidate.first_name for s in seven_candidates}
        for message in messages:
            to = message.get_all("To")
            assert len(to) == 1 and "," not in to[0]
            assert message["Cc"] is None and message["Bcc"] is None
            assert message["Reply-To"] == "kari@alfa.example"
            first = names.pop(message["To"].addresses[0].addr_spec)
            assert message["Subject"] == f"Hei {first}, takk for sist"
            assert f"Hei {first}," in message.get_body(("plain",)).get_content()
            assert f"Hei {first}," in message.get_body(("html",)).get_content()
        assert names == {}  # every one of the seven got exactly one

        # The same send task once more, as a redelivered task would run: it claims and sends nothing.
        deliveries_send.apply_async(args=[list(mailing.deliveries.values_list("pk", flat=True))])
        from poption.celery import ping

        ping.apply_async(args=["after"]).get(timeout=20)  # the worker has taken the task before this
        time.sleep(1)
        assert len(list(record.glob("*.eml"))) == 7
        assert set(mailing.deliveries.values_list("status", flat=True)) == {"sent"}
    finally:
        worker.stop()


def test_messages_into_a_real_smtp_server_are_one_per_recipient_with_text_and_html(
    celery_queue, recruiter_a, seven_candidates
):
    with SMTPServer() as smtp:
        worker = WorkerProcess(celery_queue, extra_env={"EMAIL_URL": smtp.url}).start()
        try:
            mailing = mailing_create(
                sender=recruiter_a,
                recipients=[s.candidate_id for s in seven_candidates],
                subject=SUBJECT,
                body=BODY,
            )
            _wait_for_done(mailing)
        finally:
            worker.stop()
        received = smtp.handler.received
    assert len(received) == 7
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(s.candidate.email for s in seven_candidates)
    for item in received:
        assert len(item.rcpt_tos) == 1  # the envelope, too, names one recipient only
        assert item.mail_from == "mailer@poption.example"
        message = item.message
        assert message["To"] == item.rcpt_tos[0]
        assert message["Cc"] is None and message["Bcc"] is None
        assert message["From"].addresses[0].display_name == "Kari Nordmann | Alfa AS"
        assert message["Reply-To"] == "kari@alfa.example"
        unsubscribe = str(message["List-Unsubscribe"]).strip()
        assert unsubscribe.startswith("<http") and "/mailing/unsubscribe/" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Message-ID"]
        assert message.get_content_type() == "multipart/alternative"
        html = message.get_body(("html",)).get_content()
        assert '<a href="https://demo.example/jobb"' in html
        assert "KarriereDagene NTNU" in message.get_body(("plain",)).get_content()
    ids = set(mailing.deliveries.values_list("esp_message_id", flat=True))
    assert ids == {r.message["Message-ID"] for r in received}

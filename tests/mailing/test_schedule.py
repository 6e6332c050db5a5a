"""Scheduled sends: the time lives in the database and the beat tick starts the mailing."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mailing.models import Mailing
from mailing.services import mailing_cancel, mailing_create
from mailing.tasks import mailing_sweep
from tests.support.processes import beat_and_worker
from tests.support.smtp import SMTPServer


def _ids(shares):
    return [s.candidate_id for s in shares]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_scheduled_mailing_goes_out_on_the_beat_tick_not_before_and_a_cancelled_one_never(
    celery_queue, recruiter_a, seven_candidates
):
    in_a_minute = timezone.now() + timedelta(minutes=1)
    due = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates[:4]),
        subject="Hei",
        body="Hei",
        scheduled_at=in_a_minute,
    )
    cancelled = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates[4:]),
        subject="Nei",
        body="Nei",
        scheduled_at=in_a_minute,
    )
    assert mailing_cancel(mailing=cancelled)
    with SMTPServer() as smtp:
        env = {"EMAIL_URL": smtp.url, "MAILING_RATE_PER_SECOND": "0"}
        with beat_and_worker(celery_queue, env):
            time.sleep(4)  # several ticks while the time has not come
            assert smtp.handler.received == []
            due.refresh_from_db()
            assert due.status == Mailing.Status.SCHEDULED
            # The minute passes (moved in the database, which is where the time lives).
            Mailing.objects.filter(pk__in=[due.pk, cancelled.pk]).update(scheduled_at=timezone.now())
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                connection.close()
                due.refresh_from_db()
                if due.status == Mailing.Status.DONE:
                    break
                time.sleep(0.2)
        received = sorted(r.rcpt_tos[0] for r in smtp.handler.received)
    assert due.status == Mailing.Status.DONE
    assert due.started_at >= in_a_minute - timedelta(minutes=1)
    assert received == sorted(s.candidate.email for s in seven_candidates[:4])
    cancelled.refresh_from_db()
    assert cancelled.status == Mailing.Status.CANCELLED
    assert set(cancelled.deliveries.values_list("status", flat=True)) == {"skipped"}


@pytest.mark.django_db
def test_two_sweeps_start_a_due_mailing_once(recruiter_a, seven_candidates, monkeypatch):
    dispatched = []
    monkeypatch.setattr("mailing.tasks.mailing_dispatch.apply_async", lambda args: dispatched.append(args[0]))
    mailing = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates),
        subject="Hei",
        body="Hei",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    Mailing.objects.filter(pk=mailing.pk).update(scheduled_at=timezone.now() - timedelta(seconds=5))
    assert mailing_sweep()["started"] == 1
    assert mailing_sweep()["started"] == 0
    assert dispatched == [mailing.pk]


@pytest.mark.django_db
def test_a_long_overdue_mailing_is_held_and_a_late_one_sent_with_a_note(
    recruiter_a, seven_candidates, monkeypatch
):
    monkeypatch.setattr("mailing.tasks.mailing_dispatch.apply_async", lambda args: None)
    late = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates[:3]),
        subject="A",
        body="A",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    ancient = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates[3:]),
        subject="B",
        body="B",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    Mailing.objects.filter(pk=late.pk).update(scheduled_at=timezone.now() - timedelta(hours=2))
    Mailing.objects.filter(pk=ancient.pk).update(scheduled_at=timezone.now() - timedelta(days=3))
    report = mailing_sweep()
    assert (report["started"], report["held"]) == (1, 1)
    late.refresh_from_db()
    ancient.refresh_from_db()
    assert late.status == Mailing.Status.SENDING and late.note.startswith("Sent late")
    assert ancient.status == Mailing.Status.PAUSED and ancient.note.startswith("Held")


@pytest.mark.django_db
def test_sending_rows_stuck_past_the_timeout_are_requeued_or_unknown(
    recruiter_a, seven_candidates, settings, monkeypatch
):
    monkeypatch.setattr("mailing.tasks.deliveries_send.apply_async", lambda args: None)
    monkeypatch.setattr("mailing.tasks.mailing_dispatch.apply_async", lambda args: None)
    settings.MAILING_SENDING_TIMEOUT = 60
    mailing = mailing_create(sender=recruiter_a, recipients=_ids(seven_candidates[:2]), subject="A", body="A")
    tried, untried = mailing.deliveries.order_by("pk")
    long_ago = timezone.now() - timedelta(minutes=5)
    mailing.deliveries.update(status="sending", claimed_at=long_ago)
    mailing.deliveries.filter(pk=tried.pk).update(attempt_started_at=long_ago)
    report = mailing_sweep()
    assert (report["requeued"], report["unknown"]) == (1, 1)
    tried.refresh_from_db()
    untried.refresh_from_db()
    assert tried.status == "unknown" and "cannot tell" in tried.reason
    assert untried.status == "queued"


@pytest.mark.django_db
def test_a_scheduled_mailing_can_be_changed_until_it_starts(client_a, recruiter_a, seven_candidates):
    mailing = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates),
        subject="Hei",
        body="Hei",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    response = client_a.post(
        f"/mailing/{mailing.pk}/edit/",
        {"subject": "Hei igjen {{ first_name }}", "body": "Ny tekst", "scheduled_at": "2031-01-15T08:00"},
    )
    assert response.status_code == 302
    mailing.refresh_from_db()
    assert (mailing.subject, mailing.body) == ("Hei igjen {{ first_name }}", "Ny tekst")
    assert mailing.scheduled_at.isoformat() == "2031-01-15T07:00:00+00:00"  # 08:00 in Oslo in winter
    bad = client_a.post(
        f"/mailing/{mailing.pk}/edit/",
        {"subject": "x", "body": "{% for x in y %}", "scheduled_at": "2031-01-15T08:00"},
    )
    assert bad.status_code == 422
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
    client_a.post(
        f"/mailing/{mailing.pk}/edit/",
        {"subject": "Too late", "body": "x", "scheduled_at": "2031-01-15T08:00"},
    )
    mailing.refresh_from_db()
    assert mailing.subject == "Hei igjen {{ first_name }}"


@pytest.mark.django_db
def test_another_companys_scheduled_mailing_cannot_be_changed(
    client, recruiter_a, recruiter_b, seven_candidates
):
    mailing = mailing_create(
        sender=recruiter_a,
        recipients=_ids(seven_candidates),
        subject="Hei",
        body="Hei",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(recruiter_b)
    assert client.get(f"/mailing/{mailing.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/mailing/{mailing.pk}/edit/", {"subject": "x", "body": "x", "scheduled_at": "2031-01-15T08:00"}
        ).status_code
        == 404
    )

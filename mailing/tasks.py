"""Thin Celery tasks: take ids, call the pipeline. Safe to run twice and in any number of workers."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from mailing import sending
from mailing.models import Delivery, Mailing
from mailing.services import mailing_close_if_finished
from mailing.states import delivery_move

log = logging.getLogger(__name__)
S = Delivery.Status


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _enqueue_deliveries(ids: list[int]) -> int:
    count = 0
    for chunk in _chunks(ids, settings.MAILING_CHUNK_SIZE):
        deliveries_send.apply_async(args=[chunk])
        count += 1
    return count


@shared_task(name="mailing.dispatch", ignore_result=True)
def mailing_dispatch(mailing_id: int) -> int:
    """Split the mailing's queued, due deliveries into chunks, one send task each."""
    if not Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).exists():
        return 0
    ids = list(
        Delivery.objects.filter(mailing_id=mailing_id, status=S.QUEUED, retry_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        mailing_close_if_finished(mailing_id=mailing_id)
        return 0
    return _enqueue_deliveries(ids)


@shared_task(name="mailing.deliveries_send", ignore_result=True)
def deliveries_send(delivery_ids: list[int]) -> dict:
    return sending.deliveries_send(list(delivery_ids))


@shared_task(name="mailing.sweep", ignore_result=True)
def mailing_sweep() -> dict:
    """The beat tick: start due mailings, retry due deliveries, recover lost work, close finished ones."""
    now = timezone.now()
    report = {
        "started": 0,
        "held": 0,
        "retried": 0,
        "redispatched": 0,
        "requeued": 0,
        "unknown": 0,
        "closed": 0,
    }

    hold_before = now - timedelta(hours=settings.MAILING_OVERDUE_HOLD_HOURS)
    for mailing in Mailing.objects.filter(status=Mailing.Status.SCHEDULED, scheduled_at__lte=now):
        when = {"when": timezone.localtime(mailing.scheduled_at).strftime("%d.%m.%Y %H:%M")}
        if mailing.scheduled_at < hold_before:
            # Long overdue (the service was down): don't surprise candidates, let the recruiter decide.
            report["held"] += Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SCHEDULED).update(
                status=Mailing.Status.PAUSED,
                note=gettext_noop(
                    "Held: it was due %(when)s, while the service was unavailable. Resume to send it."
                ),
                note_params=when,
            )
            continue
        late = mailing.scheduled_at < now - timedelta(minutes=15)
        # Conditional: of two ticks racing, one moves the row and only that one dispatches it.
        if Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SCHEDULED).update(
            status=Mailing.Status.SENDING,
            started_at=now,
            note=gettext_noop("Sent late: it was due %(when)s.") if late else "",
            note_params=when if late else {},
        ):
            report["started"] += 1
            mailing_dispatch.apply_async(args=[mailing.pk])

    # Deliveries whose retry time has come: clear retry_at as we enqueue, so the next tick skips them.
    due = list(
        Delivery.objects.filter(
            status=S.QUEUED, retry_at__lte=now, mailing__status=Mailing.Status.SENDING
        ).values_list("pk", flat=True)[:20000]
    )
    if due:
        Delivery.objects.filter(pk__in=due, status=S.QUEUED).update(retry_at=None)
        _enqueue_deliveries(due)
        report["retried"] = len(due)

    # Mailings with queued rows but no progress for a while: their tasks were lost (broker restarted).
    stalled_before = now - timedelta(seconds=settings.MAILING_STALL_SECONDS)
    sending_ids = Mailing.objects.filter(status=Mailing.Status.SENDING, started_at__lte=stalled_before)
    stalled = (
        Delivery.objects.filter(mailing__in=sending_ids)
        .values("mailing_id")
        .annotate(last=Max("updated_at"))
        .filter(last__lt=stalled_before)
        .values_list("mailing_id", flat=True)
    )
    for mailing_id in stalled:
        if Delivery.objects.filter(mailing_id=mailing_id, status=S.QUEUED, retry_at__isnull=True).exists():
            Delivery.objects.filter(mailing_id=mailing_id, status=S.QUEUED).update(updated_at=now)
            mailing_dispatch.apply_async(args=[mailing_id])
            report["redispatched"] += 1

    # Claimed long ago and never answered: the worker died. A row whose attempt never started was
    # not sent and goes back to the queue; one whose attempt started may have left: it is unknown.
    stuck = Delivery.objects.filter(
        status=S.SENDING, claimed_at__lt=now - timedelta(seconds=settings.MAILING_SENDING_TIMEOUT)
    )
    never_tried = list(stuck.filter(attempt_started_at__isnull=True).values_list("pk", flat=True)[:20000])
    if never_tried:
        report["requeued"] = delivery_move(
            Delivery.objects.filter(pk__in=never_tried), to=S.QUEUED, sources=[S.SENDING], claim_token=None
        )
        _enqueue_deliveries(never_tried)
    report["unknown"] = delivery_move(
        stuck.filter(attempt_started_at__isnull=False),
        to=S.UNKNOWN,
        sources=[S.SENDING],
        reason=gettext_noop(
            "The worker stopped while sending; we cannot tell whether this email left. Resend if needed."
        ),
    )

    for mailing_id in Mailing.objects.filter(status=Mailing.Status.SENDING).values_list("pk", flat=True):
        report["closed"] += mailing_close_if_finished(mailing_id=mailing_id)
    if any(report.values()):
        log.info("mailing sweep: %s", report)
    return report

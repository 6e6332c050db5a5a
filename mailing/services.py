"""Writes of the mailing app. Views, tasks, commands and the admin all go through these."""

import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from candidates.models import Share
from mailing import rendering
from mailing.models import Delivery, DeliveryEvent, EmailTemplate, Mailing
from mailing.states import delivery_move
from poption.accounts.models import User
from poption.enqueue import enqueue_on_commit

S = Delivery.Status


class RecipientError(ValueError):
    """The recipients cannot be used as a whole: none given, or some not visible to the company."""


def _from_name(sender: User) -> str:
    # The display name ends up in a header: no line breaks, and no quote games.
    name = f"{sender.name} | {sender.company.name}"
    return " ".join(name.replace('"', "'").split())[:200]


def _reply_to(sender: User) -> str:
    """The sender's chosen inbox, if it is still verified; otherwise their login address."""
    chosen = sender.reply_to_email
    if chosen and sender.inboxes.filter(email__iexact=chosen, verified_at__isnull=False).exists():
        return chosen
    return sender.email


def _enqueue_dispatch(mailing_id: int) -> None:
    from mailing.tasks import mailing_dispatch as mailing_dispatch_task

    enqueue_on_commit(mailing_dispatch_task, mailing_id)


@transaction.atomic
def mailing_create(
    *,
    sender: User,
    recipients: Sequence[int],
    subject: str,
    body: str,
    template: EmailTemplate | None = None,
    scheduled_at: datetime | None = None,
    client_token: uuid.UUID | None = None,
) -> Mailing:
    """Validate, snapshot and store a mailing with one delivery per recipient, then enqueue it.

    All or nothing: a recipient the company cannot see refuses the whole mailing. Opted-out
    and suppressed candidates get a *skipped* delivery with the reason, so the recruiter sees why.
    """
    company = sender.company
    if company is None:
        raise RecipientError(_("Your account does not belong to a company."))
    if client_token:
        existing = Mailing.objects.filter(client_token=client_token, sender=sender).first()
        if existing:
            return existing
    rendering.CompiledMailing(subject=subject, body=body)  # raises TemplateError
    ids = sorted({int(pk) for pk in recipients})
    if not ids:
        raise RecipientError(_("Choose at least one recipient."))
    if template is not None and template.company_id != company.pk:
        raise RecipientError(_("That template belongs to another company."))
    visible = Share.objects.for_company(company).filter(candidate_id__any_of=ids).count()
    if visible != len(ids):
        missing = len(ids) - visible
        raise RecipientError(
            _(
                "%(count)s of the recipients are not among your company's candidates any more. Nothing was sent."
            )
            % {"count": missing}
        )
    now = timezone.now()
    scheduled = scheduled_at is not None and scheduled_at > now
    mailing = Mailing(
        company=company,
        sender=sender,
        template=template,
        subject=subject,
        body=body,
        from_name=_from_name(sender),
        reply_to=_reply_to(sender),
        status=Mailing.Status.SCHEDULED if scheduled else Mailing.Status.SENDING,
        scheduled_at=scheduled_at if scheduled else None,
        started_at=None if scheduled else now,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            mailing.save()
    except IntegrityError:
        # Another request with the same form token won the race: that one is the mailing.
        return Mailing.objects.get(client_token=client_token, sender=sender)
    _insert_deliveries(mailing=mailing, candidate_ids=ids, now=now)
    if not scheduled:
        _enqueue_dispatch(mailing.pk)
    return mailing


def _skip_reasons() -> tuple[str, str, str]:
    return (
        gettext_noop("Opted out of email from your company"),
        gettext_noop("Suppressed after a hard bounce"),
        gettext_noop("Suppressed after a spam complaint"),
    )


def _insert_deliveries(*, mailing: Mailing, candidate_ids: list[int], now: datetime) -> None:
    """One set-based INSERT ... SELECT: 50,000 recipients cost one statement, not 50,000."""
    opted_out, bounced, complained = _skip_reasons()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO mailing_delivery
                    (mailing_id, candidate_id, email, status, reason, reason_params, attempts, updated_at,
                     rendered_subject, rendered_body)
                SELECT %(mailing)s, s.candidate_id, c.email,
                       CASE WHEN s.unsubscribed_at IS NOT NULL OR s.suppressed_reason <> ''
                            THEN 'skipped' ELSE 'queued' END,
                       CASE WHEN s.unsubscribed_at IS NOT NULL THEN %(opted_out)s
                            WHEN s.suppressed_reason = 'hard_bounce' THEN %(bounced)s
                            WHEN s.suppressed_reason = 'complaint' THEN %(complained)s
                            ELSE '' END,
                       '{}'::jsonb, 0, %(now)s, '', ''
                FROM candidates_share s
                JOIN candidates_candidate c ON c.id = s.candidate_id
                WHERE s.company_id = %(company)s AND s.revoked_at IS NULL
                  AND s.candidate_id = ANY(%(ids)s)
                ON CONFLICT (mailing_id, candidate_id) DO NOTHING
                """,
                {
                    "mailing": mailing.pk,
                    "company": mailing.company_id,
                    "ids": candidate_ids,
                    "now": now,
                    "opted_out": opted_out,
                    "bounced": bounced,
                    "complained": complained,
                },
            )
        return
    reasons = {"hard_bounce": bounced, "complaint": complained}
    for start in range(0, len(candidate_ids), 5000):
        shares = (
            Share.objects.for_company(mailing.company)
            .filter(candidate_id__in=candidate_ids[start : start + 5000])
            .values_list("candidate_id", "candidate__email", "unsubscribed_at", "suppressed_reason")
        )
        rows = []
        for candidate_id, email, unsubscribed_at, suppressed in shares:
            reason = opted_out if unsubscribed_at else reasons.get(suppressed, "")
            rows.append(
                Delivery(
                    mailing=mailing,
                    candidate_id=candidate_id,
                    email=email,
                    updated_at=now,
                    status=S.SKIPPED if reason else S.QUEUED,
                    reason=reason,
                )
            )
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def mailing_counts(mailing_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per mailing, how many deliveries are in each status; one query for a whole page of mailings."""
    rows = (
        Delivery.objects.filter(mailing_id__in=list(mailing_ids))
        .values("mailing_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["mailing_id"], {})[row["status"]] = row["n"]
    return counts


def mailing_close_if_finished(*, mailing_id: int) -> bool:
    """Mark a sending mailing done once no delivery is queued or being sent."""
    if Delivery.objects.filter(mailing_id=mailing_id, status__in=[S.QUEUED, S.SENDING]).exists():
        return False
    return bool(
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.DONE, finished_at=timezone.now()
        )
    )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped far below the broker's visibility timeout."""
    base = min(
        settings.MAILING_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.MAILING_RETRY_MAX_SECONDS
    )
    return timedelta(seconds=base / 2 + random.uniform(0, base / 2))


def delivery_resend(*, mailing: Mailing, delivery_id: int) -> bool:
    """The recruiter's resend of an *unknown* delivery: queued again, sent by the next dispatch."""
    moved = delivery_move(
        Delivery.objects.filter(pk=delivery_id, mailing=mailing),
        to=S.QUEUED,
        sources=[S.UNKNOWN],
        retry_at=None,
        reason="",
    )
    if moved:
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DONE).update(
            status=Mailing.Status.SENDING, finished_at=None
        )
        _enqueue_dispatch(mailing.pk)
    return bool(moved)


@transaction.atomic
def mailing_cancel(*, mailing: Mailing) -> bool:
    """Cancel a scheduled (or paused) mailing before it starts; its queued deliveries never go."""
    updated = Mailing.objects.filter(
        pk=mailing.pk, status__in=[Mailing.Status.SCHEDULED, Mailing.Status.PAUSED, Mailing.Status.DRAFT]
    ).update(status=Mailing.Status.CANCELLED, finished_at=timezone.now())
    if updated:
        delivery_move(
            mailing.deliveries.all(),
            to=S.SKIPPED,
            sources=[S.QUEUED],
            reason=gettext_noop("Mailing cancelled"),
        )
    return bool(updated)


def template_save(
    *, company, user: User, name: str, subject: str, body: str, template: EmailTemplate | None = None
) -> EmailTemplate:
    """Create or update a company template after validating it like the compose page does."""
    rendering.validate_subject(subject)
    rendering.validate_body(body)
    if template is None:
        template = EmailTemplate(company=company, created_by=user)
    template.name, template.subject, template.body = name.strip(), subject, body
    template.save()
    return template


def template_duplicate(*, template: EmailTemplate, user: User) -> EmailTemplate:
    names = set(EmailTemplate.objects.filter(company=template.company).values_list("name", flat=True))
    name = _("%(name)s (copy)") % {"name": template.name}
    n = 2
    while name.lower() in {existing.lower() for existing in names}:
        name = _("%(name)s (copy %(n)s)") % {"name": template.name, "n": n}
        n += 1
    return EmailTemplate.objects.create(
        company=template.company,
        name=name[:120],
        subject=template.subject,
        body=template.body,
        created_by=user,
    )


def mailing_resume(*, mailing: Mailing) -> bool:
    """Resume a paused (or held) mailing: only deliveries still queued go out."""
    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PAUSED).update(
        status=Mailing.Status.SENDING, started_at=timezone.now(), note=""
    )
    if updated:
        _enqueue_dispatch(mailing.pk)
    return bool(updated)


def share_unsubscribe(*, share: Share) -> bool:
    """The candidate opts out of this company's email; queued deliveries to them are skipped."""
    now = timezone.now()
    with transaction.atomic():
        first_time = bool(
            Share.objects.filter(pk=share.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now)
        )
        opted_out = _skip_reasons()[0]
        delivery_move(
            Delivery.objects.filter(candidate_id=share.candidate_id, mailing__company_id=share.company_id),
            to=S.SKIPPED,
            sources=[S.QUEUED],
            reason=opted_out,
        )
    share.refresh_from_db(fields=["unsubscribed_at"])
    return first_time


# Tracking events that change a delivery, and the status each moves it to. Others are only stored.
_TRACKING_STATUS = {
    "delivered": S.DELIVERED,
    "bounced": S.BOUNCED,
    "rejected": S.BOUNCED,
    "complained": S.COMPLAINED,
}


def _event_id(*, event, esp_name: str) -> str:
    """The ESP's own event id, or (for ESPs without one) a digest of what makes the event unique."""
    import hashlib

    if event.event_id:
        return f"{esp_name}:{event.event_id}"[:255]
    parts = [
        esp_name,
        str(event.message_id),
        str(event.event_type),
        str(event.timestamp),
        str(event.recipient),
    ]
    return f"{esp_name}:sha256:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _delivery_for_event(event) -> Delivery | None:
    if event.message_id:
        delivery = Delivery.objects.filter(esp_message_id=str(event.message_id)).first()
        if delivery:
            return delivery
    raw_id = (event.metadata or {}).get("delivery_id")
    if raw_id and str(raw_id).isdigit():
        delivery = Delivery.objects.filter(pk=int(raw_id)).first()
        # Metadata comes from the ESP; trust it only when the address agrees too.
        if delivery and event.recipient and delivery.email.lower() == str(event.recipient).lower():
            return delivery
    return None


@transaction.atomic
def tracking_event_record(*, event, esp_name: str) -> DeliveryEvent | None:
    """Store a tracking event once and move its delivery forward, never backwards.

    An event for a message we don't know changes nothing. A bounce or complaint suppresses the
    share, so the company's later mailings skip the address.
    """
    delivery = _delivery_for_event(event)
    if delivery is None:
        return None
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    stored, created = DeliveryEvent.objects.get_or_create(
        esp_event_id=_event_id(event=event, esp_name=esp_name),
        defaults={
            "delivery": delivery,
            "event_type": str(event.event_type)[:40],
            "esp_message_id": str(event.message_id or "")[:255],
            "occurred_at": event.timestamp or timezone.now(),
            "description": str(event.description or event.mta_response or event.reject_reason or "")[:500],
            "raw": raw,
        },
    )
    if not created:
        return stored  # a replay: already applied
    target = _TRACKING_STATUS.get(str(event.event_type))
    if target:
        reason = stored.description or ""
        delivery_move(
            Delivery.objects.filter(pk=delivery.pk), to=target, **({"reason": reason} if reason else {})
        )
    if target in (S.BOUNCED, S.COMPLAINED):
        suppression = Share.Suppression.COMPLAINT if target == S.COMPLAINED else Share.Suppression.HARD_BOUNCE
        shares = Share.objects.filter(
            company_id=delivery.mailing.company_id, candidate_id=delivery.candidate_id
        )
        # A complaint outranks a bounce; neither is ever lifted by a later event.
        if suppression == Share.Suppression.HARD_BOUNCE:
            shares = shares.filter(suppressed_reason="")
        else:
            shares = shares.exclude(suppressed_reason=Share.Suppression.COMPLAINT)
        shares.update(suppressed_reason=suppression, suppressed_at=timezone.now())
    if str(event.event_type) == "unsubscribed":
        share = Share.objects.filter(
            company_id=delivery.mailing.company_id, candidate_id=delivery.candidate_id
        ).first()
        if share:
            share_unsubscribe(share=share)
    return stored


@transaction.atomic
def mailing_reschedule(*, mailing: Mailing, subject: str, body: str, scheduled_at: datetime) -> bool:
    """Change a scheduled mailing before it starts; once the sweep has started it, nothing changes."""
    rendering.CompiledMailing(subject=subject, body=body)  # raises TemplateError
    if scheduled_at <= timezone.now():
        raise ValueError("scheduled_at must be in the future")
    return bool(
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SCHEDULED).update(
            subject=subject, body=body, scheduled_at=scheduled_at
        )
    )

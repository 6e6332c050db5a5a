"""Claim, render and send deliveries, one message per recipient, recording each result at once."""

import logging
import smtplib
import socket
from dataclasses import dataclass
from email.utils import formataddr, make_msgid

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mailing import rendering
from mailing.models import Delivery, Mailing
from mailing.states import delivery_move
from mailing.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)
S = Delivery.Status


@dataclass(frozen=True)
class SendError:
    permanent: bool
    reason: str


def classify(exc: Exception) -> SendError:
    """Tell a transient error (try again later) from a permanent one (this address will never work)."""
    try:
        text = str(exc)[:400] or exc.__class__.__name__
    except Exception:  # noqa: BLE001 - an exception whose __str__ itself fails still gets a reason
        text = exc.__class__.__name__
    if isinstance(exc, AnymailRecipientsRefused):
        return SendError(True, _("The email service refused the address: %(error)s") % {"error": text})
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        if status is None or status == 429 or status >= 500 or status == 408:
            return SendError(
                False,
                _("The email service is unavailable (%(status)s); will retry.")
                % {"status": status or _("no answer")},
            )
        return SendError(
            True,
            _("The email service refused the message (%(status)s): %(error)s")
            % {"status": status, "error": text},
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        permanent = all(code >= 500 for code in codes)
        return SendError(permanent, _("The mail server refused the address: %(error)s") % {"error": text})
    if isinstance(exc, smtplib.SMTPResponseException):
        permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code not in (521, 554)
        return SendError(
            permanent,
            _("The mail server answered %(code)s: %(error)s") % {"code": exc.smtp_code, "error": text},
        )
    if isinstance(exc, smtplib.SMTPException | ConnectionError | socket.timeout | TimeoutError | OSError):
        return SendError(False, _("Could not reach the mail server: %(error)s") % {"error": text})
    return SendError(False, _("Unexpected error: %(error)s") % {"error": text})


def build_message(
    *,
    mailing: Mailing,
    delivery_id: int,
    email: str,
    rendered: rendering.RenderedMessage,
    list_unsubscribe: str,
    connection,
) -> EmailMultiAlternatives:
    """One message, one recipient: To is the candidate alone, no Cc, no Bcc."""
    domain = settings.MAILING_FROM_EMAIL.rpartition("@")[2]
    headers = {"Message-ID": make_msgid(idstring=f"d{delivery_id}", domain=domain)}
    if list_unsubscribe:
        headers["List-Unsubscribe"] = f"<{list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=formataddr((mailing.from_name, settings.MAILING_FROM_EMAIL)),
        to=[email],
        reply_to=[mailing.reply_to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    # Read by Anymail backends (tracking webhooks carry it back); ignored by Django's own backends.
    message.metadata = {"delivery_id": str(delivery_id), "mailing_id": str(mailing.pk)}
    message.tags = ["poption"]
    message.track_clicks = False
    return message


def deliveries_claim(delivery_ids: list[int]) -> list[Delivery]:
    """Take the rows no other worker holds, queued and due, of mailings that are sending."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=delivery_ids, status=S.QUEUED, mailing__status=Mailing.Status.SENDING)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        delivery_move(
            Delivery.objects.filter(pk__in=ids),
            to=S.SENDING,
            sources=[S.QUEUED],
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(Delivery.objects.filter(pk__in=ids).order_by("pk"))


def _record_error(delivery: Delivery, error: SendError) -> None:
    from mailing.services import retry_delay

    row = Delivery.objects.filter(pk=delivery.pk)
    if error.permanent or delivery.attempts >= settings.MAILING_MAX_ATTEMPTS:
        reason = (
            error.reason
            if error.permanent
            else _("Gave up after %(n)s attempts: %(error)s")
            % {"n": delivery.attempts, "error": error.reason}
        )
        delivery_move(row, to=S.FAILED, sources=[S.SENDING], reason=reason[:500])
    else:
        delivery_move(
            row,
            to=S.QUEUED,
            sources=[S.SENDING],
            reason=error.reason[:500],
            retry_at=timezone.now() + retry_delay(delivery.attempts),
        )


def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    """Send the claimed deliveries through one reused connection. Safe to run twice."""
    claimed = deliveries_claim(delivery_ids)
    result = {"claimed": len(claimed), "sent": 0, "failed": 0, "retry": 0}
    if not claimed:
        return result
    mailings = {
        m.pk: m
        for m in Mailing.objects.select_related("company", "sender").filter(
            pk__in={d.mailing_id for d in claimed}
        )
    }
    compiled: dict[int, rendering.CompiledMailing | rendering.TemplateError] = {}
    contexts: dict[int, dict[int, dict[str, str]]] = {}
    for mailing in mailings.values():
        try:
            compiled[mailing.pk] = rendering.CompiledMailing(subject=mailing.subject, body=mailing.body)
        except rendering.TemplateError as exc:
            compiled[mailing.pk] = exc
        contexts[mailing.pk] = rendering.build_contexts(
            company=mailing.company,
            sender=mailing.sender,
            candidate_ids=[d.candidate_id for d in claimed if d.mailing_id == mailing.pk],
            unsubscribe_url=lambda cid, m=mailing: unsubscribe_url(company_id=m.company_id, candidate_id=cid),
        )
    connection = get_connection()
    try:
        for delivery in claimed:
            outcome = _send_one(
                delivery,
                mailings[delivery.mailing_id],
                compiled[delivery.mailing_id],
                contexts[delivery.mailing_id].get(delivery.candidate_id),
                connection,
            )
            result[outcome] += 1
            if outcome == "retry":
                # A transient error may have left the connection half-open: start a fresh one.
                connection.close()
    finally:
        connection.close()
    for mailing_id in mailings:
        from mailing.services import mailing_close_if_finished

        mailing_close_if_finished(mailing_id=mailing_id)
    return result


def _send_one(delivery: Delivery, mailing: Mailing, compiled, context, connection) -> str:
    row = Delivery.objects.filter(pk=delivery.pk)
    if isinstance(compiled, rendering.TemplateError) or context is None:
        reason = (
            str(compiled) if context is not None else _("The candidate is no longer shared with your company")
        )
        delivery_move(row, to=S.FAILED, sources=[S.SENDING], reason=reason[:500])
        return "failed"
    try:
        rendered = compiled.render(context)
    except rendering.TemplateError as exc:
        delivery_move(row, to=S.FAILED, sources=[S.SENDING], reason=str(exc)[:500])
        return "failed"
    message = build_message(
        mailing=mailing,
        delivery_id=delivery.pk,
        email=delivery.email,
        rendered=rendered,
        list_unsubscribe=context.get("unsubscribe_url", ""),
        connection=connection,
    )
    try:
        sent = message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - every error is classified and recorded
        error = classify(exc)
        log.info("delivery %s: %s", delivery.pk, error.reason)
        _record_error(delivery, error)
        return "failed" if error.permanent or delivery.attempts >= settings.MAILING_MAX_ATTEMPTS else "retry"
    if not sent:
        _record_error(delivery, SendError(False, _("The mail backend sent nothing")))
        return "retry"
    status = getattr(message, "anymail_status", None)
    esp_id = (status.message_id if status is not None else None) or message.extra_headers["Message-ID"]
    delivery_move(
        row,
        to=S.SENT,
        sources=[S.SENDING],
        sent_at=timezone.now(),
        esp_message_id=str(esp_id)[:255],
        rendered_subject=rendered.subject,
        rendered_body=rendered.text,
        reason="",
    )
    return "sent"

"""Claim, render and send deliveries, one message per recipient, recording each result at once."""

import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, make_msgid

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mailing import ratelimit, rendering
from mailing.models import Delivery, Mailing, translated_reason
from mailing.states import delivery_move
from mailing.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)
S = Delivery.Status


@dataclass(frozen=True)
class SendError:
    permanent: bool
    message: str  # an English message id (translated when shown)
    params: dict

    @property
    def text(self) -> str:
        return translated_reason(self.message, self.params)


def classify(exc: Exception) -> SendError:
    """Tell a transient error (try again later) from a permanent one (this address will never work)."""
    try:
        text = str(exc)[:400] or exc.__class__.__name__
    except Exception:  # noqa: BLE001 - an exception whose __str__ itself fails still gets a reason
        text = exc.__class__.__name__
    if isinstance(exc, AnymailRecipientsRefused):
        return SendError(
            True, gettext_noop("The email service refused the address: %(error)s"), {"error": text}
        )
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        if status is None or status == 429 or status >= 500 or status == 408:
            return SendError(
                False,
                gettext_noop("The email service is unavailable (%(status)s); will retry."),
                {"status": status or "–"},
            )
        return SendError(
            True,
            gettext_noop("The email service refused the message (%(status)s): %(error)s"),
            {"status": status, "error": text},
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        permanent = all(code >= 500 for code in codes)
        return SendError(
            permanent, gettext_noop("The mail server refused the address: %(error)s"), {"error": text}
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code not in (521, 554)
        return SendError(
            permanent,
            gettext_noop("The mail server answered %(code)s: %(error)s"),
            {"code": exc.smtp_code, "error": text},
        )
    if isinstance(exc, smtplib.SMTPException | ConnectionError | socket.timeout | TimeoutError | OSError):
        return SendError(False, gettext_noop("Could not reach the mail server: %(error)s"), {"error": text})
    return SendError(False, gettext_noop("Unexpected error: %(error)s"), {"error": text})


def with_footer(
    rendered: rendering.RenderedMessage, *, company_name: str, url: str
) -> rendering.RenderedMessage:
    """Every message ends with a short, plain unsubscribe line, in the candidates' language."""
    if not url:
        return rendered
    with translation.override(settings.MAILING_LANGUAGE):
        line = _("Don't want emails from %(company)s? Unsubscribe: %(url)s") % {
            "company": company_name,
            "url": url,
        }
    text = f"{rendered.text.rstrip()}\n\n-- \n{line}\n"
    footer = rendering.text_to_html(line).replace("<p>", '<p style="font-size:12px;color:#666">', 1)
    html = f"{rendered.html}\n<hr>\n{footer}"
    return rendering.RenderedMessage(subject=rendered.subject, text=text, html=html)


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


def deliveries_claim(delivery_ids: list[int]) -> tuple[uuid.UUID, list[Delivery]]:
    """Take the rows no other worker holds, queued and due, of mailings that are sending."""
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=delivery_ids, status=S.QUEUED, mailing__status=Mailing.Status.SENDING)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .values_list("pk", flat=True)
        )
        if not ids:
            return token, []
        delivery_move(
            Delivery.objects.filter(pk__in=ids),
            to=S.SENDING,
            sources=[S.QUEUED],
            claimed_at=now,
            claim_token=token,
            attempt_started_at=None,
            retry_at=None,
        )
    return token, list(Delivery.objects.filter(pk__in=ids).order_by("pk"))


def _mine(delivery: Delivery, token: uuid.UUID):
    """This claim's row, as long as nobody (the sweep, another worker) has taken it since."""
    return Delivery.objects.filter(pk=delivery.pk, claim_token=token)


def _record_error(delivery: Delivery, token: uuid.UUID, error: SendError) -> str:
    from mailing.services import retry_delay

    attempts = delivery.attempts + 1
    if error.permanent or attempts >= settings.MAILING_MAX_ATTEMPTS:
        params = error.params if error.permanent else {**error.params, "after_attempts": attempts}
        delivery_move(
            _mine(delivery, token),
            to=S.FAILED,
            sources=[S.SENDING, S.UNKNOWN],
            reason=error.message,
            reason_params=params,
            attempts=attempts,
        )
        return "failed"
    delivery_move(
        _mine(delivery, token),
        to=S.QUEUED,
        sources=[S.SENDING, S.UNKNOWN],
        reason=error.message,
        reason_params=error.params,
        attempts=attempts,
        retry_at=timezone.now() + retry_delay(attempts),
        attempt_started_at=None,
    )
    return "retry"


def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    """Send the claimed deliveries through one reused connection. Safe to run twice."""
    token, claimed = deliveries_claim(delivery_ids)
    result = {"claimed": len(claimed), "sent": 0, "failed": 0, "retry": 0, "skipped": 0}
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
    limiter = ratelimit.limiter()
    try:
        for delivery in claimed:
            mailing = mailings[delivery.mailing_id]
            outcome = _send_one(
                delivery,
                token,
                mailing,
                compiled[mailing.pk],
                contexts[mailing.pk].get(delivery.candidate_id),
                connection,
                limiter,
            )
            result[outcome] += 1
            if outcome == "retry":
                # A transient error may have left the connection half-open: start a fresh one.
                connection.close()
            if outcome in ("failed", "retry") and _pause_if_failing(mailing):
                _release(claimed, token)
                break
    finally:
        connection.close()
    from mailing.services import mailing_close_if_finished

    for mailing_id in mailings:
        mailing_close_if_finished(mailing_id=mailing_id)
    return result


def _release(claimed: list[Delivery], token: uuid.UUID) -> None:
    """Give back the claimed rows this task did not try (the mailing paused itself)."""
    delivery_move(
        Delivery.objects.filter(
            pk__in=[d.pk for d in claimed], claim_token=token, attempt_started_at__isnull=True
        ),
        to=S.QUEUED,
        sources=[S.SENDING],
    )


def _pause_if_failing(mailing: Mailing) -> bool:
    """Pause a mailing that fails again and again: a wrong setting should not burn through the list."""
    window = timezone.now() - timedelta(minutes=5)
    failures = Delivery.objects.filter(mailing=mailing, status=S.FAILED, updated_at__gte=window).count()
    if failures < settings.MAILING_PAUSE_AFTER_FAILURES:
        return False
    sent = Delivery.objects.filter(mailing=mailing, status=S.SENT, updated_at__gte=window).count()
    if sent >= failures:
        return False
    last = Delivery.objects.filter(mailing=mailing, status=S.FAILED).order_by("-updated_at").first()
    return bool(
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.PAUSED,
            note=gettext_noop(
                "Paused by itself after %(n)s failed emails in five minutes. Last error: %(error)s. "
                "Fix the cause, then resume."
            ),
            note_params={"n": failures, "error": last.reason_text if last else "?"},
        )
    )


def _send_one(
    delivery: Delivery, token: uuid.UUID, mailing: Mailing, compiled, context, connection, limiter
) -> str:
    if isinstance(compiled, rendering.TemplateError) or context is None:
        reason = (
            str(compiled)
            if context is not None
            else gettext_noop("The candidate is no longer shared with your company")
        )
        delivery_move(_mine(delivery, token), to=S.FAILED, sources=[S.SENDING], reason=reason[:500])
        return "failed"
    try:
        rendered = compiled.render(context)
    except rendering.TemplateError as exc:
        delivery_move(_mine(delivery, token), to=S.FAILED, sources=[S.SENDING], reason=str(exc)[:500])
        return "failed"
    url = context.get("unsubscribe_url", "")
    rendered = with_footer(rendered, company_name=context.get("company_name", ""), url=url)
    message = build_message(
        mailing=mailing,
        delivery_id=delivery.pk,
        email=delivery.email,
        rendered=rendered,
        list_unsubscribe=url,
        connection=connection,
    )
    limiter.acquire()
    # Mark the attempt before the message leaves; if the row was taken from us meanwhile, don't send.
    started = _mine(delivery, token).filter(status=S.SENDING).update(attempt_started_at=timezone.now())
    if not started:
        return "skipped"
    try:
        sent = message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - every error is classified and recorded
        error = classify(exc)
        log.info("delivery %s: %s", delivery.pk, error.text)
        return _record_error(delivery, token, error)
    if not sent:
        return _record_error(
            delivery, token, SendError(False, gettext_noop("The mail backend sent nothing"), {})
        )
    status = getattr(message, "anymail_status", None)
    esp_id = status.message_id if status is not None and status.message_id is not None else None
    if esp_id is None:  # Django's own backends: our Message-ID is the id tracking can refer to
        esp_id = message.extra_headers["Message-ID"]
    sent = {
        "sent_at": timezone.now(),
        "rendered_subject": rendered.subject,
        "rendered_body": rendered.text,
        "reason": "",
        "attempts": delivery.attempts + 1,
    }
    try:
        with transaction.atomic():
            delivery_move(
                _mine(delivery, token),
                to=S.SENT,
                sources=[S.SENDING, S.UNKNOWN],
                esp_message_id=str(esp_id)[:255],
                **sent,
            )
    except IntegrityError:
        # The ESP gave an id another delivery already has. The message did leave: record it as
        # sent without the id (tracking events then find it by its metadata) rather than lose it.
        log.warning("delivery %s: duplicate ESP message id %r", delivery.pk, esp_id)
        delivery_move(_mine(delivery, token), to=S.SENT, sources=[S.SENDING, S.UNKNOWN], **sent)
    return "sent"

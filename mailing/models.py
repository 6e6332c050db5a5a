from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from poption.accounts.models import Company

SUBJECT_MAX = 255
BODY_MAX = 50_000


class EmailTemplate(models.Model):
    """A saved subject and body, shared by everyone in the company."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="email_templates", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="template_company_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mailing:template_edit", args=[self.pk])


class Mailing(models.Model):
    """One send action. Subject, body and reply-to are snapshots: later template edits don't change it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        PAUSED = "paused", _("Paused")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("company")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mailings", verbose_name=_("sender")
    )
    template = models.ForeignKey(
        EmailTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("template"),
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX)
    from_name = models.CharField(_("from name"), max_length=200)
    reply_to = models.EmailField(_("reply-to"), max_length=254)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    note_params = models.JSONField(_("note values"), default=dict, blank=True)
    client_token = models.UUIDField(
        _("form token"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Sent with the compose form, so a double submit creates one mailing, not two."),
    )

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="mailing_company_created"),
            models.Index(fields=["status", "scheduled_at"], name="mailing_status_scheduled"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("mailing:detail", args=[self.pk])

    @property
    def note_text(self) -> str:
        return translated_reason(self.note, self.note_params)


def translated_reason(message: str, params: dict | None) -> str:
    """A stored English message id with its values, in the active language.

    Messages from elsewhere (an ESP's bounce text, a rendering error) have no entry in the
    catalogue and come back unchanged. "after_attempts" wraps the reason in "Gave up after N".
    """
    from django.utils.translation import gettext

    if not message:
        return ""
    params = dict(params or {})
    attempts = params.pop("after_attempts", None)
    text = gettext(message)
    if params:
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):
            text = message  # a catalogue entry that lost a placeholder: the English id still reads
    if attempts:
        text = gettext("Gave up after %(n)s attempts: %(error)s") % {"n": attempts, "error": text}
    return text


class Delivery(models.Model):
    """One recipient of one mailing: what was sent to them, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        UNKNOWN = "unknown", _("Unknown")

    # No single-column indexes: the composite ones in Meta lead with these columns and serve them,
    # and every index costs time on a 50,000-row insert.
    mailing = models.ForeignKey(
        Mailing,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("mailing"),
        db_index=False,
    )
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("candidate"),
        db_index=False,
    )
    email = models.EmailField(_("address"), max_length=254)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    # Set just before the message is handed to the ESP: a claimed row without it was never tried,
    # so after a crash it can safely go back to the queue; one with it may have left, so it is unknown.
    attempt_started_at = models.DateTimeField(_("attempt started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    esp_message_id = models.CharField(_("ESP message id"), max_length=255, null=True, blank=True)
    # The reason is an English message id; its values sit beside it, so each reader sees it in their language.
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reason_params = models.JSONField(_("reason values"), default=dict, blank=True)
    rendered_subject = models.CharField(_("subject as sent"), max_length=SUBJECT_MAX * 4, blank=True)
    rendered_body = models.TextField(_("body as sent"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "candidate"], name="delivery_mailing_candidate_unique"
            ),
            # A constraint, not unique=True: that would add a second, pattern-matching index.
            models.UniqueConstraint(fields=["esp_message_id"], name="delivery_esp_message_id_unique"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["mailing", "status"], name="delivery_mailing_status"),
            models.Index(fields=["status", "retry_at"], name="delivery_status_retry"),
            models.Index(fields=["candidate", "mailing"], name="delivery_candidate"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"

    @property
    def reason_text(self) -> str:
        return translated_reason(self.reason, self.reason_params)


class DeliveryEvent(models.Model):
    """A tracking event from the ESP, stored once per ESP event id."""

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("delivery"),
    )
    esp_event_id = models.CharField(_("ESP event id"), max_length=255, unique=True)
    event_type = models.CharField(_("event"), max_length=40)
    esp_message_id = models.CharField(_("ESP message id"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    description = models.CharField(_("description"), max_length=500, blank=True)
    raw = models.JSONField(_("raw event"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.esp_message_id}"

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from poption.accounts.models import Company


class Event(models.Model):
    class Kind(models.TextChoices):
        CAREER_FAIR = "career_fair", _("Career fair")
        COMPANY_PRESENTATION = "company_presentation", _("Company presentation")
        PRIVATE_EVENT = "private_event", _("Private event")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="events", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.CAREER_FAIR)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "name"]
        indexes = [models.Index(fields=["company", "-starts_at"], name="event_company_starts")]

    def __str__(self) -> str:
        return self.name


class JobPosting(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="job_postings", verbose_name=_("company")
    )
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-published_at", "title"]
        indexes = [models.Index(fields=["company", "-published_at"], name="posting_company_published")]

    def __str__(self) -> str:
        return self.title

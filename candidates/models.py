from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, JobPosting
from poption.accounts.models import Company


class Candidate(models.Model):
    """A student's own profile. Shared with companies through Share; never read without one."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    school = models.CharField(_("school"), max_length=120, blank=True)
    study_programme = models.CharField(_("study programme"), max_length=160, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    grade_average = models.DecimalField(
        _("grade average"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("On the Norwegian scale, 1.00 (E) to 5.00 (A)."),
    )
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    cv_url = models.URLField(_("CV"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="candidate_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(grade_average__isnull=True) | Q(grade_average__gte=1, grade_average__lte=5),
                name="candidate_grade_average_range",
            ),
            models.CheckConstraint(
                condition=Q(graduation_year__isnull=True)
                | Q(graduation_year__gte=1950, graduation_year__lte=2100),
                name="candidate_graduation_year_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school"], name="candidate_school"),
            models.Index(fields=["study_programme"], name="candidate_programme"),
            models.Index(fields=["graduation_year"], name="candidate_grad_year"),
            models.Index(fields=["grade_average"], name="candidate_grade"),
            models.Index(fields=["last_name", "first_name"], name="candidate_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Tag(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="tags", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint("company", Lower("name"), name="tag_company_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class ShareQuerySet(models.QuerySet):
    def for_company(self, company: Company) -> "ShareQuerySet":
        """The one way into candidate data: the company's active shares, nothing else."""
        return self.filter(company=company, revoked_at__isnull=True)


class Share(models.Model):
    """A candidate shared with one company, and what that company keeps about them."""

    class Status(models.TextChoices):
        NOT_REVIEWED = "not_reviewed", _("Not reviewed")
        STARRED = "starred", _("Starred")
        FOLLOW_UP = "follow_up", _("Follow up")
        ARCHIVED = "archived", _("Archived")

    class Suppression(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="shares", verbose_name=_("candidate")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="shares", verbose_name=_("company")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_REVIEWED)
    tags = models.ManyToManyField(Tag, blank=True, related_name="shares", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("date added"), default=timezone.now)
    revoked_at = models.DateTimeField(
        _("revoked"),
        null=True,
        blank=True,
        help_text=_("Set when the candidate withdraws the share; the company no longer sees them."),
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    suppressed_reason = models.CharField(
        _("suppressed because"), max_length=20, choices=Suppression.choices, blank=True
    )
    suppressed_at = models.DateTimeField(_("suppressed"), null=True, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "company"], name="share_candidate_company_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="share_company_status"),
            models.Index(fields=["company", "-created_at"], name="share_company_added"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:detail", args=[self.candidate_id])

    @property
    def can_receive_email(self) -> bool:
        """Opt-outs and suppressions are final for the company: no recruiter can override them."""
        return self.unsubscribed_at is None and not self.suppressed_reason


class Touchpoint(models.Model):
    """How a candidate came to a company: an event, a job posting, or a shared profile."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        JOB_POSTING = "job_posting", _("Job posting")
        SHARED_PROFILE = "shared_profile", _("Shared profile")

    share = models.ForeignKey(
        Share, on_delete=models.CASCADE, related_name="touchpoints", verbose_name=_("share")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="touchpoints",
        verbose_name=_("event"),
    )
    job_posting = models.ForeignKey(
        JobPosting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="touchpoints",
        verbose_name=_("job posting"),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="event", event__isnull=False, job_posting__isnull=True)
                    | Q(kind="job_posting", event__isnull=True, job_posting__isnull=False)
                    | Q(kind="shared_profile", event__isnull=True, job_posting__isnull=True)
                ),
                name="touchpoint_kind_matches_source",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "share"], name="touchpoint_event_share"),
            models.Index(fields=["job_posting", "share"], name="touchpoint_posting_share"),
            models.Index(fields=["share", "kind"], name="touchpoint_share_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.source_name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        source = self.event or self.job_posting
        if source is not None and self.share_id and source.company_id != self.share.company_id:
            raise ValidationError(_("The event or job posting must belong to the share's company."))

    @property
    def source_name(self) -> str:
        if self.event_id:
            return self.event.name
        if self.job_posting_id:
            return self.job_posting.title
        return str(_("Shared profile"))


class Note(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="notes", verbose_name=_("share"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:60]

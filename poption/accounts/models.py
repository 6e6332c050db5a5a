from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """The tenant: every recruiter, event, posting, share and mailing belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        extra.setdefault("reply_to_email", email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        Inbox.objects.get_or_create(user=user, email=email, defaults={"verified_at": timezone.now()})
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. Recruiters belong to one company."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        RECRUITER = "recruiter", _("Recruiter")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RECRUITER)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    reply_to_email = models.EmailField(
        _("reply-to inbox"),
        max_length=254,
        blank=True,
        help_text=_("Replies to the emails you send go here. Must be one of your verified inboxes."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def initials(self) -> str:
        """Two letters for the avatar when there is no picture."""
        words = [w for w in self.name.replace(".", " ").split() if w]
        letters = "".join(w[0] for w in words[:2]) or self.email[:1]
        return letters.upper()

    @property
    def reply_to(self) -> str:
        return self.reply_to_email or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")


class Inbox(models.Model):
    """An address a recruiter may receive replies at, usable once verified by a signed link."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inboxes", verbose_name=_("user"))
    email = models.EmailField(_("email"), max_length=254)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("inbox")
        verbose_name_plural = _("inboxes")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint("user", Lower("email"), name="inbox_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

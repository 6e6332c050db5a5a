"""Writes of the accounts app: the recruiter's profile and reply-to inboxes."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from poption.accounts.models import Inbox, User

VERIFY_SALT = "poption.accounts.inbox-verify"
VERIFY_MAX_AGE = 3 * 24 * 3600


class InboxError(ValueError):
    pass


def inbox_verification_url(*, inbox: Inbox) -> str:
    token = signing.dumps({"inbox": inbox.pk, "email": inbox.email.lower()}, salt=VERIFY_SALT)
    return settings.SITE_URL + reverse("accounts:inbox_verify", args=[token])


@transaction.atomic
def inbox_add(*, user: User, email: str) -> Inbox:
    """Add an inbox and send it a verification link; it can be chosen once the link is followed."""
    email = email.strip().lower()
    if user.inboxes.filter(email__iexact=email).exists():
        raise InboxError(_("You have already added this inbox."))
    inbox = Inbox.objects.create(user=user, email=email)
    url = inbox_verification_url(inbox=inbox)
    body = _(
        "Hi %(name)s,\n\nConfirm that replies to the emails you send through Poption may go to this inbox:\n\n"
        "%(url)s\n\nThe link works for three days. If you did not ask for this, ignore this email."
    ) % {"name": user.first_name, "url": url}
    message = EmailMultiAlternatives(
        subject=_("Confirm your reply-to inbox"),
        body=body,
        from_email=settings.MAILING_FROM_EMAIL,
        to=[email],
    )
    transaction.on_commit(lambda: message.send(fail_silently=True))
    return inbox


def inbox_verify(*, user: User, token: str) -> Inbox:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise InboxError(
            _("This verification link has expired. Add the inbox again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise InboxError(_("This verification link is not valid.")) from None
    inbox = user.inboxes.filter(pk=data.get("inbox"), email__iexact=data.get("email", "")).first()
    if inbox is None:
        raise InboxError(_("This verification link belongs to another account or a removed inbox."))
    if inbox.verified_at is None:
        inbox.verified_at = timezone.now()
        inbox.save(update_fields=["verified_at"])
    return inbox


def reply_to_set(*, user: User, inbox: Inbox) -> None:
    if inbox.user_id != user.pk or not inbox.is_verified:
        raise InboxError(_("Only a verified inbox can receive your replies."))
    user.reply_to_email = inbox.email
    user.save(update_fields=["reply_to_email"])


@transaction.atomic
def inbox_remove(*, user: User, inbox: Inbox) -> None:
    if inbox.email.lower() == user.email.lower():
        raise InboxError(_("Your login address cannot be removed."))
    if user.reply_to_email.lower() == inbox.email.lower():
        user.reply_to_email = user.email
        user.save(update_fields=["reply_to_email"])
    inbox.delete()

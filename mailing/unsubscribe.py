"""Signed, company-bound unsubscribe links. They never expire: an old email must still work."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "poption.mailing.unsubscribe"


def unsubscribe_token(*, company_id: int, candidate_id: int) -> str:
    return signing.dumps([company_id, candidate_id], salt=SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, int] | None:
    """(company_id, candidate_id) from a token, or None if it was tampered with."""
    try:
        company_id, candidate_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(company_id, int) or not isinstance(candidate_id, int):
        return None
    return company_id, candidate_id


def unsubscribe_url(*, company_id: int, candidate_id: int) -> str:
    token = unsubscribe_token(company_id=company_id, candidate_id=candidate_id)
    return settings.SITE_URL + reverse("mailing:unsubscribe", args=[token])

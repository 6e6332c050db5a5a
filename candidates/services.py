"""Writes to a company's candidate data. Each takes the company and checks every row against it."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from candidates.models import Note, Share, Tag
from poption.accounts.models import Company, User

TAG_NAME_MAX = 60
NOTE_MAX = 5000


def _require_own_tag(*, company: Company, tag: Tag) -> None:
    if tag.company_id != company.pk:
        raise ValidationError(_("That tag belongs to another company."))


def share_set_status(*, share: Share, status: str) -> Share:
    if status not in Share.Status.values:
        raise ValidationError(_("Unknown status."))
    share.status = status
    share.save(update_fields=["status"])
    return share


@transaction.atomic
def shares_set_status(*, company: Company, candidate_ids: Iterable[int], status: str) -> int:
    """Sets the status of the company's shares among `candidate_ids`; returns how many rows changed."""
    if status not in Share.Status.values:
        raise ValidationError(_("Unknown status."))
    return (
        Share.objects.for_company(company)
        .filter(candidate_id__any_of=list(candidate_ids))
        .exclude(status=status)
        .update(status=status)
    )


@transaction.atomic
def shares_add_tag(*, company: Company, candidate_ids: Iterable[int], tag: Tag) -> int:
    """Tags the company's shares among `candidate_ids`; returns how many were newly tagged."""
    _require_own_tag(company=company, tag=tag)
    through = Share.tags.through
    share_ids = set(
        Share.objects.for_company(company)
        .filter(candidate_id__any_of=list(candidate_ids))
        .values_list("pk", flat=True)
    )
    already = set(
        through.objects.filter(tag=tag, share_id__any_of=share_ids).values_list("share_id", flat=True)
    )
    rows = [through(share_id=pk, tag_id=tag.pk) for pk in sorted(share_ids - already)]
    through.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def shares_remove_tag(*, company: Company, candidate_ids: Iterable[int], tag: Tag) -> int:
    _require_own_tag(company=company, tag=tag)
    shares = Share.objects.for_company(company).filter(candidate_id__any_of=list(candidate_ids))
    deleted, _counts = Share.tags.through.objects.filter(tag=tag, share__in=shares).delete()
    return deleted


def tag_get_or_create(*, company: Company, name: str) -> Tag:
    """The company's tag of that name, ignoring case, created when new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("A tag needs a name."))
    if len(name) > TAG_NAME_MAX:
        raise ValidationError(_("A tag name can be at most %(max)d characters.") % {"max": TAG_NAME_MAX})
    existing = Tag.objects.annotate(lower=Lower("name")).filter(company=company, lower=name.lower()).first()
    if existing:
        return existing
    return Tag.objects.create(company=company, name=name)


@transaction.atomic
def share_set_tags(*, share: Share, tags: Iterable[Tag], new_tag_name: str = "") -> Share:
    """Replaces the share's tags with `tags` (all the company's own), plus a new one by name."""
    tags = list(tags)
    for tag in tags:
        _require_own_tag(company=share.company, tag=tag)
    if new_tag_name.strip():
        tags.append(tag_get_or_create(company=share.company, name=new_tag_name))
    share.tags.set(tags)
    return share


def note_create(*, share: Share, author: User, body: str) -> Note:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something before you save the note."))
    if len(body) > NOTE_MAX:
        raise ValidationError(_("A note can be at most %(max)d characters.") % {"max": NOTE_MAX})
    if author.company_id != share.company_id:
        raise ValidationError(_("Only the company's own recruiters can write notes."))
    return Note.objects.create(share=share, author=author, body=body)

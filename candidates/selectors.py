"""Reads of candidate data. Everything goes through Share.objects.for_company()."""

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from candidates.filters import CandidateFilter
from candidates.models import Candidate, Note, Share, Tag, Touchpoint
from poption.accounts.models import Company


def share_list(*, company: Company) -> QuerySet[Share]:
    return Share.objects.for_company(company).select_related("candidate")


def candidate_list(*, company: Company, filters: dict | None = None, request=None) -> QuerySet[Share]:
    """The company's candidates (as Share rows) matching the filters; invalid filters match nothing."""
    filterset = CandidateFilter(
        filters or {}, queryset=share_list(company=company), company=company, request=request
    )
    if not filterset.is_valid():
        return Share.objects.none()
    return filterset.qs


def candidate_filterset(*, company: Company, data, request=None) -> CandidateFilter:
    return CandidateFilter(data, queryset=share_list(company=company), company=company, request=request)


def share_get(*, company: Company, candidate_id: int) -> Share | None:
    return (
        Share.objects.for_company(company)
        .select_related("candidate")
        .prefetch_related(
            "tags",
            Prefetch("touchpoints", queryset=Touchpoint.objects.select_related("event", "job_posting")),
        )
        .filter(candidate_id=candidate_id)
        .first()
    )


def share_rows_for_display(queryset: QuerySet[Share]) -> QuerySet[Share]:
    """Rows with what the list shows, in a fixed number of queries whatever the page size.

    The touchpoints and tags land in plain lists (`touchpoint_list`, `tag_list`): reading them through
    the related managers builds a queryset per row, which costs more than the query itself.
    """
    return queryset.select_related("candidate").prefetch_related(
        Prefetch(
            "touchpoints",
            queryset=Touchpoint.objects.select_related("event", "job_posting").order_by("-occurred_at"),
            to_attr="touchpoint_list",
        ),
        Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="tag_list"),
    )


def visible_candidate_ids(*, company: Company, ids: Iterable[int]) -> list[int]:
    """The ids among `ids` that the company can see: anything else (another company's, revoked) drops out."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    return list(
        Share.objects.for_company(company)
        .filter(candidate_id__any_of=wanted)
        .order_by("candidate_id")
        .values_list("candidate_id", flat=True)
    )


def matching_candidate_ids(*, queryset: QuerySet[Share], limit: int) -> list[int]:
    return list(queryset.order_by().values_list("candidate_id", flat=True).distinct()[:limit])


def selected_count(*, queryset: QuerySet[Share], ids: Iterable[int]) -> int:
    """How many of the selected ids are in `queryset` (a company-scoped, maybe filtered, list)."""
    ids = list(ids)
    if not ids:
        return 0
    return queryset.order_by().filter(candidate_id__any_of=ids).values("candidate_id").distinct().count()


def company_tags(*, company: Company) -> QuerySet[Tag]:
    return Tag.objects.filter(company=company).order_by("name")


def _distinct_candidate_values(company: Company, field: str) -> list[str]:
    key = f"candidates:{field}:{company.pk}"
    values = cache.get(key)
    if values is None:
        values = list(
            Candidate.objects.filter(shares__in=Share.objects.for_company(company))
            .exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()[:500]
        )
        # Only suggestions for the filter inputs: a few minutes stale is fine, a scan per page view is not.
        cache.set(key, values, 300)
    return values


def company_schools(*, company: Company) -> list[str]:
    return _distinct_candidate_values(company, "school")


def company_programmes(*, company: Company) -> list[str]:
    return _distinct_candidate_values(company, "study_programme")


def shares_for_export(*, company: Company, candidate_ids: Iterable[int]) -> QuerySet[Share]:
    return share_rows_for_display(
        Share.objects.for_company(company)
        .filter(candidate_id__any_of=list(candidate_ids))
        .order_by("candidate__last_name", "candidate__first_name", "candidate_id")
    )


def selection_recipients(*, company: Company, candidate_ids: list[int], limit: int = 50) -> list[Candidate]:
    """The first recipients to show on the compose page, by name; the count comes from len(candidate_ids)."""
    if not candidate_ids:
        return []
    return list(
        Candidate.objects.filter(shares__in=Share.objects.for_company(company), pk__any_of=candidate_ids)
        .order_by("last_name", "first_name", "pk")
        .distinct()[:limit]
    )


def share_notes(*, share: Share) -> QuerySet[Note]:
    return share.notes.select_related("author").order_by("-created_at")


def candidate_deliveries(*, company: Company, candidate_id: int) -> QuerySet:
    from mailing.models import Delivery

    return (
        Delivery.objects.filter(candidate_id=candidate_id, mailing__company=company)
        .select_related("mailing")
        .order_by("-mailing__created_at", "-pk")
    )


RECIPIENT_CHIPS_MAX = 50


def recipients_context(*, company: Company, candidate_ids: list[int], source: str) -> dict:
    """The compose page's To field (mailing/partials/recipients.html): the first 50 by name, and the count."""
    return {
        "recipients": selection_recipients(
            company=company, candidate_ids=candidate_ids, limit=RECIPIENT_CHIPS_MAX
        ),
        "recipient_count": len(candidate_ids),
        "recipient_source": source,
    }

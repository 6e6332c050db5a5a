"""Reads of candidate data. Everything goes through Share.objects.for_company()."""

from django.db.models import Prefetch, QuerySet

from candidates.filters import CandidateFilter
from candidates.models import Share, Touchpoint
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

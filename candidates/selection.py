"""The recruiter's ticked candidates, kept in the session so they survive paging and filtering.

Ids are candidate ids. The selection is only ever a wish: every reader re-checks the ids against
Share.objects.for_company(), so a stale or forged id selects nothing.
"""

from collections.abc import Iterable

from django.http import HttpRequest

from candidates.models import Share

SESSION_KEY = "candidate_selection"
MAX_SELECTION = 100_000


def selection_ids(request: HttpRequest) -> list[int]:
    """The selected candidate ids that the user's company can still see, in a stable order."""
    raw = request.session.get(SESSION_KEY) or []
    if not raw or not getattr(request.user, "company_id", None):
        return []
    visible = (
        Share.objects.for_company(request.user.company)
        .filter(candidate_id__any_of=raw)
        .order_by("candidate_id")
        .values_list("candidate_id", flat=True)
    )
    return list(visible)


def selection_count(request: HttpRequest) -> int:
    """len(selection_ids(request)) without loading every id: the counter on each list page."""
    raw = request.session.get(SESSION_KEY) or []
    if not raw or not getattr(request.user, "company_id", None):
        return 0
    return Share.objects.for_company(request.user.company).filter(candidate_id__any_of=raw).count()


def selection_raw(request: HttpRequest) -> set[int]:
    """The ids as stored, without a query: for ticking boxes on a page already scoped to the company."""
    return set(request.session.get(SESSION_KEY) or [])


def selection_set(request: HttpRequest, ids: Iterable[int]) -> None:
    request.session[SESSION_KEY] = sorted({int(i) for i in ids})[:MAX_SELECTION]


def selection_add(request: HttpRequest, ids: Iterable[int]) -> None:
    selection_set(request, selection_raw(request) | {int(i) for i in ids})


def selection_remove(request: HttpRequest, ids: Iterable[int]) -> None:
    selection_set(request, selection_raw(request) - {int(i) for i in ids})


def selection_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)

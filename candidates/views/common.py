"""What every candidate view shares: the tenant from the user, ids from a form, the way back to the list."""

from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from poption.accounts.models import Company

MAX_IDS_PER_POST = 1000
LIST_QUERY_SESSION_KEY = "candidate_list_query"


def company_for(request: HttpRequest) -> Company:
    """The signed-in recruiter's company. A user without one (an operator) has no candidate pages."""
    company = request.user.company if request.user.company_id else None
    if company is None:
        raise Http404("No company")
    return company


def parse_ids(values: list[str], *, limit: int = MAX_IDS_PER_POST) -> list[int]:
    """Candidate ids from a form, junk dropped: a page never holds more than a few hundred."""
    ids = []
    for value in values[:limit]:
        value = value.strip()
        if value.isdigit() and len(value) < 19:
            ids.append(int(value))
    return ids


def clean_query(query: str) -> str:
    """A list query string from a form field, re-encoded so that only parameters survive."""
    return QueryDict(query or "").urlencode()


def list_url(query: str = "") -> str:
    query = clean_query(query)
    return reverse("candidates:list") + (f"?{query}" if query else "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback

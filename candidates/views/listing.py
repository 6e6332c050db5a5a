"""/candidates/: the company's candidate list, its filters, and the selection bar above it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from candidates.filters import CandidateFilter
from candidates.models import Share, Touchpoint
from candidates.selection import selection_count, selection_raw
from candidates.selectors import (
    candidate_filterset,
    company_programmes,
    company_schools,
    company_tags,
    selected_count,
    share_rows_for_display,
)
from candidates.views.common import LIST_QUERY_SESSION_KEY, company_for, parse_ids
from poption.accounts.models import Company

PAGE_SIZES = (25, 50, 100, 250)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
# Column headers that sort, with the direction a first click sorts in.
SORTABLE_COLUMNS = {
    "name": "name",
    "graduation_year": "graduation_year",
    "grade": "-grade",
    "added": "-added",
}


def page_size(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) in PAGE_SIZES else DEFAULT_PAGE_SIZE


def filtered_shares(filterset: CandidateFilter) -> QuerySet[Share]:
    """The filter's rows, or nothing at all when a filter is invalid (e.g. another company's event)."""
    return filterset.qs if filterset.is_valid() else Share.objects.none()


def _labelled(rows: list[Share], *, selected: set[int]) -> list[Share]:
    """What each row shows, worked out once per page: the templates then only print (250 rows add up)."""
    statuses = {value: str(label) for value, label in Share.Status.choices}
    kinds = {value: str(label) for value, label in Touchpoint.Kind.choices}
    shared_profile = str(_("Shared profile"))
    for share in rows:
        share.is_selected = share.candidate_id in selected
        share.status_label = statuses.get(share.status, share.status)
        for touchpoint in share.touchpoint_list:
            touchpoint.kind_label = kinds.get(touchpoint.kind, touchpoint.kind)
            if touchpoint.event_id:
                touchpoint.label = touchpoint.event.name
            elif touchpoint.job_posting_id:
                touchpoint.label = touchpoint.job_posting.title
            else:
                touchpoint.label = shared_profile
    return rows


def _filter_errors(filterset: CandidateFilter) -> list[dict]:
    form = filterset.form
    if not filterset.is_bound or filterset.is_valid():
        return []
    return [
        {"label": form.fields[name].label if name in form.fields else "", "errors": errors}
        for name, errors in form.errors.items()
    ]


class CountedPaginator(Paginator):
    """A paginator told its count, when one query already counted more than the list needs."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _counts(filterset: CandidateFilter) -> tuple[int, int] | None:
    """(shown, archived and hidden) in one scan, when archived candidates are hidden; else None."""
    if not filterset.is_valid() or not filterset.hides_archived:
        return None
    counts = filterset.qs_including_archived.order_by().aggregate(
        every=Count("pk"), archived=Count("pk", filter=Q(status=Share.Status.ARCHIVED))
    )
    return counts["every"] - counts["archived"], counts["archived"]


def _sort_urls(query: QueryDict, current: str) -> dict[str, dict]:
    columns = {}
    for column, first in SORTABLE_COLUMNS.items():
        if current.lstrip("-") == column:
            target = column if current.startswith("-") else f"-{column}"
            state = "descending" if current.startswith("-") else "ascending"
        else:
            target, state = first, ""
        params = query.copy()
        params.pop("page", None)
        params["sort"] = target
        columns[column] = {"url": f"?{params.urlencode()}", "state": state}
    return columns


def selection_context(
    request: HttpRequest, *, queryset: QuerySet[Share], total: int, page_ids: list[int], paged: bool
) -> dict:
    """The selection bar: totals from the database, plus what the page's boxes add, for the JS counter."""
    raw = selection_raw(request)
    selected_total = selection_count(request) if raw else 0
    selected_in_list = selected_count(queryset=queryset, ids=raw) if raw else 0
    ticked_here = sum(1 for pk in page_ids if pk in raw)
    return {
        "selected_total": selected_total,
        "selected_in_list": selected_in_list,
        "others_total": max(selected_total - ticked_here, 0),
        "others_in_list": max(selected_in_list - ticked_here, 0),
        "page_all_selected": bool(page_ids) and ticked_here == len(page_ids),
        "can_select_all": paged and selected_in_list < total,
        "total": total,
    }


def results_context(request: HttpRequest, *, company: Company, filterset: CandidateFilter) -> dict:
    query = request.GET.copy()
    queryset = filtered_shares(filterset)
    per_page = page_size(query.get("per_page"))
    counts = _counts(filterset)
    if counts is None:
        paginator = Paginator(share_rows_for_display(queryset), per_page)
        hidden_archived = 0
    else:
        paginator = CountedPaginator(share_rows_for_display(queryset), per_page, count=counts[0])
        hidden_archived = counts[1]
    page = paginator.get_page(query.get("page"))
    rows = _labelled(list(page.object_list), selected=selection_raw(request))
    page_ids = [share.candidate_id for share in rows]
    without_page = query.copy()
    without_page.pop("page", None)
    current_sort = query.get("sort") or "-added"
    ctx = {
        "filter": filterset,
        "filter_errors": _filter_errors(filterset),
        "rows": rows,
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": query.urlencode(),
        "query_without_page": without_page.urlencode(),
        "sort_columns": _sort_urls(query, current_sort),
        "sort_value": current_sort,
        "company_tags": list(company_tags(company=company)),
        "statuses": Share.Status.choices,
    }
    ctx["hidden_archived"] = hidden_archived
    if ctx["hidden_archived"]:
        show_all = without_page.copy()
        show_all["show_all"] = "true"
        ctx["show_all_url"] = f"?{show_all.urlencode()}"
        ctx["total_including_archived"] = paginator.count + ctx["hidden_archived"]
    ctx.update(
        selection_context(
            request,
            queryset=queryset,
            total=paginator.count,
            page_ids=page_ids,
            paged=paginator.num_pages > 1,
        )
    )
    return ctx


@login_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    if not request.user.company_id and request.user.is_staff:
        return redirect("admin:index")
    company = company_for(request)
    filterset = candidate_filterset(company=company, data=request.GET.copy(), request=request)
    ctx = results_context(request, company=company, filterset=filterset)
    # The profile's "back to the list" link returns to these filters.
    if request.session.get(LIST_QUERY_SESSION_KEY, "") != ctx["query"]:
        request.session[LIST_QUERY_SESSION_KEY] = ctx["query"]
    if request.htmx and request.htmx.target == "results" and not request.htmx.history_restore_request:
        return render(request, "candidates/partials/results.html", ctx)
    ctx.update(
        {
            "schools": company_schools(company=company),
            "programmes": company_programmes(company=company),
            "show_all": filterset.is_valid() and bool(filterset.form.cleaned_data.get("show_all")),
            "chosen_tags": set(parse_ids(request.GET.getlist("tags"))),
        }
    )
    return render(request, "candidates/list.html", ctx)

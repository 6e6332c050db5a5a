"""The selection (kept in the session) and what a recruiter does with it: email, status, tags, export.

Every form here posts the list page's state too: `page_ids` (the rows shown) and `ids` (the rows
ticked). Applying those first lets the page work without JavaScript: tick, then press an action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from candidates import exports
from candidates.forms import StatusForm
from candidates.models import Share, Tag
from candidates.selection import (
    MAX_SELECTION,
    selection_add,
    selection_clear,
    selection_ids,
    selection_raw,
    selection_remove,
    selection_set,
)
from candidates.selectors import (
    candidate_filterset,
    matching_candidate_ids,
    recipients_context,
    shares_for_export,
    visible_candidate_ids,
)
from candidates.services import shares_add_tag, shares_remove_tag, shares_set_status
from candidates.views.common import company_for, list_url, parse_ids, safe_next
from candidates.views.listing import filtered_shares, selection_context
from poption.accounts.models import Company

COMPOSE_URL = "/mailing/compose/"


def _apply_page_ticks(request: HttpRequest, company: Company) -> None:
    """The page's boxes win for the page's rows; the rest of the selection stays as it was."""
    page_ids = parse_ids(request.POST.getlist("page_ids"))
    if not page_ids:
        return
    ticked = set(page_ids) if request.POST.get("page_all") else set(parse_ids(request.POST.getlist("ids")))
    visible = set(visible_candidate_ids(company=company, ids=page_ids))
    current = selection_raw(request)
    wanted = (current - set(page_ids)) | (ticked & visible)
    if wanted != current:
        selection_set(request, wanted)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    return redirect(list_url(request.POST.get("query", "")))


def _refuse_empty(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return _back_to_list(request)


def _filterset_from_query(request: HttpRequest, company: Company):
    return candidate_filterset(
        company=company, data=QueryDict(request.POST.get("query", ""), mutable=True), request=request
    )


@login_required
@require_POST
def selection_update(request: HttpRequest) -> HttpResponse:
    """The page's ticks; with htmx, answers with the fresh selection bar."""
    company = company_for(request)
    _apply_page_ticks(request, company)
    if not request.htmx:
        return _back_to_list(request)
    queryset = filtered_shares(_filterset_from_query(request, company))
    page_ids = parse_ids(request.POST.getlist("page_ids"))
    total = queryset.count()
    ctx = selection_context(
        request, queryset=queryset, total=total, page_ids=page_ids, paged=total > len(page_ids)
    )
    ctx["company_tags"] = Tag.objects.filter(company=company).order_by("name")
    ctx["statuses"] = Share.Status.choices
    return render(request, "candidates/partials/selection_bar.html", ctx)


@login_required
@require_POST
def selection_select(request: HttpRequest) -> HttpResponse:
    company = company_for(request)
    selection_add(request, visible_candidate_ids(company=company, ids=parse_ids(request.POST.getlist("ids"))))
    return redirect(safe_next(request, list_url(request.POST.get("query", ""))))


@login_required
@require_POST
def selection_unselect(request: HttpRequest) -> HttpResponse:
    """Takes ids out of the selection: from the list, or a recipient chip on the compose page."""
    company = company_for(request)
    ids = parse_ids(request.POST.getlist("ids") + request.POST.getlist("remove"))
    selection_remove(request, ids)
    if request.htmx and request.POST.get("fragment") == "recipients":
        ctx = recipients_context(company=company, candidate_ids=selection_ids(request), source="selection")
        return render(request, "mailing/partials/recipients.html", ctx)
    return redirect(safe_next(request, list_url(request.POST.get("query", ""))))


@login_required
@require_POST
def selection_select_all(request: HttpRequest) -> HttpResponse:
    """Every candidate that matches the list's filters, across all pages."""
    company = company_for(request)
    queryset = filtered_shares(_filterset_from_query(request, company))
    ids = matching_candidate_ids(queryset=queryset, limit=MAX_SELECTION)
    selection_add(request, ids)
    if len(selection_raw(request)) >= MAX_SELECTION:
        messages.warning(
            request,
            _("A selection holds at most %(max)s candidates; narrow the filters to choose the rest.")
            % {"max": f"{MAX_SELECTION:,}"},
        )
    else:
        messages.success(
            request,
            ngettext(
                "Selected %(count)d matching candidate.",
                "Selected all %(count)d matching candidates.",
                len(ids),
            )
            % {"count": len(ids)},
        )
    return _back_to_list(request)


@login_required
@require_POST
def selection_clear_view(request: HttpRequest) -> HttpResponse:
    company_for(request)
    selection_clear(request)
    return _back_to_list(request)


@login_required
@require_POST
def send_email(request: HttpRequest) -> HttpResponse:
    """Takes the selection to the compose page, which reads it with selection_ids()."""
    company = company_for(request)
    _apply_page_ticks(request, company)
    if not selection_ids(request):
        return _refuse_empty(request, _("Select at least one candidate before you send an email."))
    return redirect(COMPOSE_URL)


@login_required
@require_POST
def bulk_status(request: HttpRequest) -> HttpResponse:
    company = company_for(request)
    _apply_page_ticks(request, company)
    ids = selection_ids(request)
    if not ids:
        return _refuse_empty(request, _("Select at least one candidate before you change a status."))
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _refuse_empty(request, _("Choose a status."))
    status = form.cleaned_data["status"]
    changed = shares_set_status(company=company, candidate_ids=ids, status=status)
    messages.success(
        request,
        ngettext(
            "%(count)d candidate is now “%(status)s”.",
            "%(count)d candidates are now “%(status)s”.",
            changed,
        )
        % {"count": changed, "status": Share.Status(status).label},
    )
    return _back_to_list(request)


@login_required
@require_POST
def bulk_tag(request: HttpRequest) -> HttpResponse:
    company = company_for(request)
    raw_tag = request.POST.get("tag", "")
    if not raw_tag.isdigit():
        _apply_page_ticks(request, company)
        return _refuse_empty(request, _("Choose a tag."))
    tag = get_object_or_404(Tag, company=company, pk=int(raw_tag))
    operation = request.POST.get("op")
    if operation not in ("add", "remove"):
        raise Http404("Unknown operation")
    _apply_page_ticks(request, company)
    ids = selection_ids(request)
    if not ids:
        return _refuse_empty(request, _("Select at least one candidate before you change tags."))
    try:
        if operation == "add":
            count = shares_add_tag(company=company, candidate_ids=ids, tag=tag)
            message = ngettext(
                "Tagged %(count)d candidate “%(tag)s”.", "Tagged %(count)d candidates “%(tag)s”.", count
            )
        else:
            count = shares_remove_tag(company=company, candidate_ids=ids, tag=tag)
            message = ngettext(
                "Removed “%(tag)s” from %(count)d candidate.",
                "Removed “%(tag)s” from %(count)d candidates.",
                count,
            )
    except ValidationError as error:
        return _refuse_empty(request, " ".join(error.messages))
    messages.success(request, message % {"count": count, "tag": tag.name})
    return _back_to_list(request)


def _export(request: HttpRequest, file_format: str) -> HttpResponse:
    company = company_for(request)
    _apply_page_ticks(request, company)
    ids = selection_ids(request)
    if not ids:
        return _refuse_empty(request, _("Select at least one candidate before you export."))
    shares = shares_for_export(company=company, candidate_ids=ids)
    if file_format == "xlsx":
        return exports.xlsx_response(shares)
    return exports.csv_response(shares)


@login_required
@require_POST
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_POST
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")

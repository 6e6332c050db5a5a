"""/candidates/<id>/: one candidate as the company sees them, and the company's own edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates.forms import NoteForm, StatusForm, TagsForm
from candidates.models import Share
from candidates.selectors import candidate_deliveries, company_tags, share_get, share_notes
from candidates.services import note_create, share_set_status, share_set_tags
from candidates.views.common import LIST_QUERY_SESSION_KEY, company_for, list_url, parse_ids


def _get_share_for_user(request: HttpRequest, candidate_id: int) -> Share:
    """The candidate through the user's company; anyone else's candidate does not exist here."""
    share = share_get(company=company_for(request), candidate_id=candidate_id)
    if share is None:
        raise Http404("No such candidate")
    return share


def _back_to_profile(share: Share, anchor: str = "") -> HttpResponse:
    return redirect(share.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@login_required
@require_GET
def candidate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    share = _get_share_for_user(request, candidate_id)
    company = company_for(request)
    touchpoints = sorted(share.touchpoints.all(), key=lambda t: t.occurred_at, reverse=True)
    ctx = {
        "share": share,
        "candidate": share.candidate,
        "touchpoints": touchpoints,
        "share_tag_ids": {tag.pk for tag in share.tags.all()},
        "company_tags": company_tags(company=company),
        "notes": share_notes(share=share),
        "status_form": StatusForm(initial={"status": share.status}),
        "tags_form": TagsForm(),
        "note_form": NoteForm(),
        "deliveries": candidate_deliveries(company=company, candidate_id=share.candidate_id),
        "back_url": list_url(request.session.get(LIST_QUERY_SESSION_KEY, "")),
    }
    return render(request, "candidates/detail.html", ctx)


@login_required
@require_POST
def candidate_set_status(request: HttpRequest, candidate_id: int) -> HttpResponse:
    share = _get_share_for_user(request, candidate_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return _back_to_profile(share)
    share_set_status(share=share, status=form.cleaned_data["status"])
    messages.success(request, _("Status saved: %(status)s.") % {"status": share.get_status_display()})
    return _back_to_profile(share)


@login_required
@require_POST
def candidate_set_tags(request: HttpRequest, candidate_id: int) -> HttpResponse:
    share = _get_share_for_user(request, candidate_id)
    wanted = set(parse_ids(request.POST.getlist("tags")))
    tags = list(company_tags(company=share.company).filter(pk__in=wanted))
    if len(tags) != len(wanted):
        raise Http404("No such tag")
    form = TagsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("new_tag", [])))
        return _back_to_profile(share, "tags")
    try:
        share_set_tags(share=share, tags=tags, new_tag_name=form.cleaned_data["new_tag"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_profile(share, "tags")
    messages.success(request, _("Tags saved."))
    return _back_to_profile(share, "tags")


@login_required
@require_POST
def candidate_add_note(request: HttpRequest, candidate_id: int) -> HttpResponse:
    share = _get_share_for_user(request, candidate_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("body", [])))
        return _back_to_profile(share, "notes")
    try:
        note_create(share=share, author=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_profile(share, "notes")
    messages.success(request, _("Note saved."))
    return _back_to_profile(share, "notes")

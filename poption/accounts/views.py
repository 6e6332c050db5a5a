from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from poption.accounts import services
from poption.accounts.forms import InboxAddForm, ProfileForm, ReplyToForm
from poption.accounts.models import Inbox


def _get_inbox_for_user(request: HttpRequest, inbox_id: int) -> Inbox:
    return get_object_or_404(Inbox, pk=inbox_id, user=request.user)


def _profile_ctx(request: HttpRequest, **forms) -> dict:
    ctx = {
        "profile_form": ProfileForm(instance=request.user),
        "reply_to_form": ReplyToForm(user=request.user),
        "inbox_form": InboxAddForm(),
        "inboxes": request.user.inboxes.all(),
    }
    ctx.update(forms)
    return ctx


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", _profile_ctx(request, profile_form=form), status=422)
    return render(request, "accounts/profile.html", _profile_ctx(request))


@login_required
@require_POST
def reply_to(request: HttpRequest) -> HttpResponse:
    form = ReplyToForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/profile.html", _profile_ctx(request, reply_to_form=form), status=422)
    services.reply_to_set(user=request.user, inbox=form.cleaned_data["inbox"])
    messages.success(request, _("Replies now go to %(email)s.") % {"email": form.cleaned_data["inbox"].email})
    return redirect("accounts:profile")


@login_required
@require_POST
def inbox_add(request: HttpRequest) -> HttpResponse:
    form = InboxAddForm(request.POST)
    if form.is_valid():
        try:
            inbox = services.inbox_add(user=request.user, email=form.cleaned_data["email"])
        except services.InboxError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("We sent a link to %(email)s. Follow it to confirm the inbox.") % {"email": inbox.email},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_ctx(request, inbox_form=form), status=422)


@login_required
@require_GET
def inbox_verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        inbox = services.inbox_verify(user=request.user, token=token)
    except services.InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(email)s is confirmed. You can now let replies go there.") % {"email": inbox.email}
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def inbox_remove(request: HttpRequest, inbox_id: int) -> HttpResponse:
    inbox = _get_inbox_for_user(request, inbox_id)
    try:
        services.inbox_remove(user=request.user, inbox=inbox)
    except services.InboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed %(email)s.") % {"email": inbox.email})
    return redirect("accounts:profile")

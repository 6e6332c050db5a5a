from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import get_connection
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Candidate, Share
from candidates.selection import selection_clear, selection_ids
from mailing import rendering, services
from mailing.forms import ComposeForm, PreviewForm, RescheduleForm, TemplateForm
from mailing.models import Delivery, EmailTemplate, Mailing
from mailing.sending import build_message, classify
from mailing.unsubscribe import unsubscribe_read, unsubscribe_url

CHIP_LIMIT = 50
WARNING_SCAN_LIMIT = 5000


def _company(request: HttpRequest):
    if request.user.company_id is None:
        raise Http404(_("Your account does not belong to a company."))
    return request.user.company


def _get_mailing_for_user(request: HttpRequest, mailing_id: int) -> Mailing:
    return get_object_or_404(
        Mailing.objects.select_related("sender", "template"), pk=mailing_id, company=_company(request)
    )


def _get_template_for_user(request: HttpRequest, template_id: int) -> EmailTemplate:
    return get_object_or_404(EmailTemplate, pk=template_id, company=_company(request))


# -- compose --------------------------------------------------------------------------------


def _recipient_ids(request: HttpRequest) -> tuple[list[int], str, str]:
    """The recipients: one candidate from a profile (?candidate=), or the list's selection."""
    raw = request.POST.get("candidate") or request.GET.get("candidate")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        if not Share.objects.for_company(_company(request)).filter(candidate_id=int(raw)).exists():
            raise Http404
        return [int(raw)], "candidate", str(raw)
    ids = selection_ids(request)
    # The order the recruiter sees in To, so stepping through the preview follows the chips.
    ordered = Candidate.objects.filter(pk__any_of=ids) if ids else Candidate.objects.none()
    return (
        list(ordered.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)),
        "selection",
        "",
    )


def _skipped(company, ids: list[int]) -> tuple[list[Share], int]:
    skipped = (
        Share.objects.for_company(company)
        .filter(candidate_id__any_of=ids)
        .filter(Q(unsubscribed_at__isnull=False) | ~Q(suppressed_reason=""))
        .select_related("candidate")
        .order_by("candidate__last_name", "candidate__first_name")
    )
    return list(skipped[:20]), skipped.count()


def _preview(request: HttpRequest, *, company, ids: list[int], subject: str, body: str, index: int) -> dict:
    """Render the message for recipient number `index`, and name who would get an empty placeholder."""
    preview: dict = {"index": index, "count": len(ids), "errors": [], "warnings": []}
    if not ids or not (subject or body):
        return preview
    index = max(0, min(index, len(ids) - 1))
    preview["index"] = index
    try:
        compiled = rendering.CompiledMailing(subject=subject or " ", body=body or " ")
    except rendering.TemplateError as exc:
        preview["errors"].append(exc)
        return preview
    contexts = rendering.build_contexts(
        company=company,
        sender=request.user,
        candidate_ids=[ids[index]],
        unsubscribe_url=lambda cid: unsubscribe_url(company_id=company.pk, candidate_id=cid),
    )
    context = contexts.get(ids[index])
    if context is not None:
        try:
            preview["message"] = compiled.render(context)
        except rendering.TemplateError as exc:
            preview["errors"].append(exc)
        preview["recipient"] = Candidate.objects.filter(pk=ids[index]).first()
    bare = rendering.placeholders_without_default(subject) | rendering.placeholders_without_default(body)
    if bare:
        scan = ids[:WARNING_SCAN_LIMIT]
        names: dict[str, list[str]] = {}
        for ctx in rendering.build_contexts(
            company=company, sender=request.user, candidate_ids=scan
        ).values():
            for name in sorted(bare):
                if not ctx.get(name, "").strip():
                    names.setdefault(name, []).append(ctx.get("full_name") or ctx.get("email", ""))
        for name, people in names.items():
            preview["warnings"].append({"placeholder": name, "people": people[:10], "more": len(people) - 10})
        preview["scanned_all"] = len(scan) == len(ids)
    return preview


def _compose_ctx(
    request: HttpRequest, form: ComposeForm, *, ids, source, candidate_param, preview=None
) -> dict:
    company = _company(request)
    chips = list(Candidate.objects.filter(pk__in=ids[:CHIP_LIMIT]).order_by("last_name", "first_name"))
    skipped, skipped_count = _skipped(company, ids)
    templates = EmailTemplate.objects.filter(company=company)
    return {
        "form": form,
        "recipients": chips,
        "recipient_count": len(ids),
        "recipient_source": source,
        "candidate_param": candidate_param,
        "skipped": skipped,
        "skipped_count": skipped_count,
        "placeholders": rendering.PLACEHOLDERS,
        "templates_data": {str(t.pk): {"subject": t.subject, "body": t.body} for t in templates},
        "preview": preview,
    }


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    ids, source, candidate_param = _recipient_ids(request)
    if request.method == "GET":
        initial = {}
        template_id = request.GET.get("template")
        if template_id and template_id.isdigit():
            template = _get_template_for_user(request, int(template_id))
            initial = {"template": template, "subject": template.subject, "body": template.body}
        form = ComposeForm(initial=initial, company=company)
        if not ids:
            messages.info(request, _("Select the candidates to email in the candidate list first."))
        return render(
            request,
            "mailing/compose.html",
            _compose_ctx(request, form, ids=ids, source=source, candidate_param=candidate_param),
        )

    form = ComposeForm(request.POST, company=company)
    action = request.POST.get("action", "send")
    if action == "load_template":
        # Without JavaScript, choosing a template is a round trip that fills subject and body.
        data = request.POST.copy()
        template_id = data.get("template")
        if template_id and template_id.isdigit():
            template = _get_template_for_user(request, int(template_id))
            data["subject"], data["body"] = template.subject, template.body
        form = ComposeForm(data, company=company)
        return render(
            request,
            "mailing/compose.html",
            _compose_ctx(
                request, _unvalidated(form), ids=ids, source=source, candidate_param=candidate_param
            ),
        )
    index = _int(request.POST.get("preview_index"), 0)
    preview = _preview(
        request,
        company=company,
        ids=ids,
        subject=request.POST.get("subject", ""),
        body=request.POST.get("body", ""),
        index=index,
    )
    ctx = _compose_ctx(
        request, form, ids=ids, source=source, candidate_param=candidate_param, preview=preview
    )
    if action == "preview":
        ctx["form"] = _unvalidated(form)
        return render(request, "mailing/compose.html", ctx)
    if not form.is_valid():
        return render(request, "mailing/compose.html", ctx, status=422)
    if action == "test":
        return _send_test(request, ctx, preview)
    if not ids:
        messages.error(request, _("There is nobody to send to. Select candidates in the list first."))
        return render(request, "mailing/compose.html", ctx, status=422)
    if preview["warnings"] and not form.cleaned_data["confirm_warnings"]:
        ctx["confirm_needed"] = True
        return render(request, "mailing/compose.html", ctx, status=422)
    data = form.cleaned_data
    try:
        mailing = services.mailing_create(
            sender=request.user,
            recipients=ids,
            subject=data["subject"],
            body=data["body"],
            template=data["template"],
            client_token=data["client_token"],
            scheduled_at=data["scheduled_at"] if data["send_mode"] == "later" else None,
        )
    except services.RecipientError as exc:
        messages.error(request, str(exc))
        return render(request, "mailing/compose.html", ctx, status=422)
    except rendering.TemplateError as exc:
        form.add_error(exc.field if exc.field in ("subject", "body") else None, str(exc))
        return render(request, "mailing/compose.html", ctx, status=422)
    if source == "selection":
        selection_clear(request)
    if mailing.status == Mailing.Status.SCHEDULED:
        messages.success(
            request,
            _("Scheduled: %(n)s emails will go out at %(when)s.")
            % {"n": len(ids), "when": _local(mailing.scheduled_at)},
        )
    else:
        messages.success(
            request,
            ngettext("Sending %(n)s email.", "Sending %(n)s individual emails.", len(ids)) % {"n": len(ids)},
        )
    return redirect(mailing)


def _unvalidated(form: ComposeForm) -> ComposeForm:
    """Show the form as typed, without error messages (for a preview or a template round trip)."""
    form._errors = {}
    form.cleaned_data = {}
    return form


def _int(raw, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _send_test(request: HttpRequest, ctx: dict, preview: dict) -> HttpResponse:
    message_parts = preview.get("message")
    if message_parts is None:
        messages.error(request, _("Select at least one recipient to preview the test email for."))
        return render(request, "mailing/compose.html", ctx, status=422)
    from mailing.models import Mailing as MailingModel

    stand_in = MailingModel(
        pk=0,
        company=request.user.company,
        from_name=services._from_name(request.user),
        reply_to=services._reply_to(request.user),
    )
    test = rendering.RenderedMessage(
        subject=_("[Test] %(subject)s") % {"subject": message_parts.subject},
        text=message_parts.text,
        html=message_parts.html,
    )
    connection = get_connection()
    message = build_message(
        mailing=stand_in,
        delivery_id=0,
        email=request.user.reply_to,
        rendered=test,
        list_unsubscribe="",
        connection=connection,
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - shown to the recruiter
        messages.error(
            request, _("The test email could not be sent: %(error)s") % {"error": classify(exc).text}
        )
        return render(request, "mailing/compose.html", ctx, status=502)
    messages.success(request, _("A test email went to %(inbox)s.") % {"inbox": request.user.reply_to})
    return render(request, "mailing/compose.html", ctx)


@login_required
@require_POST
def compose_preview(request: HttpRequest) -> HttpResponse:
    """The htmx preview panel: the message as one recipient will read it."""
    company = _company(request)
    ids, _source, _param = _recipient_ids(request)
    form = PreviewForm(request.POST)
    form.is_valid()
    preview = _preview(
        request,
        company=company,
        ids=ids,
        subject=form.cleaned_data.get("subject", ""),
        body=form.cleaned_data.get("body", ""),
        index=_int(request.POST.get("preview_index"), 0),
    )
    return render(request, "mailing/partials/preview.html", {"preview": preview})


# -- mailings -------------------------------------------------------------------------------


@login_required
@require_GET
def mailing_list(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    page = Paginator(Mailing.objects.filter(company=company).select_related("sender"), 25).get_page(
        request.GET.get("page")
    )
    counts = services.mailing_counts(m.pk for m in page)
    rows = [(m, counts.get(m.pk, {})) for m in page]
    return render(request, "mailing/list.html", {"page": page, "rows": rows})


@login_required
@require_GET
def mailing_detail(request: HttpRequest, mailing_id: int) -> HttpResponse:
    mailing = _get_mailing_for_user(request, mailing_id)
    counts = services.mailing_counts([mailing.pk]).get(mailing.pk, {})
    status_filter = request.GET.get("status", "")
    deliveries = mailing.deliveries.select_related("candidate").order_by("pk")
    if status_filter in Delivery.Status.values:
        deliveries = deliveries.filter(status=status_filter)
    page = Paginator(deliveries, 100).get_page(request.GET.get("page"))
    shown = None
    shown_id = request.GET.get("delivery")
    if shown_id and shown_id.isdigit():
        shown = get_object_or_404(Delivery, pk=int(shown_id), mailing=mailing)
    ctx = {
        "mailing": mailing,
        "counts": counts,
        "total": sum(counts.values()),
        "page": page,
        "status_filter": status_filter,
        "statuses": Delivery.Status.choices,
        "shown": shown,
        "live": mailing.status in (Mailing.Status.SENDING, Mailing.Status.SCHEDULED),
    }
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "mailing/partials/detail_status.html", ctx)
    return render(request, "mailing/detail.html", ctx)


@login_required
@require_POST
def mailing_resend(request: HttpRequest, mailing_id: int, delivery_id: int) -> HttpResponse:
    mailing = _get_mailing_for_user(request, mailing_id)
    get_object_or_404(Delivery, pk=delivery_id, mailing=mailing)
    if services.delivery_resend(mailing=mailing, delivery_id=delivery_id):
        messages.success(request, _("The email will be sent again."))
    else:
        messages.error(request, _("Only emails whose fate is unknown can be resent."))
    return redirect(mailing)


@login_required
@require_POST
def mailing_cancel(request: HttpRequest, mailing_id: int) -> HttpResponse:
    mailing = _get_mailing_for_user(request, mailing_id)
    if services.mailing_cancel(mailing=mailing):
        messages.success(request, _("The mailing is cancelled; nobody will get it."))
    else:
        messages.error(request, _("This mailing has already started and can no longer be cancelled."))
    return redirect(mailing)


@login_required
@require_http_methods(["GET", "POST"])
def mailing_edit(request: HttpRequest, mailing_id: int) -> HttpResponse:
    """Change the text or the time of a scheduled mailing until it starts."""
    mailing = _get_mailing_for_user(request, mailing_id)
    if mailing.status != Mailing.Status.SCHEDULED:
        messages.error(request, _("Only a scheduled mailing that has not started can be changed."))
        return redirect(mailing)
    initial = {
        "subject": mailing.subject,
        "body": mailing.body,
        "scheduled_at": timezone.localtime(mailing.scheduled_at),
    }
    form = RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if services.mailing_reschedule(
            mailing=mailing, subject=data["subject"], body=data["body"], scheduled_at=data["scheduled_at"]
        ):
            messages.success(
                request, _("Saved. It goes out %(when)s.") % {"when": _local(data["scheduled_at"])}
            )
        else:
            messages.error(
                request, _("The mailing started before your change was saved; nothing was changed.")
            )
        return redirect(mailing)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "mailing/edit.html",
        {"mailing": mailing, "form": form, "placeholders": rendering.PLACEHOLDERS},
        status=status,
    )


@login_required
@require_POST
def mailing_resume(request: HttpRequest, mailing_id: int) -> HttpResponse:
    mailing = _get_mailing_for_user(request, mailing_id)
    if services.mailing_resume(mailing=mailing):
        messages.success(request, _("Resumed: the email goes only to those who have not had it yet."))
    else:
        messages.error(request, _("Only a paused mailing can be resumed."))
    return redirect(mailing)


# -- templates ------------------------------------------------------------------------------


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = EmailTemplate.objects.filter(company=_company(request)).select_related("created_by")
    return render(request, "mailing/templates/list.html", {"templates": templates})


def _template_form_view(request: HttpRequest, template: EmailTemplate | None) -> HttpResponse:
    company = _company(request)
    form = TemplateForm(request.POST or None, instance=template, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_save(
                company=company,
                user=request.user,
                template=template,
                **{k: form.cleaned_data[k] for k in ("name", "subject", "body")},
            )
        except rendering.TemplateError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
            return redirect("mailing:template_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "mailing/templates/form.html",
        {"form": form, "template": template, "placeholders": rendering.PLACEHOLDERS},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form_view(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    return _template_form_view(request, _get_template_for_user(request, template_id))


@login_required
@require_POST
def template_duplicate(request: HttpRequest, template_id: int) -> HttpResponse:
    copy = services.template_duplicate(
        template=_get_template_for_user(request, template_id), user=request.user
    )
    messages.success(request, _("Made a copy: “%(name)s”.") % {"name": copy.name})
    return redirect("mailing:template_edit", copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _get_template_for_user(request, template_id)
    if request.method == "POST":
        name = template.name
        template.delete()
        messages.success(request, _("Template “%(name)s” deleted.") % {"name": name})
        return redirect("mailing:template_list")
    return render(request, "mailing/templates/delete.html", {"template": template})


# -- unsubscribe (no login: the candidate follows a link in the email) ----------------------


@csrf_exempt  # mail providers' one-click POST carries no token; the signed URL is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    parsed = unsubscribe_read(token)
    if parsed is None:
        return render(request, "mailing/unsubscribe.html", {"invalid": True}, status=400)
    company_id, candidate_id = parsed
    share = (
        Share.objects.select_related("company")
        .filter(company_id=company_id, candidate_id=candidate_id)
        .first()
    )
    if share is None:
        return render(request, "mailing/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.share_unsubscribe(share=share)
        done = True
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
    return render(
        request,
        "mailing/unsubscribe.html",
        {"share": share, "done": done or bool(share.unsubscribed_at), "token": token},
    )

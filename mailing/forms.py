import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mailing import rendering
from mailing.models import BODY_MAX, SUBJECT_MAX, EmailTemplate


def _template_errors(form: forms.Form, field: str, check) -> None:
    value = form.cleaned_data.get(field)
    if not value:
        return
    try:
        check(value)
    except rendering.TemplateError as exc:
        form.add_error(field, str(exc))


class ComposeForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=EmailTemplate.objects.none(),
        required=False,
        empty_label=_("No template"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 14}))
    send_mode = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Send now")), ("later", _("Schedule for later"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Norwegian time (Europe/Oslo)."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    confirm_warnings = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = EmailTemplate.objects.filter(company=company)

    def clean(self):
        data = super().clean()
        _template_errors(self, "subject", rendering.validate_subject)
        _template_errors(self, "body", rendering.validate_body)
        if data.get("send_mode") == "later":
            when = data.get("scheduled_at")
            if when is None:
                self.add_error("scheduled_at", _("Choose the date and time to send at."))
            elif when < timezone.now() + timedelta(minutes=1):
                self.add_error("scheduled_at", _("Choose a time at least a minute from now."))
        return data


class PreviewForm(forms.Form):
    """The parts of the compose form the preview needs; errors are shown, never raised."""

    subject = forms.CharField(required=False, max_length=SUBJECT_MAX)
    body = forms.CharField(required=False, max_length=BODY_MAX)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name", "subject", "body"]
        labels = {"name": _("Name"), "subject": _("Subject"), "body": _("Message")}
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = EmailTemplate.objects.filter(company=self.company, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Your company already has a template with this name."))
        return name

    def clean(self):
        data = super().clean()
        _template_errors(self, "subject", rendering.validate_subject)
        _template_errors(self, "body", rendering.validate_body)
        return data


class RescheduleForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 14}))
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Norwegian time (Europe/Oslo)."),
    )

    def clean(self):
        data = super().clean()
        _template_errors(self, "subject", rendering.validate_subject)
        _template_errors(self, "body", rendering.validate_body)
        when = data.get("scheduled_at")
        if when is not None and when < timezone.now() + timedelta(minutes=1):
            self.add_error("scheduled_at", _("Choose a time at least a minute from now."))
        return data

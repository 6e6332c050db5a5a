from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Share
from candidates.services import NOTE_MAX, TAG_NAME_MAX


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Share.Status.choices)


class TagsForm(forms.Form):
    """The profile's tag editor: tick the company's tags, or name a new one."""

    new_tag = forms.CharField(label=_("New tag"), max_length=TAG_NAME_MAX, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only people in your company can see notes."),
    )


class BulkTagForm(forms.Form):
    op = forms.ChoiceField(choices=[("add", _("Add tag")), ("remove", _("Remove tag"))])

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from poption.accounts.models import Inbox, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("This account is disabled. Ask your company's admin for access."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "avatar"]
        labels = {"display_name": _("Name"), "avatar": _("Picture")}

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name as candidates should see it."))
        return name

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "size") and avatar.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The picture must be smaller than 2 MB."))
        return avatar


class ReplyToForm(forms.Form):
    inbox = forms.ModelChoiceField(label=_("Replies go to"), queryset=Inbox.objects.none(), empty_label=None)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only verified inboxes are offered, and an unverified id posted by hand is refused.
        self.fields["inbox"].queryset = user.inboxes.filter(verified_at__isnull=False)
        current = user.inboxes.filter(email__iexact=user.reply_to).first()
        if current:
            self.fields["inbox"].initial = current.pk


class InboxAddForm(forms.Form):
    email = forms.EmailField(label=_("New inbox"), max_length=254)

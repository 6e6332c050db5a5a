from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = _("Mailing")

    def ready(self) -> None:
        from mailing import webhooks  # noqa: F401 - connects the tracking receiver

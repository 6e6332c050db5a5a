"""Anymail tracking webhooks: /anymail/<esp>/tracking/, basic-auth protected by ANYMAIL_WEBHOOK_SECRET.

The receiver is thin: it hands each normalized event to tracking_event_record().
"""

from anymail.signals import tracking
from django.dispatch import receiver


@receiver(tracking, dispatch_uid="poption.mailing.tracking")
def on_tracking(sender, event, esp_name, **kwargs) -> None:
    from mailing.services import tracking_event_record

    tracking_event_record(event=event, esp_name=esp_name)

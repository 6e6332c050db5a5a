"""Email backends the benchmark's workers load by dotted path (EMAIL_BACKEND)."""

import uuid

from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core import mail


class UniqueIdTestBackend(AnymailTestBackend):
    """Anymail's test backend with ids that are unique across worker processes, and no growing outbox.

    The stock backend's message id is the message's index in its own process's outbox, so two
    prefork children both report "1", "2", ...; Delivery.esp_message_id is unique, and the second
    child's result cannot be recorded. Everything else (payload building, the send path) is Anymail's.
    """

    def get_esp_message_id(self, message):
        return f"bench-{uuid.uuid4().hex}"

    def send_messages(self, email_messages):
        try:
            return super().send_messages(email_messages)
        finally:
            # Thousands of messages kept in memory would only slow the worker down.
            mail.outbox.clear()

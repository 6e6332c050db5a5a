"""Email backends for tests that run a real worker in another process.

Anymail's test backend keeps messages in the worker's memory; this one also writes each
message (as it would go on the wire) to RECORD_DIR, so the test process can read them.
"""

import os
import uuid
from pathlib import Path

from anymail.backends.test import EmailBackend as AnymailTestBackend


class RecordingAnymailBackend(AnymailTestBackend):
    def get_esp_message_id(self, message):
        # The parent's id is the index in this process's outbox: not unique across worker restarts.
        return f"test-{uuid.uuid4().hex}"

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = Path(os.environ["RECORD_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return sent

"""An email "provider" for the fault tests, shared by the test and worker processes through a directory.

Each accepted message is written to its own file at once (the provider has it), then the call waits a little,
as a real provider's response takes time to come back: a worker killed in that pause has had its email accepted
but has not recorded the send. ``delivered()`` reads what reached people the way a provider that deduplicates on
our idempotency key would deliver it; a message without the key is delivered every time it is sent.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

DIR_ENV = "JOINTLY_FAULT_MAIL_DIR"
LATENCY_ENV = "JOINTLY_FAULT_MAIL_LATENCY"


class RecordingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ[DIR_ENV])
        for message in email_messages:
            record = {
                "to": list(message.to),
                "subject": message.subject,
                "key": message.extra_headers.get("X-Jointly-Idempotency-Key", ""),
                "message_id": message.extra_headers.get("Message-ID", ""),
            }
            path = folder / f"{time.time_ns()}-{uuid.uuid4().hex}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(record))
            tmp.rename(path)  # accepted, atomically
            time.sleep(float(os.environ.get(LATENCY_ENV, "0")))
        return len(email_messages)


def accepted(folder: Path) -> list[dict[str, Any]]:
    """Every send the provider accepted, in order (a retry of the same email included)."""
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def delivered(folder: Path) -> Counter[tuple[str, str]]:
    """(recipient, subject) -> how many copies reached the person, deduplicated on the idempotency key."""
    seen: set[str] = set()
    copies: Counter[tuple[str, str]] = Counter()
    for record in accepted(folder):
        if record["key"]:
            if record["key"] in seen:
                continue
            seen.add(record["key"])
        for to in record["to"]:
            copies[(to, record["subject"])] += 1
    return copies

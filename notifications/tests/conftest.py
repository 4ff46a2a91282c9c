"""What every notifications test shares: SMS go to a file in the test's own directory, and an
in-memory gateway that records what it was given (a real Gateway, not a mock of our code)."""

import threading

import pytest

from notifications.gateways import Gateway


@pytest.fixture(autouse=True)
def _sms_to_tmp(settings, tmp_path):
    settings.VALIZA_SMS_GATEWAY = "file"
    settings.VALIZA_SMS_FILE = tmp_path / "sms.jsonl"
    settings.VALIZA_OUTBOX_MAX_ATTEMPTS = 3
    settings.VALIZA_OUTBOX_RETRY_SECONDS = 60


class MemoryGateway(Gateway):
    """Keeps what it sends; raises the errors it was given, one per send, first."""

    name = "memory"

    def __init__(self, *, errors=(), idempotent=False, during_send=None):
        self.sent = []
        self.errors = list(errors)
        self.idempotent = idempotent
        self.during_send = during_send
        self._lock = threading.Lock()

    def send(self, message):
        if self.during_send:
            self.during_send(message)
        with self._lock:
            if self.errors:
                raise self.errors.pop(0)
            self.sent.append(message)
            return f"mem-{len(self.sent)}"


@pytest.fixture
def gateway():
    return MemoryGateway()

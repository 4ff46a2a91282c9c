"""SMS gateways: where the outbox hands a message over. `get_gateway()` builds the one named by
settings.VALIZA_SMS_GATEWAY; the outbox (notifications/outbox.py) is the only caller.

A gateway's `send` returns the gateway's message id or raises GatewayError saying whether trying
again may help and whether the message may have gone out anyway. The outbox decides what to do.
"""

import http.client
import json
import logging
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from core.logs import Safe

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One SMS as a gateway sees it."""

    recipient: str  # E.164, e.g. +380671234567
    text: str
    # The same for every repeat that may have reached the gateway (ADR 5).
    idempotency_key: str


class GatewayError(Exception):
    """The gateway did not confirm the message.

    `retry`: trying again later may work (network down, no balance) — otherwise it is refused for
    good (bad number, wrong token). `maybe_sent`: the gateway may have accepted it all the same (no
    answer after the request went out, an answer we cannot read).
    """

    def __init__(self, message, *, retry=True, maybe_sent=False):
        super().__init__(message)
        self.retry = retry
        self.maybe_sent = maybe_sent


class Gateway:
    name = ""
    # True when the gateway recognises a repeat of the same idempotency key and does not send it
    # again. Only then may a send whose outcome is unknown be repeated without a person deciding.
    idempotent = False

    def send(self, message: Outgoing) -> str:
        raise NotImplementedError


def _masked(phone):
    return phone[:4] + "•" * max(len(phone) - 8, 0) + phone[-4:]


class ConsoleGateway(Gateway):
    """Logs the message (number masked): for a developer's machine."""

    name = "console"

    def send(self, message):
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        # The texts are ours (planning.actions): a date, a time window, a request number, a public
        # place; no name, address or phone. The number is masked.
        logger.info("SMS %s to %s: %s", Safe(message_id), Safe(_masked(message.recipient)), Safe(message.text))
        return message_id


class FileGateway(Gateway):
    """Appends one JSON line per message to a file: the default, nothing leaves the machine, and a
    person (or a browser test) can read exactly what would have been sent."""

    name = "file"

    def __init__(self, path):
        self.path = Path(path)

    def send(self, message):
        message_id = f"file-{uuid.uuid4().hex[:12]}"
        line = json.dumps({
            "id": message_id, "at": timezone.now().isoformat(), "to": message.recipient,
            "text": message.text, "key": message.idempotency_key,
        }, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise GatewayError(_("Не вдалося записати у файл %(path)s: %(error)s")
                               % {"path": self.path, "error": exc}) from exc
        return message_id


# TurboSMS answers HTTP 200 with its own response_code (https://turbosms.ua/api.html).
TURBOSMS_SUCCESS = {800, 801, 802, 803}  # accepted or sent, wholly or partly
TURBOSMS_DUPLICATE_REQUEST = 507  # the same sequence_id again: the first request's results
TURBOSMS_DUPLICATE_MESSAGE = 427  # the same message was created in the last 90 seconds
TURBOSMS_TRY_LATER = {203, 503, 504}  # no balance; could not send now
TURBOSMS_MAYBE_PROCESSED = {500, 501, 505, 506, 999}  # failed after (or while) processing


class TurboSMSGateway(Gateway):
    """TurboSMS HTTP API (`POST {base}/message/send.json`, Bearer token, registered sender name).

    Every request carries `sequence_id` = the message's idempotency key: TurboSMS executes a
    request with a given sequence_id once and answers a repeat with the first one's results.
    """

    name = "turbosms"
    idempotent = True

    def __init__(self, *, base_url, token, sender, timeout=20):
        self.url = base_url.rstrip("/") + "/message/send.json"
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, message):
        phone = message.recipient.lstrip("+")
        body = {
            "recipients": [phone],
            "sms": {"sender": self.sender, "text": message.text},
            "sequence_id": message.idempotency_key,
        }
        request = urllib.request.Request(
            self.url, method="POST", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            # TurboSMS answers 200 to every request it understood; anything else comes from the
            # way there (a proxy, a wrong URL). A 5xx may have been processed behind the proxy.
            raise GatewayError(
                _("TurboSMS відповів HTTP %(status)s.") % {"status": exc.code},
                retry=exc.code >= 500, maybe_sent=exc.code >= 500,
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)):
                # Refused or not resolved: the request never left this machine.
                raise GatewayError(
                    _("TurboSMS недоступний: %(error)s") % {"error": exc.reason}
                ) from exc
            raise GatewayError(
                _("Зв'язок із TurboSMS перервано: %(error)s") % {"error": exc.reason}, maybe_sent=True
            ) from exc
        except (OSError, http.client.HTTPException) as exc:  # timeouts are OSErrors too
            raise GatewayError(
                _("TurboSMS не відповів: %(error)s") % {"error": exc or type(exc).__name__},
                maybe_sent=True,
            ) from exc
        return self._message_id(raw, phone)

    def _message_id(self, raw, phone):
        try:
            data = json.loads(raw.decode("utf-8"))
            code = int(data["response_code"])
            status = str(data.get("response_status", ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise GatewayError(_("TurboSMS відповів незрозуміло."), maybe_sent=True) from exc
        label = f"{code} {status}".strip()
        if code in TURBOSMS_SUCCESS or code == TURBOSMS_DUPLICATE_REQUEST:
            results = data.get("response_result")
            if isinstance(results, list):
                mine = [r for r in results if isinstance(r, dict) and str(r.get("phone")) == phone]
                if not mine and len(results) == 1 and isinstance(results[0], dict):
                    mine = results
                if mine:
                    item = mine[0]
                    if item.get("response_code") == 0 and item.get("message_id"):
                        return str(item["message_id"])
                    raise GatewayError(
                        _("TurboSMS не прийняв номер: %(code)s %(status)s")
                        % {"code": item.get("response_code"), "status": item.get("response_status", "")},
                        retry=False,
                    )
            raise GatewayError(
                _("TurboSMS відповів %(label)s, але без номера повідомлення.") % {"label": label},
                retry=False, maybe_sent=True,
            )
        if code == TURBOSMS_DUPLICATE_MESSAGE:
            raise GatewayError(
                _("TurboSMS: таке саме повідомлення вже створено протягом 90 секунд (%(label)s).")
                % {"label": label}, retry=False, maybe_sent=True,
            )
        if code in TURBOSMS_TRY_LATER:
            raise GatewayError(_("TurboSMS: %(label)s") % {"label": label})
        if code in TURBOSMS_MAYBE_PROCESSED:
            raise GatewayError(_("TurboSMS: %(label)s") % {"label": label}, maybe_sent=True)
        raise GatewayError(_("TurboSMS відмовив: %(label)s") % {"label": label}, retry=False)


def get_gateway():
    """The gateway the settings name, built from the settings as they are now."""
    name = settings.VALIZA_SMS_GATEWAY
    if name == "file":
        return FileGateway(settings.VALIZA_SMS_FILE)
    if name == "console":
        return ConsoleGateway()
    if name == "turbosms":
        return TurboSMSGateway(
            base_url=settings.VALIZA_TURBOSMS_URL, token=settings.VALIZA_TURBOSMS_TOKEN,
            sender=settings.VALIZA_TURBOSMS_SENDER, timeout=settings.VALIZA_SMS_TIMEOUT_SECONDS,
        )
    raise ImproperlyConfigured(f"Unknown VALIZA_SMS_GATEWAY {name!r}")

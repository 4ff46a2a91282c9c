"""The TurboSMS gateway against a local HTTP server that checks each request and answers the way
TurboSMS's HTTP API does (https://turbosms.ua/api.html): HTTP 200 with its own response_code."""

import json
import socket
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from notifications.gateways import GatewayError, Outgoing, TurboSMSGateway
from notifications.models import OutboxMessage, State
from notifications.outbox import enqueue, send_due

TOKEN = "test-token-123"
SENDER = "Valiza"


class FakeTurboSMS(ThreadingHTTPServer):
    """Takes messages like TurboSMS: checks the token and the JSON body, remembers each
    sequence_id and answers a repeat with the first answer instead of sending again."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []  # (headers, body) of every request
        self.accepted = []  # messages "sent" to phones
        self.by_sequence = {}
        self.script = []  # answers to give instead, first come first served
        self.stoplist = set()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        pass  # a client that timed out and left is part of the tests


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        server = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        server.requests.append((dict(self.headers), body))
        if server.script:
            action = server.script.pop(0)
            if callable(action):
                return action(self, body)
            return self.answer(*action)
        if self.path != "/message/send.json":
            return self.answer(404, "Not found")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.answer(200, {"response_code": 105, "response_status": "REQUIRED_AUTH",
                                     "response_result": None})
        if not isinstance(body, dict):
            return self.answer(200, {"response_code": 502, "response_status": "FAILED_PARSE_BODY",
                                     "response_result": None})
        sms = body.get("sms") or {}
        for code, status, ok in (
            (200, "REQUIRED_MESSAGE_SENDER", sms.get("sender")),
            (201, "REQUIRED_MESSAGE_TEXT", sms.get("text")),
            (202, "REQUIRED_MESSAGE_RECIPIENT", body.get("recipients")),
        ):
            if not ok:
                return self.answer(200, {"response_code": code, "response_status": status,
                                         "response_result": None})
        sequence_id = body.get("sequence_id")
        if sequence_id in server.by_sequence:
            first = server.by_sequence[sequence_id]
            return self.answer(200, {**first, "response_code": 507,
                                     "response_status": "FAILED_DUPLICATE_REQUEST"})
        answer = self.accept(body)
        if sequence_id:
            server.by_sequence[sequence_id] = answer
        return self.answer(200, answer)

    def accept(self, body):
        results = []
        for phone in body["recipients"]:
            if phone in self.server.stoplist:
                results.append({"phone": phone, "response_code": 404, "message_id": None,
                                "response_status": "NOT_ALLOWED_NUMBER_STOPLIST"})
            else:
                message_id = str(uuid.uuid4())
                self.server.accepted.append((phone, body["sms"]["text"], message_id))
                results.append({"phone": phone, "response_code": 0, "message_id": message_id,
                                "response_status": "OK"})
        return {"response_code": 800, "response_status": "SUCCESS_MESSAGE_ACCEPTED",
                "response_result": results}

    def answer(self, status, payload):
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def turbosms(monkeypatch):
    # Loopback only, never through a proxy from the environment.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeTurboSMS()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def use_turbosms(settings, turbosms):
    settings.VALIZA_SMS_GATEWAY = "turbosms"
    settings.VALIZA_TURBOSMS_URL = turbosms.url + "/"
    settings.VALIZA_TURBOSMS_TOKEN = TOKEN
    settings.VALIZA_TURBOSMS_SENDER = SENDER
    settings.VALIZA_SMS_TIMEOUT_SECONDS = 2
    return turbosms


def gateway_for(server, token=TOKEN, timeout=2):
    return TurboSMSGateway(base_url=server.url, token=token, sender=SENDER, timeout=timeout)


def outgoing(key="seq-1"):
    return Outgoing("+380671234567", "Ваш візит ЦНАП: вт 25.11, 10:00–12:00", key)


def test_send_posts_the_token_sender_text_and_number_and_returns_turbosms_message_id(turbosms):
    message_id = gateway_for(turbosms).send(outgoing())
    headers, body = turbosms.requests[0]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"].startswith("application/json")
    assert body == {"recipients": ["380671234567"],
                    "sms": {"sender": SENDER, "text": "Ваш візит ЦНАП: вт 25.11, 10:00–12:00"},
                    "sequence_id": "seq-1"}
    assert turbosms.accepted == [("380671234567", "Ваш візит ЦНАП: вт 25.11, 10:00–12:00", message_id)]


def test_a_wrong_token_is_refused_for_good(turbosms):
    with pytest.raises(GatewayError) as caught:
        gateway_for(turbosms, token="wrong").send(outgoing())
    assert "105 REQUIRED_AUTH" in str(caught.value)
    assert not caught.value.retry and not caught.value.maybe_sent
    assert turbosms.accepted == []


def test_a_stoplisted_number_is_refused_for_good(turbosms):
    turbosms.stoplist.add("380671234567")
    with pytest.raises(GatewayError) as caught:
        gateway_for(turbosms).send(outgoing())
    assert "404 NOT_ALLOWED_NUMBER_STOPLIST" in str(caught.value) and not caught.value.retry


def test_an_unreachable_gateway_is_retried_as_surely_not_sent():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gateway = TurboSMSGateway(base_url=f"http://127.0.0.1:{port}", token=TOKEN, sender=SENDER, timeout=2)
    with pytest.raises(GatewayError) as caught:
        gateway.send(outgoing())
    assert caught.value.retry and not caught.value.maybe_sent


@pytest.mark.parametrize("answer", [
    (500, "<html>Bad gateway</html>"),
    (200, "not json"),
    (200, {"response_code": 999, "response_status": "FATAL_ERROR", "response_result": None}),
])
def test_an_answer_that_leaves_it_open_counts_as_maybe_sent(turbosms, answer):
    turbosms.script.append(answer)
    with pytest.raises(GatewayError) as caught:
        gateway_for(turbosms).send(outgoing())
    assert caught.value.maybe_sent and caught.value.retry


def test_through_the_outbox_a_message_is_sent_and_the_turbosms_id_kept(world, use_turbosms):
    message, _ = enqueue(community=world.a, recipient="067 123 45 67", text="Нагадування: завтра о 10:00",
                         dedup_key="plan:1:request:1:reminder", wake=False)
    assert send_due()["sent"] == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.gateway == "turbosms"
    assert message.gateway_message_id == use_turbosms.accepted[0][2]
    assert use_turbosms.requests[0][1]["sequence_id"] == str(message.idempotency_key)


def test_no_balance_is_retried_later_as_a_new_request(world, use_turbosms):
    use_turbosms.script.append((200, {"response_code": 203, "response_status": "REQUIRED_BALANCE",
                                      "response_result": None}))
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Текст",
                         dedup_key="k1", wake=False)
    t0 = timezone.now()
    assert send_due(now=t0)["retry"] == 1
    message.refresh_from_db()
    assert message.last_error == "TurboSMS: 203 REQUIRED_BALANCE" and message.state == State.QUEUED
    assert send_due(now=t0 + timedelta(minutes=1))["sent"] == 1
    first, second = (body["sequence_id"] for _headers, body in use_turbosms.requests)
    assert first != second  # surely not sent the first time: a fresh request
    assert len(use_turbosms.accepted) == 1


def test_a_lost_answer_is_repeated_with_the_same_sequence_id_and_sent_only_once(world, use_turbosms, settings):
    settings.VALIZA_SMS_TIMEOUT_SECONDS = 0.3

    def accept_then_hang(handler, body):
        answer = handler.accept(body)  # TurboSMS has it …
        use_turbosms.by_sequence[body["sequence_id"]] = answer
        time.sleep(1)  # … but its answer never reaches us in time

    use_turbosms.script.append(accept_then_hang)
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Текст",
                         dedup_key="k2", wake=False)
    t0 = timezone.now()
    assert send_due(now=t0)["retry"] == 1
    message.refresh_from_db()
    assert message.outcome_unknown and message.state == State.QUEUED
    assert send_due(now=t0 + timedelta(minutes=1))["sent"] == 1
    message.refresh_from_db()
    first, second = (body["sequence_id"] for _headers, body in use_turbosms.requests)
    assert first == second == str(message.idempotency_key)
    assert len(use_turbosms.accepted) == 1  # the repeat was recognised, not sent again
    assert message.gateway_message_id == use_turbosms.accepted[0][2]
    assert message.state == State.SENT and not message.outcome_unknown


def test_gateway_errors_are_stored_on_the_message(world, use_turbosms, settings):
    settings.VALIZA_TURBOSMS_TOKEN = "revoked"
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Текст",
                         dedup_key="k3", wake=False)
    assert send_due()["failed"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.last_error == "TurboSMS відмовив: 105 REQUIRED_AUTH"
    assert OutboxMessage.objects.filter(state=State.QUEUED).count() == 0

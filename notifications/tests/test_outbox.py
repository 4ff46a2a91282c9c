import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from notifications import outbox
from notifications.gateways import GatewayError
from notifications.models import Kind, OutboxMessage, State
from notifications.outbox import claim, enqueue, expire_stale, send_due

from .conftest import MemoryGateway


def queue(world, n=0, **kwargs):
    values = {
        "community": world.a, "recipient": "067 123 45 67", "text": f"Візит {n}: вт 10:00–12:00",
        "dedup_key": f"plan:1:request:{n}:published", "kind": Kind.SCHEDULE, "related": world.req,
        "wake": False, **kwargs,
    }
    return enqueue(**values)[0]


def test_enqueue_stores_the_phone_in_e164_and_names_the_related_request(world):
    message = queue(world)
    assert message.recipient == "+380671234567"
    assert message.related_object == f"visits.visitrequest:{world.req.pk}"
    assert message.related_request_id == world.req.pk
    assert message.state == State.QUEUED and message.attempts == 0


def test_enqueue_twice_with_the_same_key_queues_one_message(world):
    first, created = enqueue(community=world.a, recipient="+380671234567", text="Перший текст",
                             dedup_key="plan:7:request:42:published", wake=False)
    again, created_again = enqueue(community=world.a, recipient="+380501112233", text="Інший текст",
                                   dedup_key="plan:7:request:42:published", wake=False)
    assert created and not created_again
    assert again.pk == first.pk and again.text == "Перший текст"
    assert OutboxMessage.objects.count() == 1


def test_enqueue_after_the_message_was_sent_does_not_queue_it_again(world, gateway):
    queue(world)
    send_due(gateway=gateway)
    again = queue(world)
    assert again.state == State.SENT
    assert send_due(gateway=gateway)["sent"] == 0
    assert len(gateway.sent) == 1


def test_enqueue_refuses_a_wrong_phone_or_an_empty_text(world):
    with pytest.raises(ValidationError):
        queue(world, recipient="12")
    with pytest.raises(ValueError):
        queue(world, text="   ")
    assert not OutboxMessage.objects.exists()


def test_send_due_writes_each_message_to_the_file_gateway_and_marks_it_sent(world, settings):
    import json

    first = queue(world, 1)
    queue(world, 2)
    counts = send_due()
    assert counts == {"sent": 2, "retry": 0, "failed": 0, "unknown": 0, "stale": 0}
    lines = [json.loads(line) for line in settings.VALIZA_SMS_FILE.read_text().splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [
        ("+380671234567", "Візит 1: вт 10:00–12:00"), ("+380671234567", "Візит 2: вт 10:00–12:00")]
    first.refresh_from_db()
    assert first.state == State.SENT and first.attempts == 1 and first.sent_at
    assert first.gateway == "file" and first.gateway_message_id == lines[0]["id"]


def test_a_message_held_back_is_not_sent_before_its_time(world, gateway):
    later = timezone.now() + timedelta(hours=20)
    queue(world, not_before=later)
    assert send_due(gateway=gateway)["sent"] == 0
    assert send_due(now=later, gateway=gateway)["sent"] == 1


def test_send_due_stops_at_the_limit(world, gateway):
    for n in range(5):
        queue(world, n)
    assert send_due(limit=2, gateway=gateway)["sent"] == 2
    assert OutboxMessage.objects.filter(state=State.QUEUED).count() == 3


def test_of_two_workers_claiming_the_same_message_only_one_wins(world):
    message = queue(world)
    now = timezone.now()
    assert claim(message.pk, token="a" * 32, now=now) is True
    assert claim(message.pk, token="b" * 32, now=now) is False
    message.refresh_from_db()
    assert message.state == State.SENDING and message.claim_token == "a" * 32 and message.attempts == 1


def test_a_second_worker_running_while_the_first_sends_never_sends_the_same_message(world):
    # Sequential stand-in for two workers (works on SQLite): while worker 1 is inside the gateway
    # with the first message, worker 2 runs a whole send_due.
    messages = [queue(world, n) for n in range(3)]
    second_worker = []

    def during_send(outgoing):
        if not second_worker:
            second_worker.append(None)
            second_worker[0] = send_due(gateway=gateway)

    gateway = MemoryGateway(during_send=during_send)
    first_worker = send_due(gateway=gateway)
    assert first_worker["sent"] + second_worker[0]["sent"] == 3
    assert sorted(m.text for m in gateway.sent) == sorted(m.text for m in messages)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}


def test_two_workers_in_parallel_threads_send_each_message_once(transactional_db, world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the sequential test above covers its claim")
    texts = {queue(world, n).text for n in range(30)}
    start = threading.Barrier(3)
    results = []

    def worker():
        from django.db import connection as thread_connection

        try:
            start.wait()
            results.append(send_due(gateway=gateway))
        finally:
            thread_connection.close()

    gateway = MemoryGateway(during_send=lambda m: threading.Event().wait(0.005))
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(r["sent"] for r in results) == 30
    sent = [m.text for m in gateway.sent]
    assert len(sent) == 30 and set(sent) == texts
    assert OutboxMessage.objects.filter(state=State.SENT).count() == 30


def test_a_failing_send_is_retried_with_a_growing_pause_then_given_up(world):
    message = queue(world)
    gateway = MemoryGateway(errors=[GatewayError("мережа недоступна")] * 3)
    t0 = timezone.now()

    assert send_due(now=t0, gateway=gateway)["retry"] == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.QUEUED, 1, "мережа недоступна")
    assert message.next_attempt_at == t0 + timedelta(seconds=60)

    assert send_due(now=t0 + timedelta(seconds=59), gateway=gateway)["retry"] == 0
    assert send_due(now=t0 + timedelta(seconds=60), gateway=gateway)["retry"] == 1
    message.refresh_from_db()
    assert message.next_attempt_at == t0 + timedelta(seconds=60 + 120)

    assert send_due(now=t0 + timedelta(seconds=180), gateway=gateway)["failed"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 3 and not message.outcome_unknown
    assert message.last_error == "Після 3 спроб: мережа недоступна"
    assert send_due(now=t0 + timedelta(days=1), gateway=gateway)["failed"] == 0
    assert gateway.sent == []


def test_a_retry_after_a_failure_succeeds(world):
    message = queue(world)
    gateway = MemoryGateway(errors=[GatewayError("тимчасово")])
    t0 = timezone.now()
    send_due(now=t0, gateway=gateway)
    assert send_due(now=t0 + timedelta(minutes=1), gateway=gateway)["sent"] == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2 and message.last_error == ""


def test_a_refused_message_fails_at_once_with_the_gateway_error_stored(world):
    message = queue(world)
    key = message.idempotency_key
    gateway = MemoryGateway(errors=[GatewayError("TurboSMS відмовив: 305 INVALID_PHONE", retry=False)])
    assert send_due(gateway=gateway)["failed"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 1
    assert message.last_error == "TurboSMS відмовив: 305 INVALID_PHONE"
    # Surely not sent, so a later try is a new request to the gateway.
    assert message.idempotency_key != key and not message.outcome_unknown


def test_an_unknown_outcome_is_never_resent_by_a_gateway_without_idempotency(world):
    message = queue(world)
    gateway = MemoryGateway(errors=[GatewayError("немає відповіді", maybe_sent=True)])
    assert send_due(gateway=gateway)["unknown"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.outcome_unknown
    assert send_due(now=timezone.now() + timedelta(days=1), gateway=gateway)["sent"] == 0


def test_an_unknown_outcome_is_repeated_with_the_same_key_by_an_idempotent_gateway(world):
    message = queue(world)
    key = message.idempotency_key
    gateway = MemoryGateway(errors=[GatewayError("немає відповіді", maybe_sent=True)], idempotent=True)
    t0 = timezone.now()
    assert send_due(now=t0, gateway=gateway)["retry"] == 1
    assert send_due(now=t0 + timedelta(minutes=1), gateway=gateway)["sent"] == 1
    assert gateway.sent[0].idempotency_key == str(key)


def test_an_unexpected_exception_in_a_gateway_counts_as_maybe_sent(world):
    message = queue(world)
    gateway = MemoryGateway(errors=[RuntimeError("bug")])
    assert send_due(gateway=gateway)["unknown"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.outcome_unknown and "bug" in message.last_error


def test_a_worker_that_dies_after_the_gateway_took_the_message_never_causes_a_resend(world):
    message = queue(world)
    gateway = MemoryGateway()

    def accept_then_die(outgoing):
        gateway.sent.append(outgoing)  # the gateway has it …
        raise SystemExit  # … and the worker is killed before it could record that

    gateway.during_send = accept_then_die
    with pytest.raises(SystemExit):
        send_due(gateway=gateway)
    gateway.during_send = None
    message.refresh_from_db()
    assert message.state == State.SENDING

    later = timezone.now() + timedelta(minutes=11)
    counts = send_due(now=later, gateway=gateway)
    assert counts["stale"] == 1 and counts["sent"] == 0
    message.refresh_from_db()
    assert message.state == State.FAILED and message.outcome_unknown
    assert "невідомо" in message.last_error
    assert send_due(now=later + timedelta(days=1), gateway=gateway)["sent"] == 0
    assert len(gateway.sent) == 1


def test_a_slow_send_is_not_taken_for_a_dead_worker(world):
    message = queue(world)
    claim(message.pk, token="a" * 32, now=timezone.now())
    assert expire_stale(timezone.now() + timedelta(minutes=9)) == 0
    assert expire_stale(timezone.now() + timedelta(minutes=11)) == 1


def test_retry_of_a_message_that_may_have_arrived_needs_confirmation(world):
    message = queue(world)
    send_due(gateway=MemoryGateway(errors=[GatewayError("немає відповіді", maybe_sent=True)]))
    message.refresh_from_db()
    key = message.idempotency_key
    with pytest.raises(outbox.OutboxError):
        outbox.retry(message, by=world.users["coordinator"])
    outbox.retry(message, by=world.users["coordinator"], confirm=True)
    assert message.state == State.QUEUED and message.attempts == 0 and not message.outcome_unknown
    assert message.retried_by == world.users["coordinator"]
    gateway = MemoryGateway()
    assert send_due(gateway=gateway)["sent"] == 1
    # The same key goes to the gateway, so one that de-duplicates recognises a repeat.
    assert gateway.sent[0].idempotency_key == str(key)


def test_only_a_failed_message_can_be_retried(world, gateway):
    message = queue(world)
    with pytest.raises(outbox.OutboxError):
        outbox.retry(message, by=world.users["coordinator"])
    send_due(gateway=gateway)
    message.refresh_from_db()
    with pytest.raises(outbox.OutboxError):
        outbox.retry(message, by=world.users["coordinator"])


def test_a_cancelled_message_is_not_sent(world, gateway):
    message = queue(world)
    assert outbox.cancel(message) is True
    assert send_due(gateway=gateway)["sent"] == 0
    assert message.state == State.CANCELLED

"""Issue 13: a number that asked for no SMS gets none; the outbox keeps what it would have sent as
«skipped» with the reason, never sends it, never offers it for a retry; and SMS length in parts."""

import pytest

from notifications import outbox
from notifications.models import OutboxMessage, SmsOptOut, State
from notifications.outbox import OutboxError, enqueue, send_due, sms_parts

from .conftest import MemoryGateway


def test_a_skipped_message_is_kept_with_the_reason_and_never_sent(world):
    outbox.opt_out(world.a, "+380671234567", source=SmsOptOut.Source.CITIZEN)
    message, created = enqueue(community=world.a, recipient="067 123 45 67", text="Візит у вівторок", dedup_key="t:1", wake=False)
    assert created and message.state == State.SKIPPED and "відмовилися" in message.last_error
    gateway = MemoryGateway()
    assert send_due(gateway=gateway)["sent"] == 0 and gateway.sent == []
    assert not message.can_retry
    with pytest.raises(OutboxError):
        outbox.retry(message, by=world.users["coordinator"])
    # Asked again with the same key: still the one skipped message.
    enqueue(community=world.a, recipient="067 123 45 67", text="Візит у вівторок", dedup_key="t:1", wake=False)
    assert OutboxMessage.objects.count() == 1


def test_opting_in_again_lets_the_next_message_go(world):
    outbox.opt_out(world.a, "+380671234567", source=SmsOptOut.Source.STAFF)
    outbox.opt_out(world.a, "067 123 45 67", source=SmsOptOut.Source.STAFF)
    assert SmsOptOut.objects.count() == 1
    assert outbox.opt_in(world.a, "+380671234567") is True
    assert outbox.opt_in(world.a, "+380671234567") is False
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Текст", dedup_key="t:2", wake=False)
    assert message.state == State.QUEUED


def test_an_opt_out_without_a_phone_is_refused(world):
    with pytest.raises(OutboxError):
        outbox.opt_out(world.a, "", source=SmsOptOut.Source.STAFF)
    assert not SmsOptOut.objects.exists()


def test_the_outbox_page_has_a_tab_for_skipped_messages(world, login):
    outbox.opt_out(world.a, "+380671234567", source=SmsOptOut.Source.CITIZEN)
    enqueue(community=world.a, recipient="+380671234567", text="Текст", dedup_key="t:3", wake=False)
    page = login(world.users["coordinator"]).get("/staff/outbox/?state=skipped")
    assert [m.dedup_key for m, _form in page.context["rows"]] == ["t:3"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("я" * 70, 1),
        ("я" * 71, 2),
        ("я" * 134, 2),
        ("я" * 135, 3),
        ("Visit 10:00 ok" + "ї", 1),
    ],
)
def test_sms_parts_counts_gsm_and_cyrillic_texts(text, parts):
    assert sms_parts(text) == parts

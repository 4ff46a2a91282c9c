"""Issue 11: a journal entry carries what a register needs — the provider's official and the
date of receipt, the decision's number and date, the other outcomes, a term extension, the fee
paid and a note."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from journal import actions, chain
from journal.actions import JournalError
from journal.models import CaseState

from .factories import kyiv, make_case


@pytest.fixture(autouse=True)
def _in_force(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None


@pytest.fixture
def at_noon():
    with time_machine.travel(kyiv(2026, 3, 12, 12).timestamp(), tick=False):
        yield


def _case(world):
    return make_case(world, accepted_at=kyiv(2026, 3, 2, 10))


def test_the_hand_over_names_the_provider_official_who_received_the_documents(world, at_noon):
    case = actions.hand_over(_case(world), by=world.users["coordinator"], on=date(2026, 3, 3),
                             official="Петренко О. І., головний спеціаліст")
    case.refresh_from_db()
    assert case.provider_official == "Петренко О. І., головний спеціаліст"
    payload = case.entries.last().payload
    assert payload["official"] == "Петренко О. І., головний спеціаліст" and payload["on"] == "2026-03-03"


def test_the_decision_carries_its_number_and_date(world, at_noon):
    case = actions.hand_over(_case(world), by=world.users["coordinator"], on=date(2026, 3, 3))
    actions.record_decision(case, by=world.users["coordinator"], granted=True, on=date(2026, 3, 6),
                            number="  124/03 ")
    case.refresh_from_db()
    assert case.decision_number == "124/03"
    assert case.entries.last().payload["number"] == "124/03"


@pytest.mark.parametrize("state", [CaseState.LEFT_WITHOUT_CONSIDERATION, CaseState.RETURNED, CaseState.WITHDRAWN])
def test_a_case_can_be_left_without_consideration_returned_or_withdrawn(world, at_noon, state):
    case = actions.hand_over(_case(world), by=world.users["coordinator"], on=date(2026, 3, 3))
    actions.close_case(case, by=world.users["coordinator"], state=state, on=date(2026, 3, 5),
                       reason="Заява людини")
    case.refresh_from_db()
    assert case.state == state and case.closed_on == date(2026, 3, 5) and case.closed_reason == "Заява людини"
    assert case.next_due is None
    entry = case.entries.last()
    assert entry.event == "closed" and entry.payload["state"] == state
    with pytest.raises(JournalError):
        actions.record_decision(case, by=world.users["coordinator"], granted=True)


def test_closing_needs_a_reason(world, at_noon):
    with pytest.raises(JournalError, match="підставу"):
        actions.close_case(_case(world), by=world.users["coordinator"], state=CaseState.RETURNED, reason=" ")


def test_a_suspended_case_is_not_late_and_resumes(world, at_noon):
    case = actions.hand_over(_case(world), by=world.users["coordinator"], on=date(2026, 3, 3))
    actions.suspend(case, by=world.users["coordinator"], on=date(2026, 3, 4), reason="Запит документів")
    assert case.state == CaseState.SUSPENDED and case.next_due is None
    assert not case.is_late_on(date(2026, 4, 1))
    actions.resume(case, by=world.users["coordinator"], on=date(2026, 3, 10), new_due=date(2026, 3, 20))
    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER and case.provider_due == date(2026, 3, 20)
    assert [e.event for e in case.entries.all()][-2:] == ["suspended", "resumed"]


def test_an_extended_term_records_the_new_term(world, at_noon):
    case = actions.hand_over(_case(world), by=world.users["coordinator"], on=date(2026, 3, 3))
    old = case.provider_due
    actions.extend_term(case, by=world.users["coordinator"], new_due=date(2026, 4, 10),
                        reason="Продовжено рішенням суб'єкта надання")
    case.refresh_from_db()
    assert case.provider_due == date(2026, 4, 10)
    payload = case.entries.last().payload
    assert payload["provider_due"] == {"old": old.isoformat(), "new": "2026-04-10"}
    with pytest.raises(JournalError, match="пізніше"):
        actions.extend_term(case, by=world.users["coordinator"], new_due=date(2026, 4, 1), reason="x")


def test_the_fee_paid_and_a_note_are_journal_entries(world, at_noon):
    case = _case(world)
    actions.add_note(case, by=world.users["coordinator"], note="Людина просила дзвонити ввечері",
                     fee_paid=Decimal("85.00"))
    case.refresh_from_db()
    assert case.fee_paid == Decimal("85.00")
    payload = case.entries.last().payload
    assert payload == {**payload, "fee_paid": "85.00", "note": "Людина просила дзвонити ввечері"}
    with pytest.raises(JournalError):
        actions.add_note(case, by=world.users["coordinator"], note=" ")
    with pytest.raises(JournalError):
        actions.add_note(case, by=world.users["coordinator"], note="x", fee_paid=Decimal("-1"))
    assert chain.verify(case.community_id).ok

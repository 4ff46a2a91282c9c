"""Issue 11, true dates: hand-over, decision and result record the day they happened beside the
time they were recorded, and lateness is judged by the day they happened."""

from datetime import date, timedelta

import pytest
import time_machine

from journal import actions, chain
from journal.actions import JournalError
from journal.models import Delivery

from .factories import kyiv, make_case


@pytest.fixture(autouse=True)
def _martial_law_in_force(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None


def _at(moment):
    return time_machine.travel(moment.timestamp(), tick=False)


def _decided_case(world, accepted, handed_on):
    world.svc_cert.term_days, world.svc_cert.term_kind = 5, "working"
    world.svc_cert.save()
    case = make_case(world, accepted_at=accepted)
    return actions.hand_over(case, by=world.users["coordinator"], at=accepted, on=handed_on)


def test_a_late_recorded_decision_that_was_on_time_is_on_time(world):
    accepted = kyiv(2026, 3, 2, 10)  # Monday; 5 working days → Monday 09.03
    case = _decided_case(world, accepted, date(2026, 3, 3))
    assert case.provider_due == date(2026, 3, 9)
    # The coordinator writes the decision of Friday 06.03 down only on Thursday 12.03.
    with _at(kyiv(2026, 3, 12, 15)):
        actions.record_decision(case, by=world.users["coordinator"], granted=True, on=date(2026, 3, 6))
    case.refresh_from_db()
    assert case.decided_on == date(2026, 3, 6)
    assert case.decided_at == kyiv(2026, 3, 12, 15)
    entry = case.entries.last()
    assert entry.payload["late"] is False and entry.payload["on"] == "2026-03-06"
    assert chain.verify(case.community_id).ok


def test_a_decision_after_the_term_is_late_whenever_it_is_recorded(world):
    case = _decided_case(world, kyiv(2026, 3, 2, 10), date(2026, 3, 3))
    with _at(kyiv(2026, 3, 12, 15)):
        actions.record_decision(case, by=world.users["coordinator"], granted=True, on=date(2026, 3, 10))
    assert case.entries.last().payload["late"] is True


def test_a_hand_over_recorded_late_but_made_on_time_is_on_time(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 10))  # Friday → hand over by Monday 09.03
    with _at(kyiv(2026, 3, 11, 9)):
        actions.hand_over(case, by=world.users["coordinator"], on=date(2026, 3, 9))
    case.refresh_from_db()
    assert case.handed_over_on == date(2026, 3, 9) and case.handed_over_at == kyiv(2026, 3, 11, 9)
    assert case.entries.last().payload["late"] is False


def test_the_date_it_happened_defaults_to_the_day_it_is_recorded(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 10))
    with _at(kyiv(2026, 3, 11, 9)):
        actions.hand_over(case, by=world.users["coordinator"])
    assert case.handed_over_on == date(2026, 3, 11)
    assert case.entries.last().payload["late"] is True


def test_a_date_in_the_future_is_refused_in_ukrainian(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 10))
    with _at(kyiv(2026, 3, 11, 23, 30)), pytest.raises(JournalError, match="пізніше за сьогодні"):
        actions.hand_over(case, by=world.users["coordinator"], on=date(2026, 3, 12))
    case.refresh_from_db()
    assert case.handed_over_on is None and case.entries.count() == 1


def test_a_date_before_acceptance_is_refused_in_ukrainian(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 2, 10))
    with _at(kyiv(2026, 3, 12, 15)), pytest.raises(JournalError, match="раніше, ніж справу прийнято"):
        actions.hand_over(case, by=world.users["coordinator"], on=date(2026, 3, 1))


def test_a_decision_before_the_hand_over_is_refused_in_ukrainian(world):
    case = _decided_case(world, kyiv(2026, 3, 2, 10), date(2026, 3, 4))
    with _at(kyiv(2026, 3, 12, 15)), pytest.raises(JournalError, match="раніше, ніж справу передано"):
        actions.record_decision(case, by=world.users["coordinator"], granted=True, on=date(2026, 3, 3))


def test_the_result_records_the_day_it_was_given(world):
    case = _decided_case(world, kyiv(2026, 3, 2, 10), date(2026, 3, 3))
    with _at(kyiv(2026, 3, 12, 15)):
        actions.record_decision(case, by=world.users["coordinator"], granted=True, on=date(2026, 3, 6))
        actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.POST, on=date(2026, 3, 10))
        with pytest.raises(JournalError):
            actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.POST,
                                  on=date(2026, 3, 10) + timedelta(days=5))
    case.refresh_from_db()
    assert case.result_delivered_on == date(2026, 3, 10)
    assert case.entries.last().payload["on"] == "2026-03-10"

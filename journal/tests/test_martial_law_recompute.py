"""Issue 11: a change of martial-law periods moves the stored deadlines of open cases, and each
move is an entry in the journal saying old → new and why."""

from datetime import date

import pytest
import time_machine

from communities.models import MartialLawPeriod
from journal import actions, chain
from journal.models import JournalEntry

from .factories import kyiv, make_case


@pytest.fixture(autouse=True)
def _period(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None


def test_ending_martial_law_moves_an_open_deadline_and_records_why(world, login):
    MartialLawPeriod.objects.create(start=date(2022, 2, 24))
    # Accepted Wednesday 24.12.2025: under martial law Christmas (Thursday 25.12) is worked.
    case = make_case(world, accepted_at=kyiv(2025, 12, 24, 12))
    assert case.handover_due == date(2025, 12, 25)
    done = make_case(world, accepted_at=kyiv(2025, 12, 24, 13))
    with time_machine.travel(kyiv(2025, 12, 24, 15).timestamp(), tick=False):
        actions.hand_over(done, by=world.users["coordinator"])
        actions.record_decision(done, by=world.users["coordinator"], granted=True)
    # Martial law is found to have ended on 20.12.2025 (the sysadmin sets the last day).
    period = MartialLawPeriod.objects.get()
    period.end = date(2025, 12, 20)
    period.save()
    changed = actions.recompute_deadlines(by=world.users["sysadmin"], reason="Змінено періоди воєнного стану")
    case.refresh_from_db()
    assert case.handover_due == date(2025, 12, 26)
    assert [c.pk for c in changed] == [case.pk]  # the decided case keeps its deadlines
    entry = case.entries.last()
    assert entry.event == JournalEntry.DEADLINE_CHANGED
    assert entry.payload["handover_due"] == {"old": "2025-12-25", "new": "2025-12-26"}
    assert entry.payload["reason"] == "Змінено періоди воєнного стану"
    assert chain.verify(case.community_id).ok
    # Nothing changes twice.
    assert actions.recompute_deadlines(by=None, reason="знову") == []


def test_a_period_changed_in_the_admin_recomputes_the_deadlines(world, login):
    from django.contrib.auth import get_user_model

    case = make_case(world, accepted_at=kyiv(2025, 12, 24, 12))
    assert case.handover_due == date(2025, 12, 25)
    admin = get_user_model().objects.create_superuser("root", password="x-Very-long-9", community=world.a)
    client = login(admin)
    response = client.post("/admin/communities/martiallawperiod/add/",
                           {"start": "24.02.2022", "end": "20.12.2025", "note": "Указ"})
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.handover_due == date(2025, 12, 26)
    assert "Указ" in case.entries.last().payload["reason"]


def test_a_term_the_provider_extended_is_not_recomputed(world):
    case = make_case(world, accepted_at=kyiv(2025, 12, 24, 12))
    with time_machine.travel(kyiv(2025, 12, 24, 15).timestamp(), tick=False):
        actions.hand_over(case, by=world.users["coordinator"])
        actions.extend_term(case, by=world.users["coordinator"], new_due=date(2026, 2, 2), reason="Продовжено")
    MartialLawPeriod.objects.create(start=date(2022, 2, 24), end=date(2025, 1, 1))
    assert actions.recompute_deadlines(by=None, reason="x") == []
    case.refresh_from_db()
    assert case.provider_due == date(2026, 2, 2)

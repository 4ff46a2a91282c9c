"""Issue 11 (consent section): wrong personal data is corrected by a new journal entry that
refers to the case and says what changed (old → new), who and why; the chain stays verifiable."""

import pytest
from django.core.management import call_command

from journal import actions, chain
from journal.actions import JournalError
from journal.models import JournalEntry

from .factories import make_case


def test_a_correction_of_personal_data_is_a_new_entry_saying_old_new_who_and_why(world):
    case = make_case(world)
    old = case.applicant_name
    coordinator = world.users["coordinator"]
    actions.correct_personal_data(case, by=coordinator, changes={"applicant_name": "Коваленко Ганна Петрівна"},
                                  reason="Помилка в прізвищі, паспорт показано")
    case.refresh_from_db()
    assert case.applicant_name == "Коваленко Ганна Петрівна"
    entry = case.entries.last()
    assert entry.event == JournalEntry.CORRECTED and entry.case_id == case.pk and entry.by == coordinator
    assert entry.payload["changes"] == {"applicant_name": {"old": old, "new": "Коваленко Ганна Петрівна"}}
    assert entry.payload["reason"] == "Помилка в прізвищі, паспорт показано"
    # The registration entry keeps what was written then: the chain is never rewritten.
    assert case.entries.first().payload["applicant"] == old
    assert chain.verify(case.community_id).ok
    call_command("verify_journal")


def test_a_correction_needs_a_reason_and_a_real_change(world):
    case = make_case(world)
    entries = case.entries.count()
    with pytest.raises(JournalError, match="чому"):
        actions.correct_personal_data(case, by=None, changes={"applicant_name": "Інше Ім'я"}, reason=" ")
    with pytest.raises(JournalError, match="нічого не змінено"):
        actions.correct_personal_data(case, by=None, changes={"applicant_name": case.applicant_name}, reason="x")
    with pytest.raises(JournalError):
        actions.correct_personal_data(case, by=None, changes={"applicant_name": "  "}, reason="x")
    with pytest.raises(JournalError):
        actions.correct_personal_data(case, by=None, changes={"number": "1"}, reason="x")
    case.refresh_from_db()
    assert case.entries.count() == entries


def test_the_coordinator_corrects_the_name_on_the_journal_page(world, login):
    case = make_case(world)
    client = login(world.users["coordinator"])
    url = f"/staff/journal/{case.pk}/"
    client.post(url + "correct/", {"applicant_name": "Коваленко Ганна", "reason": "Описка"})
    case.refresh_from_db()
    assert case.applicant_name == "Коваленко Ганна"
    page = client.get(url).content.decode()
    assert "Виправлено дані" in page and "Описка" in page

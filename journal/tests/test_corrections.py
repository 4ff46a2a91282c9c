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


def test_a_correction_of_the_birth_date_phone_and_address_is_a_journal_entry_and_the_chain_verifies(world):
    import datetime

    from visits.models import VisitRequest

    case = make_case(world)
    req = VisitRequest.objects.get(pk=case.request_id)
    version, old_phone, old_birth = req.version, req.applicant_phone, req.applicant_birth_date
    coordinator = world.users["coordinator"]
    actions.correct_personal_data(case, by=coordinator, reason="Людина показала паспорт", changes={
        "applicant_birth_date": "05.03.1941", "applicant_phone": "067 123 45 67", "street": "вул. Соборна",
        "building": "7", "flat": "12"})
    req.refresh_from_db()
    assert req.applicant_birth_date == datetime.date(1941, 3, 5) and req.applicant_phone == "+380671234567"
    assert (req.street, req.building, req.flat) == ("вул. Соборна", "7", "12") and req.version == version + 1
    entry = case.entries.last()
    assert entry.event == JournalEntry.CORRECTED and entry.by == coordinator
    assert entry.payload["changes"]["applicant_birth_date"] == {"old": old_birth.isoformat(), "new": "1941-03-05"}
    assert entry.payload["changes"]["applicant_phone"] == {"old": old_phone, "new": "+380671234567"}
    assert entry.payload["changes"]["street"]["new"] == "вул. Соборна"
    assert chain.verify(case.community_id).ok


def test_a_wrong_birth_date_or_phone_is_refused_in_ukrainian_and_changes_nothing(world):
    case = make_case(world)
    entries = case.entries.count()
    with pytest.raises(JournalError, match="майбутньому"):
        actions.correct_personal_data(case, by=None, changes={"applicant_birth_date": "01.01.2999"}, reason="x")
    with pytest.raises(JournalError, match="день.місяць.рік"):
        actions.correct_personal_data(case, by=None, changes={"applicant_birth_date": "вчора"}, reason="x")
    with pytest.raises(JournalError, match="номер"):
        actions.correct_personal_data(case, by=None, changes={"applicant_phone": "12"}, reason="x")
    with pytest.raises(JournalError, match="порожнім"):
        actions.correct_personal_data(case, by=None, changes={"street": " "}, reason="x")
    assert case.entries.count() == entries


def test_the_coordinator_corrects_the_phone_and_address_on_the_journal_page(world, login):
    from visits.models import VisitRequest

    case = make_case(world)
    client = login(world.users["coordinator"])
    url = f"/staff/journal/{case.pk}/"
    assert 'name="applicant_phone"' in client.get(url).content.decode()
    client.post(url + "correct/", {"applicant_phone": "050 111 22 33", "building": "9-А", "reason": "Новий номер"})
    req = VisitRequest.objects.get(pk=case.request_id)
    assert req.applicant_phone == "+380501112233" and req.building == "9-А"
    page = client.get(url).content.decode()
    assert "Новий номер" in page and "+380501112233" in page
    # Nothing different: a clear message, no entry.
    entries = case.entries.count()
    client.post(url + "correct/", {"applicant_phone": "050 111 22 33", "reason": "Ще раз"})
    assert case.entries.count() == entries

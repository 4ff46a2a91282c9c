"""Issue 11: when a closed request is anonymised after its term, its cases' journal entries drop the person's
data and keep its hashes: the chain still verifies against each entry's stored content hash, and an entry
changed afterwards is still found."""

import importlib
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command

from journal import actions, chain
from journal.models import Case, JournalChainHead, JournalEntry

from .factories import make_case

NAME = "Гнатюк Олександра Павлівна"


def _verify_journal():
    out = StringIO()
    try:
        call_command("verify_journal", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue().strip()
    return 0, out.getvalue().strip()


def _case_with_personal_entries(world):
    case = make_case(world)
    coordinator = world.users["coordinator"]
    actions.correct_personal_data(case, by=coordinator, changes={"applicant_name": NAME}, reason="Описка в прізвищі")
    actions.add_note(case, by=coordinator, note=f"{NAME} просить дзвонити ввечері", fee_paid=Decimal("85"))
    case.refresh_from_db()
    return case


def test_journal_entries_of_an_anonymised_case_keep_hashes_not_the_removed_content(world, login):
    case = _case_with_personal_entries(world)
    other = make_case(world)
    assert actions.anonymise_cases(Case.objects.filter(pk=case.pk)) == 1
    case.refresh_from_db()
    assert case.applicant_name == actions.ANONYMISED_NAME and case.anonymised_at
    text = " ".join(chain.canonical(e.payload) for e in case.entries.all())
    assert NAME not in text and "Заявник" not in text and "Описка" not in text
    registered = case.entries.get(event=JournalEntry.REGISTERED)
    assert set(registered.removed) == {"applicant"} and "applicant" not in registered.salts
    # The register stays: numbers, dates and the fee paid.
    assert registered.payload["number"] == case.number
    assert case.entries.get(event=JournalEntry.NOTE).payload["fee_paid"] == "85.00"
    assert other.entries.get().payload["applicant"] == other.applicant_name
    assert chain.verify(world.a.pk).ok
    assert _verify_journal() == (0, f"ok entries={JournalEntry.objects.count()}")
    assert actions.anonymise_cases(Case.objects.filter(pk=case.pk)) == 0  # once is enough
    page = login(world.users["coordinator"]).get(f"/staff/journal/{case.pk}/").content.decode()
    assert "персональні дані видалено після строку зберігання" in page and NAME not in page


def test_an_entry_changed_after_its_data_was_removed_is_still_found(world):
    case = _case_with_personal_entries(world)
    actions.anonymise_cases(Case.objects.filter(pk=case.pk))
    registered = case.entries.get(event=JournalEntry.REGISTERED)
    JournalEntry.objects.filter(pk=registered.pk).update(payload={**registered.payload, "provider_due": "2099-01-01"})
    code, out = _verify_journal()
    assert code == 1 and out.startswith(f"broken at entry {registered.pk}: вміст запису змінено")
    JournalEntry.objects.filter(pk=registered.pk).update(payload=registered.payload)
    assert _verify_journal()[0] == 0
    # A removed value's hash swapped, or a removed value put back with a made-up salt: found too.
    JournalEntry.objects.filter(pk=registered.pk).update(removed={"applicant": "0" * 64})
    assert _verify_journal()[0] == 1
    JournalEntry.objects.filter(pk=registered.pk).update(
        removed={}, payload={**registered.payload, "applicant": "Інша Людина"},
        salts={**registered.salts, "applicant": "00"})
    assert _verify_journal()[0] == 1


def _make_legacy(community_id, tamper=False):
    """The chain as it was before content hashes: links over the whole payload, no salts."""
    prev = ""
    for e in JournalEntry.objects.filter(community_id=community_id).order_by("sequence"):
        link = chain.legacy_entry_hash(prev, e.payload, e.recorded_at, e.sequence)
        JournalEntry.objects.filter(pk=e.pk).update(hash=link, prev_hash=prev, content_hash="", salts={})
        prev = link
    JournalChainHead.objects.filter(community_id=community_id).update(last_hash=prev)
    if tamper:
        first = JournalEntry.objects.filter(community_id=community_id).order_by("sequence").first()
        JournalEntry.objects.filter(pk=first.pk).update(payload={**first.payload, "applicant": "Підмінено"})
        return first


def test_the_migration_rehashes_a_chain_that_verified_and_leaves_a_broken_one_as_it_was(world):
    make_case(world), make_case(world)
    make_case(world, community=world.b)
    _make_legacy(world.a.pk)
    tampered = _make_legacy(world.b.pk, tamper=True)
    assert chain.verify(world.a.pk).ok  # old entries still verify by the old formula
    before_b = list(JournalEntry.objects.filter(community=world.b).values_list("hash", flat=True))
    migration = importlib.import_module("journal.migrations.0008_content_hashes")
    migration.rehash(apps, None)
    assert chain.verify(world.a.pk).ok
    assert all(JournalEntry.objects.filter(community=world.a).values_list("content_hash", flat=True))
    assert list(JournalEntry.objects.filter(community=world.b).values_list("hash", flat=True)) == before_b
    assert chain.verify(world.b.pk).broken_at == tampered.pk
    # After the migration a new entry and the removal of data work on the re-hashed chain.
    case = Case.objects.filter(community=world.a).first()
    actions.add_note(case, by=None, note="після міграції")
    actions.anonymise_cases(Case.objects.filter(pk=case.pk))
    assert chain.verify(world.a.pk).ok


def test_an_anonymised_case_drops_where_and_to_whom_its_result_went(world):
    """The post address the person chose and gave, and who the result was handed to, are the person's data too."""
    from journal.models import Delivery

    coordinator = world.users["coordinator"]
    case = make_case(world)
    actions.choose_delivery(case, delivery=Delivery.POST, address="вул. Вишнева, 7, Вербівка", by=None)
    actions.hand_over(case, by=coordinator)
    actions.record_decision(case, by=coordinator, granted=True)
    actions.record_result(case, by=coordinator, delivery=Delivery.POST, tracking="0500123456789")
    assert actions.anonymise_cases(Case.objects.filter(pk=case.pk)) == 1
    case.refresh_from_db()
    assert case.delivery_address == "" and case.tracking_number == "0500123456789"
    text = " ".join(chain.canonical(e.payload) for e in case.entries.all())
    assert "Вишнева" not in text and "0500123456789" in text
    assert chain.verify(world.a.pk).ok

from io import StringIO

import pytest
from django.core.management import call_command

from journal import actions, chain
from journal.models import JournalChainHead, JournalEntry, JournalImmutable

from .factories import make_case


def _verify(*args):
    out = StringIO()
    try:
        call_command("verify_journal", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip()


def _three_entries(world):
    case = make_case(world)
    actions.hand_over(case, by=world.users["coordinator"])
    make_case(world)
    return list(JournalEntry.objects.filter(community=world.a).order_by("sequence"))


def test_each_entry_links_to_the_previous_one(world):
    first, second, third = _three_entries(world)
    assert first.prev_hash == "" and second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert first.hash == chain.entry_hash("", first.payload, first.recorded_at, 1, first.salts)
    assert first.content_hash == chain.content_hash(first.payload, first.salts) and set(first.salts) == set(first.payload)


def test_payloads_are_hashed_in_canonical_json():
    assert chain.canonical({"b": 1, "a": "Ґанок"}) == '{"a":"Ґанок","b":1}'


def test_communities_have_separate_chains(world):
    make_case(world)
    other = make_case(world, community=world.b)
    assert other.entries.get().sequence == 1 and other.entries.get().prev_hash == ""


def test_verify_journal_says_ok_with_the_number_of_entries(world):
    _three_entries(world)
    make_case(world, community=world.b)
    assert _verify() == (0, "ok entries=4")
    assert _verify("--community", "gromada-b") == (0, "ok entries=1")


def test_verify_journal_finds_a_changed_payload(world):
    _first, second, _third = _three_entries(world)
    JournalEntry.objects.filter(pk=second.pk).update(payload={**second.payload, "late": True})
    code, out = _verify()
    assert code == 1 and out.startswith(f"broken at entry {second.pk}: ")


def test_verify_journal_finds_a_recomputed_entry_by_its_broken_link(world):
    _first, second, third = _three_entries(world)
    payload = {**second.payload, "late": True}
    digest = chain.content_hash(payload, second.salts)
    forged = chain.link_hash(second.prev_hash, digest, second.recorded_at, second.sequence)
    JournalEntry.objects.filter(pk=second.pk).update(payload=payload, content_hash=digest, hash=forged)
    assert _verify() == (1, f"broken at entry {third.pk}: посилання на попередній запис не збігається")


def test_verify_journal_finds_a_removed_entry_and_a_cut_end(world):
    first, second, third = _three_entries(world)
    # The ORM refuses; raw SQL (someone with database access) is what the chain is for.
    with pytest.raises(JournalImmutable):
        second.delete()
    with pytest.raises(JournalImmutable):
        JournalEntry.objects.filter(pk=second.pk).delete()
    JournalEntry.objects.filter(pk=third.pk).update(sequence=99)
    code, out = _verify()
    assert code == 1 and out.startswith(f"broken at entry {third.pk}: очікувався номер 3")
    JournalEntry.objects.filter(pk=third.pk).update(sequence=3)
    JournalChainHead.objects.filter(community=world.a).update(last_sequence=2, last_hash=second.hash)
    code, out = _verify()
    assert code == 1 and out.startswith(f"broken at entry {third.pk}: голова ланцюга")


def test_an_entry_cannot_be_saved_again(world):
    entry = make_case(world).entries.get()
    entry.event = "something_else"
    with pytest.raises(JournalImmutable):
        entry.save()

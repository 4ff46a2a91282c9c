"""Issue 9, finding 5, reproduced: the obvious backup (`dumpdata` to JSON, `loaddata` back) cuts every
timestamp to milliseconds — Django's JSON encoder writes datetimes that way — so each journal entry's
time is no longer the one its hash covers, and `verify_journal` reports the journal as tampered with.
XML keeps the microseconds. Hence `manage.py backup` / `restore` (README, "Operations")."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from journal.models import Case, CaseFile, JournalChainHead, JournalEntry, JournalSequence
from journal.tests.factories import make_case

JOURNAL = (CaseFile, JournalEntry, JournalChainHead, Case, JournalSequence)


def _journal_with_microseconds(world):
    # Entries recorded at a moment with microseconds that are not whole milliseconds (a real clock's
    # moment is such a one 999 times out of 1000; the frozen test clock might not be).
    moment = timezone.now().replace(microsecond=123456)
    with time_machine.travel(moment, tick=False):
        make_case(world)
        make_case(world, service=world.svc_reg)
    assert JournalEntry.objects.count() >= 2


def _verify():
    out = io.StringIO()
    try:
        call_command("verify_journal", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def _dump_wipe_load(tmp_path, fmt):
    path = tmp_path / f"journal.{fmt}"
    call_command("dumpdata", "journal", format=fmt, output=str(path), verbosity=0)
    for model in JOURNAL:
        # Journal entries refuse deletion (append-only); a wiped database has none, as here.
        model.objects.all()._raw_delete(model.objects.db)
    call_command("loaddata", str(path), verbosity=0)


def test_dumpdata_to_json_and_loaddata_break_the_journal_chain(world, tmp_path):
    _journal_with_microseconds(world)
    assert _verify() == (0, f"ok entries={JournalEntry.objects.count()}\n")
    before = dict(JournalEntry.objects.values_list("pk", "recorded_at"))

    _dump_wipe_load(tmp_path, "json")

    after = dict(JournalEntry.objects.values_list("pk", "recorded_at"))
    assert after.keys() == before.keys()
    for pk, recorded_at in before.items():
        # Exactly what breaks: the microseconds are cut to milliseconds...
        assert recorded_at.microsecond == 123456
        assert after[pk] == recorded_at - datetime.timedelta(microseconds=456)
    # ... so the first entry's hash no longer matches what it covers: "tampering".
    code, out = _verify()
    assert code == 1
    assert "хеш не збігається" in out


@pytest.mark.parametrize("fmt", ["jsonl"])
def test_the_json_lines_format_cuts_the_same(world, tmp_path, fmt):
    _journal_with_microseconds(world)
    _dump_wipe_load(tmp_path, fmt)
    assert _verify()[0] == 1


def test_xml_keeps_the_microseconds_and_the_chain(world, tmp_path):
    _journal_with_microseconds(world)
    _dump_wipe_load(tmp_path, "xml")
    assert _verify()[0] == 0

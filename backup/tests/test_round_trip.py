"""Backup → wipe → restore gives back every row of every table (timestamps to the microsecond) and
every file byte for byte, and the journal's chain verifies; on SQLite and on PostgreSQL alike (the
suite runs on both: DATABASE_URL). The restore goes into the test run's own database, so parallel runs
never meet."""

import io
import shutil

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backup import files
from conftest import make_request
from field import attachments, documents
from field.tests.attachment_helpers import declare, jpeg_bytes, upload_all, visit_with_cases, webm_bytes
from field.tests.attachment_helpers import files as file_settings  # noqa: F401 - a fixture
from journal import actions as journal_actions
from journal.models import CaseFile, JournalEntry
from journal.tests.factories import make_case
from visits.models import VisitRequest

pytestmark = pytest.mark.django_db(transaction=True)


def rows():
    """Every row of every table, as the database returns it, table by table."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        out[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list(*fields))
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, applied FROM django_migrations ORDER BY id")
        out["django_migrations"] = cursor.fetchall()
    return out


def tree():
    """Every file of the media and uploads folders: {"media/…": bytes}."""
    return {f"{name}/{path}": (root / path).read_bytes()
            for name, root in files.roots().items() for path in files.walk(root)}


@pytest.fixture
def site(world, file_settings):  # noqa: F811
    """Requests, a journal with cases and its chains (times with microseconds), a photo, a video, an
    upload halfway through and the cases' PDFs."""
    with time_machine.travel(timezone.now().replace(microsecond=123457), tick=False):
        case = make_case(world)
        journal_actions.hand_over(case, by=world.users["coordinator"])
        make_case(world, community=world.b, by=world.b_coordinator)
    visit, cases = visit_with_cases(world)
    upload_all(declare(visit, jpeg_bytes(), service=cases[0].service), jpeg_bytes())
    upload_all(declare(visit, webm_bytes(5000), kind="video", content_type="video/webm"), webm_bytes(5000))
    halfway = declare(visit, jpeg_bytes((800, 600)), service=cases[1].service)
    attachments.receive_chunk(halfway, 0, jpeg_bytes((800, 600))[:1000])
    for c in cases:
        documents.build_case_files(c.pk)
    return world


def _run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def test_backup_wipe_and_restore_give_back_every_row_and_every_byte(site, tmp_path):
    before, before_files = rows(), tree()
    # What there is to lose: a chain, requests, PDFs, a photo, a video and a partial upload.
    assert JournalEntry.objects.count() >= 5 and VisitRequest.objects.count() >= 4
    assert CaseFile.objects.count() >= 2
    kinds = {path.split("/")[0] + ":" + path.rsplit(".", 1)[-1] for path in before_files}
    assert {"media:pdf", "media:jpg", "media:webm", "uploads:part"} <= kinds, kinds
    assert set(connection.introspection.table_names()) == set(before), "every table is compared"
    assert any(r.microsecond % 1000 for r in JournalEntry.objects.values_list("recorded_at", flat=True))

    out = _run("backup", str(tmp_path / "backup"))
    assert "backup ok" in out

    # Wiped: an empty database (Django's own bookkeeping only) and no files.
    call_command("flush", interactive=False, verbosity=0)
    for root in files.roots().values():
        shutil.rmtree(root)
    assert rows() != before and tree() == {}

    out = _run("restore", str(tmp_path / "backup"))
    assert "restore ok" in out
    assert f"ok entries={len(before['journal_journalentry'])}" in out.splitlines()[-1]

    after = rows()
    for table in before:
        assert after[table] == before[table], table
    assert tree() == before_files
    # The sequences came back too: a new row gets a new id.
    new = make_request(site, applicant_name="Після Відновлення")
    assert new.pk > max(pk for pk, *_rest in before["visits_visitrequest"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's online backup API; pg_dump is one snapshot by design")
def test_a_sqlite_backup_taken_while_another_connection_writes_is_consistent(tmp_path, settings):
    """The site runs on: rows written during the backup are either all in the copy up to a point, or not."""
    import sqlite3
    import threading
    import time

    from django.db import connections

    from backup.actions import make_backup
    from core.models import RateCounter

    settings.MEDIA_ROOT, settings.VALIZA_UPLOAD_TMP = tmp_path / "media", tmp_path / "uploads"
    written, stop = [], threading.Event()

    def writer():
        try:
            while not stop.is_set():
                RateCounter.objects.create(key=f"k{len(written):06d}", count=len(written), expires_at=timezone.now())
                written.append(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 50:
        time.sleep(0.01)
    make_backup(tmp_path / "backup")
    stop.set()
    thread.join()
    copy = sqlite3.connect(tmp_path / "backup" / "database.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    keys = [k for (k,) in copy.execute("SELECT key FROM core_ratecounter ORDER BY key")]
    copy.close()
    assert len(keys) >= 50 and keys == [f"k{i:06d}" for i in range(len(keys))]
    assert len(keys) <= len(written)

"""A restore checks everything before it touches anything, and says why it refuses; `--force` replaces a
site that holds data; a journal whose chain is broken fails the restore loudly."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from backup import files, manifest
from conftest import make_request
from journal.models import JournalEntry
from journal.tests.factories import make_case
from visits.models import VisitRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VALIZA_UPLOAD_TMP = tmp_path / "uploads"
    make_case(world)
    (tmp_path / "media" / "cases").mkdir(parents=True)
    (tmp_path / "media" / "cases" / "a.pdf").write_bytes(b"%PDF-1.7 the case")
    return world


@pytest.fixture
def backup_dir(site, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())
    return folder


def _restore(folder, *args):
    out = io.StringIO()
    call_command("restore", str(folder), *args, stdout=out)
    return out.getvalue()


def _edit_manifest(folder, change):
    data = json.loads((folder / manifest.NAME).read_text())
    change(data)
    (folder / manifest.NAME).write_text(json.dumps(data))


def _refused(folder, match, world, *args):
    """The restore refuses with `match`, and the site is as it was (a request added after the backup is
    still there, and so is a file)."""
    later = make_request(world, applicant_name="Після Копії")
    with pytest.raises(CommandError, match=match):
        _restore(folder, *args)
    assert VisitRequest.objects.filter(pk=later.pk).exists()
    assert (files.roots()["media"] / "cases" / "a.pdf").exists()


def test_a_database_that_holds_data_is_not_replaced_without_force(backup_dir, site):
    _refused(backup_dir, "не порожня.*--force", site)


def test_file_folders_that_hold_files_are_not_replaced_without_force(backup_dir):
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="Теки файлів не порожні.*media: 1.*--force"):
        _restore(backup_dir)


def test_force_replaces_the_database_and_the_files_with_the_backup(backup_dir, site):
    later = make_request(site, applicant_name="Після Копії")
    stray = files.roots()["media"] / "cases" / "later.pdf"
    stray.write_bytes(b"made after the backup")
    (files.roots()["media"] / "cases" / "a.pdf").write_bytes(b"changed after the backup")
    out = _restore(backup_dir, "--force")
    assert out.splitlines()[-1] == f"ok entries={JournalEntry.objects.count()}"
    assert not VisitRequest.objects.filter(pk=later.pk).exists()
    assert not stray.exists()
    assert (files.roots()["media"] / "cases" / "a.pdf").read_bytes() == b"%PDF-1.7 the case"


def test_a_changed_file_is_found_before_anything_is_touched(backup_dir, site):
    path = backup_dir / "media" / "cases" / "a.pdf"
    path.write_bytes(path.read_bytes().replace(b"case", b"cake"))
    _refused(backup_dir, "Копія пошкоджена.*media/cases/a.pdf", site, "--force")


def test_a_changed_database_copy_is_found_before_anything_is_touched(backup_dir, site):
    name = json.loads((backup_dir / manifest.NAME).read_text())["database"]["path"]
    with open(backup_dir / name, "r+b") as f:
        f.seek(-10, 2)
        f.write(b"xxxxxxxxxx")
    _refused(backup_dir, f"Копія пошкоджена.*{name}", site, "--force")


def test_a_missing_file_is_found_before_anything_is_touched(backup_dir, site):
    (backup_dir / "media" / "cases" / "a.pdf").unlink()
    _refused(backup_dir, "немає файлу", site, "--force")


def test_a_backup_of_newer_code_is_refused(backup_dir, site):
    _edit_manifest(backup_dir, lambda m: m["migrations"]["visits"].append("0099_from_the_future"))
    _refused(backup_dir, "новішою версією.*visits.0099_from_the_future", site, "--force")


def test_a_path_outside_the_backup_folders_is_refused(backup_dir, site):
    def escape(m):
        m["files"][0]["path"] = "media/../../../etc/cron.d/x"
    _edit_manifest(backup_dir, escape)
    _refused(backup_dir, "неприпустимий шлях", site, "--force")


def test_a_backup_of_another_database_engine_is_refused(backup_dir, site):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    _edit_manifest(backup_dir, lambda m: m["database"].update(engine=other))
    _refused(backup_dir, f"з бази {other}", site, "--force")


def test_an_unfinished_backup_without_a_manifest_is_refused(backup_dir, site):
    (backup_dir / manifest.NAME).unlink()
    _refused(backup_dir, "немає manifest.json", site, "--force")


def test_check_only_checks(backup_dir, site):
    later = make_request(site, applicant_name="Після Копії")
    assert _restore(backup_dir, "--check").startswith("backup ok: created_at=")
    assert VisitRequest.objects.filter(pk=later.pk).exists()


def test_a_broken_journal_chain_fails_the_restore_loudly(site, tmp_path):
    entry = JournalEntry.objects.order_by("pk").first()
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    with connection.cursor() as cursor:  # past the model, which refuses to change an entry
        cursor.execute(f"UPDATE {table} SET payload = %s WHERE id = %s",
                       [json.dumps({**entry.payload, "case": "forged"}), entry.pk])
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="ланцюг журналу зламано.*broken at entry"):
        _restore(tmp_path / "backup", "--force")


def test_a_backup_goes_into_a_new_or_empty_folder_only(site, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(CommandError, match="не порожня"):
        call_command("backup", str(tmp_path / "used"), stdout=io.StringIO())


def test_a_backup_of_older_code_is_restored_and_migrated_forward(site, tmp_path):
    """A backup made before a migration (here: core's rate counters) is restored, migrated, verified."""
    from django.db.migrations.recorder import MigrationRecorder

    try:
        call_command("migrate", "core", "zero", verbosity=0)
        assert "core_ratecounter" not in connection.introspection.table_names()
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
        call_command("migrate", verbosity=0)
        make_request(site, applicant_name="Після Копії")
        out = _restore(tmp_path / "backup", "--force")
    finally:
        call_command("migrate", verbosity=0)  # whatever happened, the next test gets the whole schema
    assert "migrated" in out and out.splitlines()[-1].startswith("ok entries=")
    assert "core_ratecounter" in connection.introspection.table_names()
    assert MigrationRecorder.Migration.objects.filter(app="core", name="0002_rate_counter").exists()
    assert not VisitRequest.objects.filter(applicant_name="Після Копії").exists()

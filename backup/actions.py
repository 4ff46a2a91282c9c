"""Backup and restore of a whole site: the database, the media and the uploads in progress, with a
manifest of checksums (README, "Operations"). The commands `backup` and `restore` call these.

A restore checks everything before it changes anything: the manifest, every file's SHA-256, that
the copy is of this database engine, that its migrations are all known to this code, and that the
database and the file folders are empty (or `force`). Then the database, then the files; migrations
the code has and the copy has not are applied; last, the journal's hash chains are verified and a
broken one fails the restore loudly.
"""

import datetime
import io
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from . import databases, files, manifest
from .manifest import BackupError


@dataclass
class Summary:
    database_bytes: int
    files: int
    files_bytes: int
    seconds: float
    journal: str = ""  # verify_journal's line after a restore
    migrated: bool = False


def _commit():
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                                timeout=10, check=False)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def make_backup(folder, *, log=lambda line: None):
    """Write a backup of the site into `folder` (new, or empty). The database first (one consistent
    copy), then the files; the manifest last."""
    started = time.monotonic()
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(_("Тека %(folder)s вже існує і не порожня: оберіть нову теку для копії.") % {"folder": folder})
    folder.mkdir(parents=True, exist_ok=True)
    created_at = datetime.datetime.now(datetime.UTC)
    engine = databases.engine()
    database = folder / engine.path
    log(_("База даних (%(engine)s)…") % {"engine": engine.name})
    details = engine.dump(database)
    size, digest = manifest.sha256_of(database)
    applied = {}
    for app, name in engine.migrations(database):
        applied.setdefault(app, []).append(name)
    log(_("Файли…"))
    entries = files.copy_out(folder)
    manifest.write(folder, {
        "format": manifest.FORMAT, "format_version": manifest.FORMAT_VERSION,
        "created_at": created_at.isoformat(timespec="microseconds"),
        "valiza": {"commit": _commit(), "django": django.get_version()},
        "database": {"engine": engine.name, "path": engine.path, "size": size, "sha256": digest, **details},
        "migrations": applied,
        "files": entries,
    })
    return Summary(size, len(entries), sum(e["size"] for e in entries), time.monotonic() - started)


def _unknown_migrations(applied):
    """Migrations the backup has applied that this code does not have: the backup is of newer code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, names in applied.items() for name in names if (app, name) not in known)


def check_backup(folder):
    """The manifest of the backup in `folder` once everything in it is checked; BackupError otherwise."""
    data = manifest.read(folder)
    engine = databases.engine()
    if data["database"].get("engine") != engine.name or data["database"]["path"] != engine.path:
        raise BackupError(_("Копію зроблено з бази %(theirs)s, а тут %(ours)s: її можна відновити лише в таку саму.")
                          % {"theirs": data["database"].get("engine"), "ours": engine.name})
    unknown = _unknown_migrations(data["migrations"])
    if unknown:
        raise BackupError(_("Копію зроблено новішою версією Валізи: цей код не знає міграцій %(names)s. Оновіть "
                            "код до версії, з якої зроблено копію (%(commit)s), і відновіть знову.")
                          % {"names": ", ".join(unknown[:10]), "commit": (data.get("valiza") or {}).get("commit") or "?"})
    manifest.check_files(folder, data)
    return data


def _verify_journal():
    out = io.StringIO()
    try:
        call_command("verify_journal", stdout=out)
    except SystemExit:
        raise BackupError(_("Відновлено, але ланцюг журналу зламано — копії не можна довіряти: %(line)s")
                          % {"line": out.getvalue().strip()}) from None
    return out.getvalue().strip()


def restore_backup(folder, *, force=False, log=lambda line: None):
    """Put the backup in `folder` in place of this site's database and files."""
    started = time.monotonic()
    folder = Path(folder)
    log(_("Перевірка копії (перелік, контрольні суми, міграції)…"))
    data = check_backup(folder)
    engine = databases.engine()
    engine.prepare()
    if not force:
        table = databases.table_with_data()
        if table:
            raise BackupError(_("База даних не порожня (наприклад, таблиця %(table)s). Відновлення замінить усе, що в "
                                "ній є: якщо саме це потрібно, запустіть з --force.") % {"table": table})
        present = files.files_present()
        if present:
            raise BackupError(_("Теки файлів не порожні (%(trees)s). Відновлення замінить їх уміст: якщо саме це "
                                "потрібно, запустіть з --force.")
                              % {"trees": ", ".join(f"{name}: {n}" for name, n in sorted(present.items()))})
    log(_("База даних…"))
    engine.restore(folder / data["database"]["path"])
    log(_("Файли…"))
    count, size = files.copy_in(folder, data["files"], force=force)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        log(_("Міграції, новіші за копію (%(n)d)…") % {"n": len(pending)})
        call_command("migrate", interactive=False, verbosity=0)
    connection.close()
    ContentType.objects.clear_cache()  # ids cached from the database that was replaced
    journal = _verify_journal()
    return Summary(data["database"]["size"], count, size, time.monotonic() - started, journal, bool(pending))

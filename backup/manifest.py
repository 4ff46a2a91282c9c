"""A backup's manifest (`manifest.json`): what the backup holds and each file's SHA-256, so that a
restore can check every byte before it touches anything.

{"format": "valiza-backup", "format_version": 1, "created_at": "<UTC ISO 8601>",
 "valiza": {"commit": "<git commit or empty>", "django": "5.2.x"},
 "database": {"engine": "sqlite"|"postgresql", "path": "database.sqlite3", "size": n, "sha256": "…", …},
 "migrations": {"<app>": ["0001_initial", …]},            # applied when the backup was made
 "files": [{"path": "media/cases/2026/12/x.pdf", "size": n, "sha256": "…"}, …]}
"""

import hashlib
import json
import os
import posixpath
from pathlib import Path

from django.utils.translation import gettext as _

FORMAT = "valiza-backup"
FORMAT_VERSION = 1
NAME = "manifest.json"
CHUNK = 1024 * 1024
# Where the copies of the file trees live inside a backup (backup.files.ROOTS).
TREES = ("media", "uploads")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the system administrator."""


def sha256_of(path):
    """(size, SHA-256 hex) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def copy_hashed(source, target):
    """Copy `source` to `target` (a new file, flushed to disk) and return (size, SHA-256) of what was
    written, so the manifest describes the copy, not the original as it may have changed since."""
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(target, "xb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return size, digest.hexdigest()


def safe_path(path):
    """`path` if it names a file inside the backup ("media/…", "uploads/…" or the database file),
    else BackupError: a changed manifest must never make a restore write outside its folders."""
    if (not isinstance(path, str) or not path or "\\" in path or "\x00" in path or path.startswith("/")
            or posixpath.normpath(path) != path or path.split("/")[0] in ("", ".", "..")):
        raise BackupError(_("У переліку файлів копії є неприпустимий шлях: %(path)r.") % {"path": path})
    return path


def write(folder, manifest):
    """Write the manifest last, in one step (a backup without one is unfinished and is never restored)."""
    folder = Path(folder)
    part = folder / (NAME + ".part")
    part.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    with open(part, "rb") as f:
        os.fsync(f.fileno())
    os.replace(part, folder / NAME)


def read(folder):
    """The manifest of the backup in `folder`, its shape checked; BackupError if it is not one."""
    path = Path(folder) / NAME
    if not path.is_file():
        raise BackupError(_("У теці %(folder)s немає %(name)s: це не резервна копія Валізи або її створення "
                            "не завершилося.") % {"folder": folder, "name": NAME})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("%(name)s пошкоджено: %(error)s") % {"name": NAME, "error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(name)s не є переліком резервної копії Валізи.") % {"name": NAME})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Копію зроблено у форматі %(got)r, а цей код читає формат %(want)d.")
                          % {"got": manifest.get("format_version"), "want": FORMAT_VERSION})
    database, files, migrations = manifest.get("database"), manifest.get("files"), manifest.get("migrations")
    if (not isinstance(database, dict) or not isinstance(files, list) or not isinstance(migrations, dict)
            or not all(isinstance(v, list) for v in migrations.values())):
        raise BackupError(_("%(name)s неповний: немає опису бази даних, файлів або міграцій.") % {"name": NAME})
    for entry in [database, *files]:
        if not isinstance(entry, dict) or not {"path", "size", "sha256"} <= set(entry):
            raise BackupError(_("%(name)s пошкоджено: запис без шляху, розміру або контрольної суми.") % {"name": NAME})
        safe_path(entry["path"])
    for entry in files:
        if entry["path"].split("/")[0] not in TREES:
            raise BackupError(_("У переліку файлів копії є неприпустимий шлях: %(path)r.") % {"path": entry["path"]})
    return manifest


def check_files(folder, manifest):
    """Every file the manifest lists is in `folder` with its size and SHA-256; BackupError naming the
    first few that are not. Reads every byte."""
    folder = Path(folder)
    problems = []
    for entry in [manifest["database"], *manifest["files"]]:
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(_("%(path)s: немає файлу") % {"path": entry["path"]})
            continue
        size, digest = sha256_of(path)
        if size != entry["size"] or digest != entry["sha256"]:
            problems.append(_("%(path)s: вміст не збігається з переліком (розмір %(size)d замість %(want)d або "
                              "інша контрольна сума)") % {"path": entry["path"], "size": size, "want": entry["size"]})
    if problems:
        shown = "; ".join(problems[:5]) + (_(" і ще %(n)d") % {"n": len(problems) - 5} if len(problems) > 5 else "")
        raise BackupError(_("Копія пошкоджена, нічого не відновлено: %(problems)s.") % {"problems": shown})

"""The file trees a backup holds besides the database, and copying them out and back.

- `media` — MEDIA_ROOT: photos and videos from the field, the cases' PDFs (inventory, photos), acts.
- `uploads` — VALIZA_UPLOAD_TMP: photos and videos still arriving from a laptop (`<uuid>.part`). Kept:
  the database says how many bytes of each have arrived (`Attachment.received`), and a laptop resumes
  from there after a restore. They are copied after the database, so each holds at least the bytes
  the database counts (field/attachments.py cuts a longer one back to `received`).

With object storage (VALIZA_STORAGE=s3, ADR 11) neither tree is on this machine: the files, and the
chunks of uploads in progress, are objects in the bucket, which the object store keeps itself
(versioning, replication — README, "Production"). A backup then holds the database only, and a
restore refuses a backup with files rather than put them where the application does not look.
"""

import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .manifest import BackupError, copy_hashed, safe_path


def roots():
    """{name in the backup: folder on this machine}; none when the files live in object storage."""
    if settings.VALIZA_STORAGE != "filesystem":
        return {}
    return {"media": Path(settings.MEDIA_ROOT), "uploads": Path(settings.VALIZA_UPLOAD_TMP)}


def walk(root, *, skip=()):
    """Relative POSIX paths of the regular files under `root` (none if it does not exist), sorted.
    Folders in `skip` (another tree nested inside this one) are left out."""
    root = Path(root)
    if not root.is_dir():
        return []
    skip = {Path(s).resolve() for s in skip}
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if (Path(folder) / d).resolve() not in skip)
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def _trees():
    """(name, root, relative paths) for each tree; a tree nested inside another is counted once."""
    trees = roots()
    out = []
    for name, root in trees.items():
        nested = [other for key, other in trees.items() if key != name and root.resolve() in other.resolve().parents]
        out.append((name, root, walk(root, skip=nested)))
    return out


def copy_out(folder):
    """Copy every file of every tree into `folder`/<tree>/…; the manifest's entries of what was copied."""
    entries = []
    for name, root, paths in _trees():
        for relative in paths:
            target = Path(folder) / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                size, digest = copy_hashed(root / relative, target)
            except FileNotFoundError:
                continue  # deleted while we copied (a video past its keeping time): not in the backup
            entries.append({"path": f"{name}/{relative}", "size": size, "sha256": digest})
    return entries


def files_present():
    """{tree: number of files} of the trees on this machine that are not empty."""
    return {name: len(paths) for name, _root, paths in _trees() if paths}


def copy_in(folder, entries, *, force):
    """Put the backup's files in place. With `force`, files of the trees that the backup does not hold
    are deleted first: the trees then hold exactly what the backup does. Returns (files, bytes)."""
    trees = roots()
    wanted = {name: set() for name in trees}
    for entry in entries:
        name, relative = safe_path(entry["path"]).split("/", 1)
        if name not in wanted:
            raise BackupError(_("Ця копія містить файли (%(tree)s), а файли цього сервера зберігаються в "
                                "об’єктному сховищі S3: відновіть копію на сервері з файлами на диску "
                                "(VALIZA_STORAGE=filesystem) або перенесіть файли в сховище окремо.")
                              % {"tree": name})
        wanted[name].add(relative)
    if force:
        for name, root, paths in _trees():
            for relative in paths:
                if relative not in wanted[name]:
                    (root / relative).unlink()
    count = size = 0
    for entry in entries:
        name, relative = entry["path"].split("/", 1)
        target = trees[name] / relative
        if trees[name].resolve() not in target.resolve().parents:
            raise BackupError(_("Файл %(path)s опинився б поза своєю текою.") % {"path": entry["path"]})
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".restoring")
        part.unlink(missing_ok=True)
        written, digest = copy_hashed(Path(folder) / entry["path"], part)
        if (written, digest) != (entry["size"], entry["sha256"]):
            part.unlink()
            raise BackupError(_("Файл %(path)s змінився під час відновлення.") % {"path": entry["path"]})
        os.replace(part, target)
        count, size = count + 1, size + written
    return count, size

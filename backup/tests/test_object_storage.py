"""With files in object storage (VALIZA_STORAGE=s3, ADR 11) the machine holds no file tree: a backup
copies none (the bucket is kept by the storage), and a backup that holds files is not restored where
nothing would read them."""

import pytest

from backup import files
from backup.manifest import BackupError


def test_with_object_storage_no_local_tree_is_backed_up_or_restored(settings, tmp_path):
    settings.MEDIA_ROOT, settings.VALIZA_UPLOAD_TMP = tmp_path / "media", tmp_path / "uploads"
    (tmp_path / "media" / "field").mkdir(parents=True)
    (tmp_path / "media" / "field" / "a.jpg").write_bytes(b"left from before")
    assert files.files_present() == {"media": 1}
    settings.VALIZA_STORAGE = "s3"
    assert files.roots() == {} and files.files_present() == {}
    assert files.copy_out(tmp_path / "backup") == []
    entry = {"path": "media/field/a.jpg", "size": 16, "sha256": "0" * 64}
    with pytest.raises(BackupError, match="об’єктному сховищі S3"):
        files.copy_in(tmp_path / "backup", [entry], force=True)
    assert (tmp_path / "media" / "field" / "a.jpg").read_bytes() == b"left from before"  # nothing touched
    assert files.copy_in(tmp_path / "backup", [], force=True) == (0, 0)  # a database-only backup restores

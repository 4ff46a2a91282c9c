"""Where the field client's uploads live while they arrive.

The bytes of an upload in progress are kept in VALIZA_UPLOAD_TMP/<attachment uuid>.part, on local
disk so that they survive a restart; once complete and checked they move to the attachment's
FileField (default storage, `field/<year>/<month>/`).
"""

from pathlib import Path

from django.conf import settings


def part_path(att_id):
    return Path(settings.VALIZA_UPLOAD_TMP) / f"{att_id}.part"


def part_size(att_id):
    """How many bytes of the upload are on disk (0 before the first chunk)."""
    try:
        return part_path(att_id).stat().st_size
    except FileNotFoundError:
        return 0

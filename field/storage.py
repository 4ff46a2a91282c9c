"""Where the field client's uploads live while they arrive.

With filesystem storage (the embedded default) the bytes of an upload in progress are kept in
VALIZA_UPLOAD_TMP/<attachment uuid>.part, on local disk so that they survive a restart.

With object storage (VALIZA_STORAGE=s3, ADR 11) several app servers take the chunks of one upload, so a
chunk cannot wait on one server's disk: each is an object of its own in the default storage,
`uploads/<attachment uuid>/<offset>-<length>`. How far the upload got is read from the names: the chain
of chunks that starts at 0 and goes on without a gap (one LIST request, no HEAD per chunk). A chunk
that starts anywhere else (left from a crashed attempt) is not counted, and goes with the rest when the
upload is finished or discarded.

Once complete and checked the bytes move to the attachment's FileField (default storage,
`field/<year>/<month>/`).
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

CHUNK_FOLDER = "uploads"
_CHUNK_NAME = re.compile(r"(?P<offset>\d{13})-(?P<length>\d{1,13})")


def shared():
    """True when uploads in progress are objects in the shared storage, not files on this server."""
    return settings.VALIZA_STORAGE != "filesystem"


def part_path(att_id):
    return Path(settings.VALIZA_UPLOAD_TMP) / f"{att_id}.part"


def part_size(att_id):
    """How many bytes of the upload are stored (0 before the first chunk)."""
    if shared():
        return sum(length for _offset, length, _name in chunks(att_id))
    try:
        return part_path(att_id).stat().st_size
    except FileNotFoundError:
        return 0


def _folder(att_id):
    return f"{CHUNK_FOLDER}/{att_id}"


def _names(att_id):
    try:
        return default_storage.listdir(_folder(att_id))[1]
    except FileNotFoundError:  # a filesystem storage without the folder
        return []


def chunks(att_id):
    """[(offset, length, name)] of the stored chunks that make the file from byte 0 on without a gap."""
    longest = {}
    for name in _names(att_id):
        match = _CHUNK_NAME.fullmatch(name)
        if match is None:
            continue
        offset, length = int(match["offset"]), int(match["length"])
        if length > 0 and length > longest.get(offset, 0):
            longest[offset] = length
    chain, at = [], 0
    while at in longest:
        chain.append((at, longest[at], f"{_folder(att_id)}/{at:013d}-{longest[at]}"))
        at += longest[at]
    return chain


def save_chunk(att_id, offset, data):
    """Store one chunk as an object of its own. The same chunk sent twice is the same bytes: kept once."""
    name = f"{_folder(att_id)}/{offset:013d}-{len(data)}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def read_chunks(att_id, chain, out):
    """Write the chunks of `chain` into the open file `out`, in order."""
    for _offset, _length, name in chain:
        with default_storage.open(name, "rb") as chunk:
            for block in iter(lambda c=chunk: c.read(1024 * 1024), b""):
                out.write(block)


def discard(att_id):
    """Forget every byte of the upload in progress (a finished, rejected or purged upload)."""
    part_path(att_id).unlink(missing_ok=True)
    if shared():
        for name in _names(att_id):
            default_storage.delete(f"{_folder(att_id)}/{name}")

"""Photos and videos from the field client: declared by a sync item, then uploaded in chunks.

Owned by the attachments work (ADR 7); field/sync/attachment.py calls `declare`, field/api_uploads.py calls
`upload_status` and `receive_chunk`.

The bytes of an upload in progress live in a .part file (field/storage.py). The row's `received`
is the truth about how far the upload got: the .part file may hold more bytes than that if the
server died between writing them and saving `received`, so every chunk first cuts the file back to
`received` and a re-sent chunk never duplicates bytes.
Chunks of one attachment are written under an exclusive lock on its .part file, and `received`
moves by compare-and-swap, so two requests racing the same chunk cannot both append it.

With object storage (VALIZA_STORAGE=s3, ADR 11) each chunk is an object of its own and the next one may
reach another app server: the lock is then the attachment's database row (SELECT … FOR UPDATE), held
while one chunk is stored, and the finished file is put together from the chunks in order, checked and
saved; then the chunks are deleted.
"""

import datetime
import fcntl
import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import storage, tasks
from .models import Attachment
from .storage import part_path, part_size

SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")

# Photo formats we accept: Pillow's format name -> the content types a browser may call it.
PHOTO_FORMATS = {
    "JPEG": {"image/jpeg", "image/jpg", "image/pjpeg"},
    "PNG": {"image/png"},
    "WEBP": {"image/webp"},
    "HEIF": {"image/heic", "image/heif"},  # only when a HEIF plugin (pillow-heif) is installed
}
PHOTO_EXT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
# Videos: what the browser's MediaRecorder makes (WebM) or a phone camera (MP4 / QuickTime).
VIDEO_TYPES = {"webm": {"video/webm", "video/x-matroska"}, "mp4": {"video/mp4", "video/quicktime"}}
VIDEO_EXT = {"webm": ".webm", "mp4": ".mp4"}


class AttachmentError(ValueError):
    """Bad attachment metadata; the message is for the field administrator."""


class UploadError(Exception):
    """A chunk the server does not take: HTTP `status` and a message in Ukrainian. Nothing changed."""

    def __init__(self, status, message, attachment=None):
        super().__init__(message)
        self.status, self.message, self.attachment = status, message, attachment


def _base_type(content_type):
    # "video/webm;codecs=vp8,opus" -> "video/webm"
    return (content_type or "").split(";", 1)[0].strip().lower()


def declare(visit, data, *, user, device, service=None, taken_at=None):
    """Record that the device holds a file for `visit` and will upload it; idempotent by id."""
    existing = Attachment.objects.filter(pk=data["attachment_id"]).first()
    if existing is not None:
        if existing.visit_id != visit.pk or existing.sha256 != str(data["sha256"]).lower() \
                or existing.size != data["size"]:
            raise AttachmentError(_("Файл з таким ідентифікатором уже надіслано для іншого візиту."))
        return existing
    kind = data["kind"]
    if kind not in Attachment.Kind.values:
        raise AttachmentError(_("Невідомий вид файлу: можна фото або відео."))
    if not isinstance(data["size"], int) or isinstance(data["size"], bool) or data["size"] <= 0:
        raise AttachmentError(_("Файл порожній або його розмір вказано неправильно."))
    if not SHA256_RE.match(str(data["sha256"])):
        raise AttachmentError(_("Контрольну суму файлу вказано неправильно."))
    prefix = "video/" if kind == Attachment.Kind.VIDEO else "image/"
    if not _base_type(data.get("content_type")).startswith(prefix):
        raise AttachmentError(_("Тип файлу не відповідає його виду: фото має бути зображенням, відео — відеозаписом."))
    limit = settings.VALIZA_FIELD_VIDEO_MAX_BYTES if kind == Attachment.Kind.VIDEO else settings.VALIZA_FIELD_PHOTO_MAX_BYTES
    if data["size"] > limit:
        raise AttachmentError(_("Файл завеликий: %(mb).1f МБ, можна до %(max).0f МБ.")
                              % {"mb": data["size"] / 2**20, "max": limit / 2**20})
    return Attachment.objects.create(
        id=data["attachment_id"], community_id=visit.community_id, visit=visit, service=service,
        kind=kind, content_type=data["content_type"][:100], size=data["size"], sha256=data["sha256"].lower(),
        taken_at=taken_at, created_at=timezone.now(), uploaded_by=user, device=device,
        # Known from the start, so a video that never finishes uploading is purged all the same.
        keep_until=video_keep_until(visit) if kind == Attachment.Kind.VIDEO else None,
    )


# -- upload -------------------------------------------------------------------------------------

def status(att):
    """What the client needs to resume: how many bytes the server holds, and the state."""
    received = att.received
    if att.state == Attachment.State.UPLOADING:
        received = min(att.size, part_size(att.pk))
    return {"received": received, "size": att.size, "state": att.state, "reason": att.reason}


def find_for_upload(att_id, *, user):
    """The attachment `user` may upload to from an admitted device (field/api.py checks the token):
    an unknown id, another community's or another person's attachment -> 404 alike."""
    att = None
    if user.community_id:
        att = next(iter(Attachment.objects.select_related("device")
                        .filter(pk=att_id, community_id=user.community_id, uploaded_by=user)), None)
    if att is None:
        raise UploadError(404, _("Такого файлу немає: можливо, дію з ним ще не синхронізовано."))
    # The device that declared the file is the one that holds it; if it was revoked, another
    # device of the same person must not open the door again.
    if att.device is not None and att.device.revoked_at is not None:
        raise UploadError(403, _revoked_message(att.device))
    return att


def _revoked_message(device):
    message = _("Доступ цього пристрою відкликав координатор, тому файли з нього більше не приймаються. "
                "Не видаляйте нічого з ноутбука і зателефонуйте координатору.")
    if device.revoke_reason:
        message += " " + _("Причина: %(reason)s") % {"reason": device.revoke_reason}
    return message


@contextmanager
def _locked_part(att_id):
    """The .part file, opened for writing and locked against every other writer of it."""
    path = part_path(att_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield f
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _check_chunk(att, have, offset, data):
    """The chunk must start where the server's bytes end and must not pass the declared size."""
    if offset != have:
        raise UploadError(409, _("Сервер уже має %(n)d байт цього файлу; продовжуйте з цього місця.")
                          % {"n": have}, att)
    if offset + len(data) > att.size:
        raise UploadError(400, _("Файл більший, ніж було заявлено (%(size)d байт). Надішліть його ще раз.")
                          % {"size": att.size}, att)


def receive_chunk(att, offset, data, *, today=None):
    """Append one chunk at `offset`; when the last byte is in, check the file and keep it.

    Returns the attachment (reloaded). Raises UploadError: 409 when `offset` is not where the
    server is (the client resumes from `received`), 400 for bytes past the declared size.
    """
    limit = settings.VALIZA_FIELD_CHUNK_BYTES
    if len(data) > limit:
        raise UploadError(413, _("Частина файлу завелика: можна до %(kb)d КБ за раз.") % {"kb": limit // 1024})
    if offset < 0:
        raise UploadError(400, _("Неправильне місце у файлі (offset)."))
    if att.state in (Attachment.State.COMPLETE, Attachment.State.PURGED):
        return att  # a replay of a finished upload: nothing changes (and no empty .part is made)
    if storage.shared():
        return _receive_shared(att, offset, data, today=today)
    # The .part file is the truth of how many bytes arrived: a chunk writes no database row (the
    # day's actions are being written at the same time), only the finished file does. A crash
    # mid-write leaves a prefix of the chunk, which is still the right bytes at the right place.
    with _locked_part(att.pk) as part:
        row = Attachment.objects.filter(pk=att.pk).values("state", "received", "reason").get()
        att.state, att.received, att.reason = row["state"], row["received"], row["reason"]
        if att.state in (Attachment.State.COMPLETE, Attachment.State.PURGED):
            return att  # a replay of a finished upload: nothing changes
        if att.state == Attachment.State.REJECTED:
            if offset != 0:
                raise UploadError(409, _("Файл відхилено; надішліть його ще раз з початку."), att)
            _restart(att, part)
        have = os.fstat(part.fileno()).st_size
        if have > att.size:
            part.truncate(0)  # cannot happen by this code; never keep more than was declared
            have = 0
        att.received = have
        if have == att.size:
            # Everything arrived earlier, but the check never ran (the server stopped in between).
            return _finish(att, part, today=today)
        _check_chunk(att, have, offset, data)
        part.seek(have)
        part.write(data)
        # No fsync per chunk: if the machine loses the bytes, the .part comes back short (the client
        # resumes from there) or fails the hash (rejected, sent again); the whole file is synced at the end.
        part.flush()
        att.received = have + len(data)
        if att.received == att.size:
            return _finish(att, part, today=today)
        return att


def _receive_shared(att, offset, data, *, today=None):
    """receive_chunk with the upload's chunks in the shared storage: any app server may take any chunk."""
    with transaction.atomic():
        # The row lock stands in for the .part file's lock: one chunk of an attachment at a time,
        # whichever server it reached.
        row = Attachment.objects.select_for_update().filter(pk=att.pk).values("state", "received", "reason").get()
        att.state, att.received, att.reason = row["state"], row["received"], row["reason"]
        if att.state in (Attachment.State.COMPLETE, Attachment.State.PURGED):
            return att  # a replay of a finished upload: nothing changes
        if att.state == Attachment.State.REJECTED:
            if offset != 0:
                raise UploadError(409, _("Файл відхилено; надішліть його ще раз з початку."), att)
            _restart(att, None)
        chain = storage.chunks(att.pk)
        have = sum(length for _offset, length, _name in chain)
        if have > att.size:
            storage.discard(att.pk)  # cannot happen by this code; never keep more than was declared
            chain, have = [], 0
        att.received = have
        if have == att.size:
            return _finish_shared(att, chain, today=today)
        _check_chunk(att, have, offset, data)
        if data:
            name = storage.save_chunk(att.pk, offset, data)
            chain.append((offset, len(data), name))
        att.received = have + len(data)
        if att.received == att.size:
            return _finish_shared(att, chain, today=today)
        return att


def _finish_shared(att, chain, *, today=None):
    """The chunks, in order, into one local file for the checks; then the usual finish."""
    folder = Path(settings.VALIZA_UPLOAD_TMP)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f"{att.pk}.", suffix=".assembling") as whole:
        storage.read_chunks(att.pk, chain, whole)
        whole.flush()
        done = _finish(att, whole, today=today, path=Path(whole.name))
    if done.state == Attachment.State.COMPLETE:
        storage.discard(att.pk)
    return done


def _restart(att, part):
    if part is not None:
        part.truncate(0)
    if storage.shared():
        storage.discard(att.pk)
    Attachment.objects.filter(pk=att.pk).update(received=0, state=Attachment.State.UPLOADING, reason="")
    att.refresh_from_db()


def _reject(att, part, reason):
    """The bytes are not what was declared: drop them; the client may send the file again from 0."""
    part.truncate(0)
    if storage.shared():
        storage.discard(att.pk)
    Attachment.objects.filter(pk=att.pk).update(received=0, state=Attachment.State.REJECTED, reason=reason[:300])
    att.refresh_from_db()
    return att


def _sha256(f):
    f.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: f.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def _check_photo(path, content_type):
    """(extension, None) for a real image of an allowed format, or (None, reason)."""
    from PIL import Image, UnidentifiedImageError

    Image.init()
    try:
        with Image.open(path) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None, _("Це не фото або файл пошкоджено: його не вдалося відкрити як зображення.")
    except Exception:  # noqa: BLE001 - a broken file can make a decoder raise almost anything
        return None, _("Фото пошкоджене: його не вдалося прочитати.")
    if fmt not in PHOTO_FORMATS or fmt not in Image.OPEN:
        return None, _("Такий формат фото не приймається; зніміть у JPEG, PNG або WebP.")
    if _base_type(content_type) not in PHOTO_FORMATS[fmt]:
        return None, _("Файл не того типу, що заявлено: це %(fmt)s, а не %(declared)s.") % {
            "fmt": fmt, "declared": _base_type(content_type)}
    return PHOTO_EXT[fmt], None


def _check_video(f, content_type):
    f.seek(0)
    head = f.read(12)
    if head[:4] == b"\x1a\x45\xdf\xa3":
        container = "webm"
    elif head[4:8] == b"ftyp":
        container = "mp4"
    else:
        return None, _("Це не відеозапис або файл пошкоджено.")
    if _base_type(content_type) not in VIDEO_TYPES[container]:
        return None, _("Файл не того типу, що заявлено (%(declared)s).") % {"declared": _base_type(content_type)}
    return VIDEO_EXT[container], None


class _PartFile(File):
    """Lets FileSystemStorage move the finished .part file into place instead of copying it."""

    def temporary_file_path(self):
        return self.name


def _finish(att, part, *, today=None, path=None):
    os.fsync(part.fileno())
    if _sha256(part) != att.sha256:
        return _reject(att, part, _("Файл пошкодився під час передавання (контрольна сума не збігається). "
                                    "Його буде надіслано ще раз."))
    own_part = path is None  # the .part file, not a file the caller made and deletes itself
    path = path or part_path(att.pk)
    if att.kind == Attachment.Kind.PHOTO:
        ext, reason = _check_photo(path, att.content_type)
    else:
        ext, reason = _check_video(part, att.content_type)
    if reason:
        return _reject(att, part, reason)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().select_related("visit__stop__trip").get(pk=att.pk)
        if locked.state != Attachment.State.UPLOADING:
            return locked
        with open(path, "rb") as source:
            locked.file.save(f"{locked.pk}{ext}", _PartFile(source, name=str(path)), save=False)
        locked.state, locked.completed_at, locked.reason = Attachment.State.COMPLETE, timezone.now(), ""
        locked.received = locked.size
        if locked.kind == Attachment.Kind.VIDEO:
            locked.keep_until = video_keep_until(locked.visit)
        locked.save(update_fields=["file", "state", "completed_at", "reason", "keep_until", "received"])
        _after_complete(locked)
    if own_part and path.exists():  # a storage that copied rather than moved
        path.unlink()
    return locked


def video_keep_until(visit):
    """The last day a session video is kept: the visit's day + VALIZA_VIDEO_KEEP_DAYS."""
    return visit.stop.trip.day + datetime.timedelta(days=settings.VALIZA_VIDEO_KEEP_DAYS)


def _after_complete(att):
    if att.kind == Attachment.Kind.PHOTO:
        tasks.schedule_case_files(cases_of_photo(att))
    else:
        tasks.schedule_purge(att.keep_until)


def cases_of_photo(att):
    """The cases whose photos PDF shows this photo: its service's, or every case of the visit
    for a photo taken for no particular service."""
    accepted = att.visit.accepted.exclude(case=None)
    if att.service_id:
        accepted = accepted.filter(service_id=att.service_id)
    return list(accepted.values_list("case_id", flat=True))

"""Resumable upload of photos and videos from the field client (ADR 7).

`GET /api/v1/field/attachments/{id}` says how far an upload got; `PUT …/{id}?offset=N` takes the
raw bytes of one chunk (application/octet-stream, at most VALIZA_FIELD_CHUNK_BYTES). The body is
read here with `request.read()`, not `request.body`: Django's DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB)
would refuse a 1 MiB chunk, and BodySizeLimitMiddleware already caps this path at the chunk size.
The rules live in field/attachments.py.
"""

import uuid

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from accounts.access import Capability

from . import attachments
from .attachments import UploadError
from .schemas import AttachmentStateValue, problems

router = Router(tags=["field"])
DEVICE_HEADER = "HTTP_X_VALIZA_DEVICE"


class UploadStatus(Schema):
    received: int
    size: int
    state: AttachmentStateValue
    reason: str


class Behind(UploadStatus):
    """409: the server is elsewhere in the file; resume from `received`."""

    detail: str


def _attachment(request, att_id):
    try:
        att_uuid = uuid.UUID(att_id)
    except ValueError:
        raise HttpError(404, _("Такого файлу немає.")) from None
    try:
        device_id = uuid.UUID(request.META.get(DEVICE_HEADER, ""))
    except ValueError:
        raise HttpError(400, _("Не вказано пристрій (заголовок X-Valiza-Device). Оновіть сторінку виїзду.")) from None
    try:
        return attachments.find_for_upload(att_uuid, user=request.auth, device_id=device_id)
    except UploadError as exc:
        raise HttpError(exc.status, exc.message) from None


@router.get("/{att_id}", response={200: UploadStatus, **problems(400, 401, 403, 404)},
            auth=Capability("field.work"), url_name="field_attachment")
def upload_status(request, att_id: str):
    return attachments.status(_attachment(request, att_id))


@router.put("/{att_id}", response={200: UploadStatus, 409: Behind, **problems(400, 401, 403, 404, 413)},
            auth=Capability("field.work"), url_name="field_attachment_chunk",
            # The raw bytes of the chunk; another media type gets 415 (valiza/api.py).
            openapi_extra={"requestBody": {"content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}})
def upload_chunk(request, att_id: str, offset: str = ""):
    att = _attachment(request, att_id)
    try:
        offset = int(offset)
    except ValueError:
        return Status(400, {"detail": _("Не вказано, з якого місця файлу ця частина (offset).")})
    limit = settings.VALIZA_FIELD_CHUNK_BYTES
    # One byte more than allowed tells an oversized chunk sent without a Content-Length.
    data = request.read(limit + 1)
    try:
        att = attachments.receive_chunk(att, offset, data)
    except UploadError as exc:
        if exc.status == 409 and exc.attachment is not None:
            return Status(409, {**attachments.status(exc.attachment), "detail": exc.message})
        return Status(exc.status, {"detail": exc.message})
    return Status(200, attachments.status(att))

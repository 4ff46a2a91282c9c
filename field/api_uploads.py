"""Resumable upload of photos and videos from the field client (ADR 7).

`GET /api/v1/field/attachments/{id}` says how far an upload got; `PUT …/{id}?offset=N` takes the
raw bytes of one chunk (application/octet-stream, at most VALIZA_FIELD_CHUNK_BYTES). The body is
read here with `request.read()`, not `request.body`: Django's DATA_UPLOAD_MAX_MEMORY_SIZE (256 KB)
would refuse a 1 MiB chunk, and BodySizeLimitMiddleware already caps this path at the chunk size.
Both need the laptop's admitted device token, as the sync does (field/api.py). The rules live in
field/attachments.py.
"""

import uuid

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.access import Capability

from . import attachments
from .api import DeviceToken, admit, refusal
from .attachments import UploadError
from .schemas import AttachmentStateValue, DeviceRefusal, Problem, problems

router = Router(tags=["field"])


class UploadStatus(Schema):
    received: int
    size: int
    state: AttachmentStateValue
    reason: str


class Behind(UploadStatus):
    """409: the server is elsewhere in the file; resume from `received`."""

    detail: str


def _attachment(request, att_id, token):
    """(attachment, None) or (None, the answer that refuses)."""
    admission = admit(request, token)
    if not admission.ok:
        return None, refusal(request, admission)
    try:
        att_uuid = uuid.UUID(att_id)
    except ValueError:
        return None, Status(404, {"detail": _("Такого файлу немає.")})
    try:
        return attachments.find_for_upload(att_uuid, user=request.auth), None
    except UploadError as exc:
        return None, Status(exc.status, {"detail": exc.message})


@router.get("/{att_id}", response={200: UploadStatus, 403: DeviceRefusal | Problem, **problems(400, 401, 404)},
            auth=Capability("field.work"), url_name="field_attachment")
def upload_status(request, att_id: str, token: DeviceToken = ""):
    att, refused = _attachment(request, att_id, token)
    return refused or attachments.status(att)


@router.put("/{att_id}", response={200: UploadStatus, 409: Behind, 403: DeviceRefusal | Problem,
                                   **problems(400, 401, 404, 413)},
            auth=Capability("field.work"), url_name="field_attachment_chunk",
            # The raw bytes of the chunk; another media type gets 415 (valiza/api.py).
            openapi_extra={"requestBody": {"content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}})
def upload_chunk(request, att_id: str, offset: str = "", token: DeviceToken = ""):
    att, refused = _attachment(request, att_id, token)
    if refused:
        return refused
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

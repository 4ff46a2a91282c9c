"""`attachment.declare`: a photo or video the laptop will upload apart (field/attachments.py)."""

from .. import attachments
from .errors import quarantine
from .rules import allowed_service, combine, request_moved, visit_for


def apply(ctx):
    data = ctx.data
    service = allowed_service(ctx, data.service_id) if data.service_id else None
    visit = visit_for(ctx)
    taken_at = ctx.corrected(data.taken_at) if data.taken_at else None
    try:
        attachment = attachments.declare(visit, data.model_dump(), user=ctx.user, device=ctx.device,
                                         service=service, taken_at=taken_at)
    except attachments.AttachmentError as exc:
        raise quarantine("attachment", str(exc)) from None
    return combine(("", "", {"visit_id": visit.pk, "attachment_id": str(attachment.pk),
                             "received": attachment.received, "state": attachment.state}), request_moved(ctx))

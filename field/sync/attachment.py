"""`attachment.declare`: a photo or video the laptop will upload apart (field/attachments.py)."""

from django.utils.translation import gettext as _

from .. import attachments
from ..models import Attachment
from .errors import quarantine
from .rules import allowed_service, combine, request_moved, visit_for


def apply(ctx):
    data = ctx.data
    service = allowed_service(ctx, data.service_id) if data.service_id else None
    visit = visit_for(ctx)
    taken_at = ctx.corrected(data.taken_at) if data.taken_at else None
    if data.kind == Attachment.Kind.VIDEO:
        _consent_for_video(ctx, visit, data)
    try:
        attachment = attachments.declare(visit, data.model_dump(), user=ctx.user, device=ctx.device,
                                         service=service, taken_at=taken_at)
    except attachments.AttachmentError as exc:
        raise quarantine("attachment", str(exc)) from None
    return combine(("", "", {"visit_id": visit.pk, "attachment_id": str(attachment.pk),
                             "received": attachment.received, "state": attachment.state}), request_moved(ctx))


def _consent_for_video(ctx, visit, data):
    """A video needs the person's consent recorded for this visit, at its own (corrected) time."""
    if visit.video_consent_at is None and data.video_consent_at is not None:
        visit.video_consent_at = ctx.corrected(data.video_consent_at)
        visit.save(update_fields=["video_consent_at"])
    if visit.video_consent_at is None:
        raise quarantine("no_video_consent", _(
            "Відеозапис не прийнято: немає згоди людини на відеозапис під час цього візиту. Позначте "
            "на ноутбуці, що людина погодилася, і надішліть ще раз."))

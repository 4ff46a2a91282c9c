"""How long session videos are kept (VALIZA_VIDEO_KEEP_DAYS after the visit) and their purge."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import Attachment, IncidentAct
from .storage import part_path

log = logging.getLogger(__name__)


def due_videos(today=None):
    """Videos whose last day of keeping is before `today` and whose file still exists."""
    today = today or timezone.localdate()
    # A video an open incident act refers to is its evidence: kept until the act is closed (issue 11).
    return Attachment.objects.filter(kind=Attachment.Kind.VIDEO, keep_until__lt=today).exclude(
        state=Attachment.State.PURGED).exclude(
        visit__in=IncidentAct.objects.filter(closed_at__isnull=True).values("visit_id"))


def _purge(att):
    # The file first: a crash after it leaves a row to purge again, never a kept video.
    if att.file:
        att.file.delete(save=False)
    part_path(att.pk).unlink(missing_ok=True)  # an upload that never finished
    att.state, att.purged_at, att.file = Attachment.State.PURGED, timezone.now(), ""
    att.save(update_fields=["state", "purged_at", "file"])


def remove_videos_of(visit):
    """The person withdrew the consent: delete the visit's videos now. Returns how many."""
    count = 0
    with transaction.atomic():
        for att in Attachment.objects.select_for_update().filter(visit=visit, kind=Attachment.Kind.VIDEO).exclude(
                state=Attachment.State.PURGED):
            _purge(att)
            count += 1
    if count:
        log.info("removed %d session video(s) of visit %s: consent withdrawn", count, visit.pk)
    return count


def purge_videos(today=None):
    """Delete the files of videos kept long enough; mark them purged. Returns how many.

    Idempotent: a purged video is not looked at again, and a file already gone is no error.
    """
    count = 0
    for pk in list(due_videos(today).values_list("pk", flat=True)):
        with transaction.atomic():
            att = Attachment.objects.select_for_update().filter(pk=pk).exclude(
                state=Attachment.State.PURGED).first()
            if att is None:
                continue  # another worker got there first
            _purge(att)
            count += 1
    if count:
        log.info("purged %d session video(s)", count)
    return count

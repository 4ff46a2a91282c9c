"""How long session videos are kept (VALIZA_VIDEO_KEEP_DAYS after the visit) and their purge; the
other personal data past its term (issue 11: visits/retention.py, and the visit's location point)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quality import retention as quality_retention
from visits import retention as request_retention

from .models import Attachment, IncidentAct, Visit
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


def remove_visit_points(now=None):
    """The point where a visit started, VALIZA_KEEP_LOCATION_DAYS after it."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.VALIZA_KEEP_LOCATION_DAYS)
    return Visit.objects.filter(started_at__lt=before, latitude__isnull=False).update(latitude=None, longitude=None)


def purge_personal_data(now=None):
    """Everything past its term (the worker's check and `manage.py purge_personal_data`); {kind: count}."""
    now = now or timezone.now()
    done = request_retention.purge(now)
    done["visit_points"] = remove_visit_points(now)
    done.update(quality_retention.purge(now))
    if any(done.values()):
        log.info("personal data past its term removed: %s", done)
    return done


def check():
    """The worker's periodic check (VALIZA_WORKER_CHECKS)."""
    purge_personal_data()

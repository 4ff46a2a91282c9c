"""How long session videos are kept (VALIZA_VIDEO_KEEP_DAYS after the visit) and their purge; the
other personal data past its term (issue 11: visits/retention.py, the visit's location point, and the
photos / scans of documents with the case's PDF of them, VALIZA_KEEP_SCANS_DAYS)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from journal import actions as journal_actions
from journal.models import CLOSING_STATES, Case, CaseFile, CaseState
from quality import retention as quality_retention
from visits import retention as request_retention

from . import storage
from .models import Attachment, IncidentAct, Visit

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
    storage.discard(att.pk)  # an upload that never finished (a .part file, or chunks in the bucket)
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


# A case is finished once its result is given or it is closed without one; until then its scans are
# what the CNAP holds of the documents it handed over.
FINISHED_CASE_STATES = (CaseState.RESULT_DELIVERED, *CLOSING_STATES)


def requests_with_scans_due(now=None):
    """Ids of requests whose photos / scans are past VALIZA_KEEP_SCANS_DAYS: closed that long ago, and
    every case made from them finished (result given, or closed) that long ago too."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.VALIZA_KEEP_SCANS_DAYS)
    day = timezone.localdate(before)
    unfinished = Case.objects.filter(request__isnull=False).exclude(state__in=FINISHED_CASE_STATES)
    recent = Case.objects.filter(request__isnull=False).filter(Q(result_delivered_on__gte=day) | Q(closed_on__gte=day))
    kept = Attachment.objects.filter(kind=Attachment.Kind.PHOTO).exclude(state=Attachment.State.PURGED)
    return (request_retention.closed_before(before).filter(pk__in=kept.values("visit__request_id"))
            .exclude(pk__in=unfinished.values("request_id")).exclude(pk__in=recent.values("request_id"))
            .values_list("pk", flat=True).distinct())


def remove_scans(now=None):
    """Delete the document photos (files and partial uploads; the rows are marked purged) and the cases'
    photos PDFs of the requests past VALIZA_KEEP_SCANS_DAYS. Returns how many photos. Idempotent; a later
    rebuild of the case's files leaves the purged photos out (documents.case_photos takes received ones)."""
    count = 0
    for request_id in list(requests_with_scans_due(now)):
        with transaction.atomic():
            photos = Attachment.objects.select_for_update().filter(
                visit__request_id=request_id, kind=Attachment.Kind.PHOTO).exclude(state=Attachment.State.PURGED)
            for att in photos:
                _purge(att)
                count += 1
            for cf in CaseFile.objects.select_for_update().filter(case__request_id=request_id,
                                                                  kind=CaseFile.Kind.PHOTOS):
                if cf.file:
                    cf.file.delete(save=False)
                cf.delete()
    return count


def purge_personal_data(now=None):
    """Everything past its term (the worker's check and `manage.py purge_personal_data`); {kind: count}."""
    now = now or timezone.now()
    done = request_retention.purge(now)
    done["visit_points"] = remove_visit_points(now)
    done["scans"] = remove_scans(now)
    # The cases of anonymised requests: the person's data goes from the case and its journal entries too.
    done["cases"] = journal_actions.anonymise_cases(Case.objects.filter(request__anonymised_at__isnull=False), now)
    done.update(quality_retention.purge(now))
    if any(done.values()):
        log.info("personal data past its term removed: %s", done)
    return done


def check():
    """The worker's periodic check (VALIZA_WORKER_CHECKS)."""
    purge_personal_data()

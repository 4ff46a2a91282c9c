"""Every accepted case gets its files, whatever happens to the worker (ADR 5, ADR 7).

- `want`: the field work asks for a case's files (journal.CaseFileBuild) in the transaction that
  accepts the service or receives a photo, and a build is queued once it commits.
- `build` (the build_case_files task) counts each attempt before it starts, so a build that kills
  its worker counts too, and records the error of one that fails.
- `check` (the worker's periodic check, core/worker.py) queues again what was asked for and not
  built once VALIZA_CASE_FILES_RETRY_SECONDS have passed, up to VALIZA_CASE_FILES_MAX_ATTEMPTS; it
  also asks for the files of any field-accepted case that has no inventory and was never asked for.
- `failures` lists what was given up, with the error, for the coordinator (/staff/field/); `retry`
  is the coordinator's button. `rebuild_due` builds in the caller (manage.py rebuild_case_files).
"""

import datetime
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.logs import Safe
from core.tasks import enqueue_on_commit
from journal.models import Case, CaseFile, CaseFileBuild

from . import documents

log = logging.getLogger(__name__)

INTERRUPTED = _lazy("Побудову перервано: фонова служба зупинилася під час роботи.")
# How many rows one check looks at; the rest wait for the next one.
BATCH = 100


def _pause():
    return datetime.timedelta(seconds=settings.VALIZA_CASE_FILES_RETRY_SECONDS)


def _not_built():
    return Q(built_at__isnull=True) | Q(built_at__lt=F("wanted_at"))


def _mark_wanted(case_ids, now, next_try_at):
    rows = [CaseFileBuild(case_id=pk, wanted_at=now, next_try_at=next_try_at) for pk in case_ids]
    # One statement, whoever else asks at the same moment: an insert, or the existing row asked again
    # (its count of attempts starts over).
    CaseFileBuild.objects.bulk_create(rows, update_conflicts=True, unique_fields=["case"],
                                      update_fields=["wanted_at", "next_try_at", "attempts", "last_error"])


def want(case_ids, now=None):
    """Ask for these cases' files and queue their builds once the current transaction commits.

    If the queued build never runs or never finishes, the worker's check queues it again after
    VALIZA_CASE_FILES_RETRY_SECONDS.
    """
    from .tasks import build_case_files

    ids = sorted({int(pk) for pk in case_ids if pk})
    if not ids:
        return
    now = now or timezone.now()
    _mark_wanted(ids, now, now + _pause())
    for pk in ids:
        enqueue_on_commit(build_case_files, pk)


def build(case_id):
    """One attempt at a case's files (the build_case_files task); returns the kinds built."""
    started = timezone.now()
    if not CaseFileBuild.objects.filter(case_id=case_id).update(
            attempts=F("attempts") + 1, last_attempt_at=started, last_error="", next_try_at=started + _pause()):
        CaseFileBuild.objects.get_or_create(case_id=case_id, defaults={
            "wanted_at": started, "attempts": 1, "last_attempt_at": started, "next_try_at": started + _pause()})
    try:
        built = documents.build_case_files(case_id)
    except Exception as exc:
        _failed(case_id, exc)
        raise
    # This attempt worked: failures so far count no more (several builds of one case may be queued).
    CaseFileBuild.objects.filter(case_id=case_id).update(attempts=0, last_error="")
    # Asked for again while this ran (a photo arrived): that request's own build is still to come.
    CaseFileBuild.objects.filter(case_id=case_id, wanted_at__lte=started).update(
        built_at=timezone.now(), next_try_at=None)
    return built


def _failed(case_id, exc):
    log.exception("case files of case %s could not be built", case_id)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    row = CaseFileBuild.objects.filter(case_id=case_id).first()
    give_up = row is not None and row.attempts >= settings.VALIZA_CASE_FILES_MAX_ATTEMPTS
    fields = {"last_error": error}
    if give_up:
        fields["next_try_at"] = None
    CaseFileBuild.objects.filter(case_id=case_id).update(**fields)


def check(now=None):
    """The worker's periodic check: queue the builds that are due again; returns how many."""
    from .tasks import build_case_files

    now = now or timezone.now()
    _want_missing(now)
    queued = 0
    for row in _due(now):
        if _take(row, now):
            enqueue_on_commit(build_case_files, row.case_id)
            queued += 1
    if queued:
        log.info("queued %d case file builds again", queued)
    return queued


def _want_missing(now):
    """Field-accepted cases with no inventory that nobody asked files for (e.g. from before the
    asking was recorded): asked for now, due at once."""
    missing = list(Case.objects.filter(accepted_service__isnull=False, file_build__isnull=True)
                   .exclude(files__kind=CaseFile.Kind.INVENTORY).values_list("pk", flat=True)[:BATCH])
    if missing:
        _mark_wanted(missing, now, now)


def _due(now):
    return list(CaseFileBuild.objects.filter(_not_built(), next_try_at__lte=now).order_by("next_try_at")[:BATCH])


def _take(row, now):
    """Claim a due row for one more attempt (a conditional update: of several workers' checks, one
    wins); a row out of attempts is given up instead. True if an attempt should be queued."""
    mine = CaseFileBuild.objects.filter(pk=row.pk, next_try_at=row.next_try_at)
    # An attempt that started and neither finished nor failed: its worker died.
    error = row.last_error or (str(INTERRUPTED) if row.attempts else "")
    if row.attempts >= settings.VALIZA_CASE_FILES_MAX_ATTEMPTS:
        if mine.update(next_try_at=None, last_error=error):
            log.warning("case files of case %s given up after %d attempts", row.case_id, row.attempts)
        return False
    return mine.update(next_try_at=now + _pause(), last_error=error) == 1


def failures(community_id):
    """Case files given up on, newest first, for the coordinator."""
    return (CaseFileBuild.objects.filter(_not_built(), case__community_id=community_id, next_try_at__isnull=True,
                                         attempts__gt=0)
            .select_related("case__service").order_by("-last_attempt_at"))


def retry(case, *, by):
    """The coordinator's "try again": the count of attempts starts over and a build is queued."""
    want([case.pk])
    log.info("case files of case %s asked again by user %s", case.pk, Safe(by.pk))


def rebuild_due(now=None, *, include_given_up=False):
    """Build in the caller what is due (and, if asked, what was given up); for cron without a worker.
    Returns counts: built, failed."""
    now = now or timezone.now()
    _want_missing(now)
    rows = _due(now)
    if include_given_up:
        rows += list(CaseFileBuild.objects.filter(_not_built(), next_try_at__isnull=True))
    counts = {"built": 0, "failed": 0}
    for row in rows:
        if include_given_up and row.next_try_at is None:
            CaseFileBuild.objects.filter(pk=row.pk).update(attempts=0)
        elif not _take(row, now):
            continue
        try:
            build(row.case_id)
        except Exception:  # recorded on the row and logged by build()
            counts["failed"] += 1
        else:
            counts["built"] += 1
    return counts

"""Asking for a report, building it (the background task's work) and publishing it."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import PublicityConsent
from core.tasks import enqueue_on_commit

from . import periods, snapshot
from .models import Report, State
from .pdf import report_pdf

log = logging.getLogger(__name__)

# A build that has neither finished nor moved for this long is taken for lost (its worker died): asking
# for the report again builds it again.
STALE_AFTER = datetime.timedelta(minutes=30)


class ReportError(Exception):
    """A refusal, with a message for the person at the screen."""


def _enqueue(report):
    from .tasks import build_report

    enqueue_on_commit(build_report, report.pk)


def request_report(community, kind, start, end, *, by):
    """The report of the period, queued to be built: a new version when the latest one is published
    (or there is none), else the latest draft built again in place. A draft being built is left alone."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                latest = (
                    Report.objects.select_for_update()
                    .filter(community=community, kind=kind, start=start)
                    .order_by("-version")
                    .first()
                )
                now = timezone.now()
                if latest is not None and not latest.is_published:
                    if latest.is_busy and now - latest.updated_at < STALE_AFTER:
                        return latest
                    latest.state, latest.progress, latest.error = State.QUEUED, 0, ""
                    latest.created_by, latest.updated_at = by, now
                    latest.save(update_fields=["state", "progress", "error", "created_by", "updated_at"])
                    _enqueue(latest)
                    return latest
                version = (latest.version + 1) if latest is not None else 1
                report = Report.objects.create(
                    community=community,
                    kind=kind,
                    start=start,
                    end=end,
                    version=version,
                    created_by=by,
                    updated_at=now,
                )
                _enqueue(report)
                return report
        except IntegrityError:
            # Two people asked at the same moment: the other one's version stands; take it.
            continue
    raise ReportError(_("Звіт саме складають. Оновіть сторінку за хвилину."))


def _set(report_id, **fields):
    fields.setdefault("updated_at", timezone.now())
    Report.objects.filter(pk=report_id).update(**fields)


def build(report_id, today=None):
    """Build the report's snapshot and PDF (the build_report task). Idempotent: a report that is not
    waiting to be built (done, published, gone) is left as it is."""
    claimed = Report.objects.filter(pk=report_id, state__in=(State.QUEUED, State.RUNNING), published_at__isnull=True)
    if not claimed.update(state=State.RUNNING, progress=5, error="", updated_at=timezone.now()):
        return None
    report = Report.objects.select_related("community").get(pk=report_id)
    try:
        previous_start, previous_end = periods.previous(report.kind, report.start)
        data = snapshot.build(
            report.community,
            report.start,
            report.end,
            previous_start,
            previous_end,
            today=today,
            progress=lambda percent: _set(report_id, progress=percent),
        )
        report.data = data
        body = report_pdf(report)
        _set(report_id, progress=90)
        old = report.pdf.name
        name = f"zvit-{report.community.slug}-{report.kind}-{report.start:%Y%m%d}-v{report.version}.pdf"
        report.pdf.save(name, ContentFile(body), save=False)
        if old and old != report.pdf.name:
            report.pdf.storage.delete(old)
        _set(report_id, data=data, pdf=report.pdf.name, state=State.DONE, progress=100, built_at=timezone.now())
    except Exception as exc:
        log.exception("report %s could not be built", report_id)
        _set(report_id, state=State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        return None
    report.refresh_from_db()
    return report


def publish(report, *, by):
    """Freeze the report: from now on it never changes; corrected data makes a new version."""
    if report.state != State.DONE:
        raise ReportError(_("Опублікувати можна лише готовий звіт. Зачекайте, поки його складуть."))
    if report.is_published:
        raise ReportError(_("Цей звіт уже опубліковано."))
    done = Report.objects.filter(pk=report.pk, state=State.DONE, published_at__isnull=True).update(
        published_at=timezone.now(), published_by=by, updated_at=timezone.now()
    )
    if not done:
        raise ReportError(_("Звіт саме змінився. Оновіть сторінку."))
    report.refresh_from_db()
    return report


def withdrawn_consents(report):
    """Consents of stories in the report withdrawn since it was built: those stories are not shown."""
    ids = [s["consent"] for s in (report.data or {}).get("stories", [])]
    if not ids:
        return set()
    return set(PublicityConsent.objects.filter(pk__in=ids, withdrawn_at__isnull=False).values_list("pk", flat=True))


def recover(now=None):
    """The worker's periodic check (VALIZA_WORKER_CHECKS): a build that has not moved for STALE_AFTER lost
    its worker; it is marked failed, so its page says so and offers to build it again. Returns how many."""
    now = now or timezone.now()
    lost = Report.objects.filter(state__in=(State.QUEUED, State.RUNNING), updated_at__lt=now - STALE_AFTER)
    count = lost.update(
        state=State.FAILED, error="lost: no progress for %d minutes" % (STALE_AFTER.seconds // 60), updated_at=now
    )
    if count:
        log.warning("%d report builds lost their worker: marked failed", count)
    return count


def latest_version(community, kind, start):
    return Report.objects.filter(community=community, kind=kind, start=start).aggregate(v=Max("version"))["v"]

"""Background tasks of the field work, run by `manage.py worker` (ADR 5, ADR 7)."""

import datetime

from django.utils import timezone
from django_tasks import task

from core.tasks import enqueue_on_commit

from . import case_files, retention


@task()
def build_case_files(case_id):
    """(Re)build a case's intake inventory and photos PDF (journal.CaseFile)."""
    built = case_files.build(case_id)
    return {"case": case_id, "files": sorted(built)}


def schedule_case_files(case_ids):
    """Ask for the files of these cases and have the worker (re)build them once the current
    transaction commits.

    Robust: a queue that cannot be reached is logged and loses nothing the person gave; the asking
    is stored with the transaction, and the worker's check builds what was asked for and never
    built (field/case_files.py).
    """
    case_files.want(case_ids)


@task()
def purge_videos():
    """Delete the session videos whose keeping period is over; safe to run any number of times."""
    return {"purged": retention.purge_videos()}


def schedule_purge(keep_until):
    """Ask the worker to purge videos the day after `keep_until`, once the transaction commits.

    A lost or impossible wake-up (the immediate backend cannot wait) loses nothing: the next run
    of the task, or `manage.py purge_field_videos` from cron, deletes what is due.
    """
    if keep_until is None:
        return
    tz = timezone.get_current_timezone()
    run_after = datetime.datetime.combine(keep_until + datetime.timedelta(days=1), datetime.time(0, 5), tzinfo=tz)
    enqueue_on_commit(purge_videos, run_after=run_after)

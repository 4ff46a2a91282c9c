"""Shared pieces of the reports' tests: a data set inside one quarter, and building a report the way the
worker does (the immediate task backend, run when the transaction would commit)."""

import datetime

from indicators.tests import dataset
from reports import actions, periods
from reports.models import Kind, Report


def quarter_of(day):
    part = (day.month - 1) // 3 + 1
    return periods.bounds(Kind.QUARTER, day.year, part)


def dataset_in_one_quarter(world):
    """indicators' hand-built fortnight, placed so that it lies inside one quarter; (data, start, end)."""
    for weeks_back in range(6, 30):
        start, end = dataset.period(weeks_back)
        if quarter_of(start) == quarter_of(end):
            data = dataset.build(world, weeks_back)
            q_start, q_end = quarter_of(start)
            return data, q_start, q_end
    raise AssertionError("no fortnight inside one quarter")  # pragma: no cover


def make_report(world, django_capture_on_commit_callbacks, start, end, kind=Kind.QUARTER, by=None, community=None):
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.request_report(community or world.a, kind, start, end, by=by or world.users["coordinator"])
    return Report.objects.get(pk=report.pk)


def day(text):
    return datetime.date.fromisoformat(text)

"""Background tasks of the reports, run by `manage.py worker` (ADR 5)."""

from django_tasks import task

from . import actions


@task()
def build_report(report_id):
    report = actions.build(report_id)
    return {"report": report_id, "state": report.state if report else None}

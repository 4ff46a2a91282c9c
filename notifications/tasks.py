"""Background tasks of notifications, run by `manage.py worker` (ADR 5)."""

from django_tasks import task

from . import outbox


@task()
def send_outbox(limit=100):
    """Send the SMS that are due; the result (counts by outcome) is kept with the task."""
    return outbox.send_due(limit=limit)

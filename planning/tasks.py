"""Background tasks of planning, run by `manage.py db_worker` (ADR 5)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import actions


@task()
def plan_week(plan_id):
    plan = actions.run_planning(plan_id)
    return {"plan": plan.pk, "state": plan.state}


@task()
def send_reminders(day=None):
    """Queue tomorrow's reminders (the worker runs this daily; `manage.py send_reminders` too)."""
    day = datetime.date.fromisoformat(day) if day else timezone.localdate() + datetime.timedelta(days=1)
    return actions.queue_reminders(day)


def enqueue_planning(plan):
    transaction.on_commit(lambda: plan_week.enqueue(plan.pk), robust=True)

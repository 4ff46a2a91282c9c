"""Background tasks of planning, run by `manage.py db_worker` (ADR 5)."""

from django.db import transaction
from django_tasks import task

from . import actions


@task()
def plan_week(plan_id):
    plan = actions.run_planning(plan_id)
    return {"plan": plan.pk, "state": plan.state}


def enqueue_planning(plan):
    transaction.on_commit(lambda: plan_week.enqueue(plan.pk), robust=True)

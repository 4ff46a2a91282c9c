"""Background tasks of planning, run by `manage.py db_worker` (ADR 5)."""

import datetime

from django.utils import timezone
from django_tasks import task

from core.tasks import enqueue_on_commit

from . import actions


@task()
def plan_week(plan_id):
    plan = actions.run_planning(plan_id)
    return {"plan": plan.pk, "state": plan.state}


def enqueue_planning(plan):
    enqueue_on_commit(plan_week, plan.pk)


@task()
def return_unvisited():
    return {"returned": actions.return_unvisited()}


# The night after a visit day: late enough that the day is over, early enough for the morning's planning.
RETURN_AT = datetime.time(0, 30)


def schedule_return_unvisited(day):
    """Ask the worker to return `day`'s unvisited requests to the pool the night after it.

    A lost wake-up loses nothing: any later run, or `manage.py return_unvisited` from cron, does it.
    """
    run_after = datetime.datetime.combine(day + datetime.timedelta(days=1), RETURN_AT,
                                          tzinfo=timezone.get_current_timezone())
    enqueue_on_commit(return_unvisited, run_after=run_after)

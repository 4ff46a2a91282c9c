"""Background tasks of planning, run by `manage.py worker` (ADR 5)."""

import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from core.tasks import enqueue_on_commit

from . import actions
from .models import Plan


@task()
def plan_week(plan_id):
    plan = actions.run_planning(plan_id)
    return {"plan": plan.pk, "state": plan.state}


def enqueue_planning(plan):
    """Queue the run once the plan is committed, and remember its task: a run whose task ends
    without ending the plan (its worker was killed) is found by actions.recover_runs."""
    def remember(result):
        Plan.objects.filter(pk=plan.pk, task_id="").update(task_id=str(result.id)[:64])

    enqueue_on_commit(plan_week, plan.pk, then=remember)


# Where a plan's task stands (run_status).
RUN_WAITING, RUN_RUNNING, RUN_GONE, RUN_UNKNOWN = "waiting", "running", "gone", "unknown"


def run_status(plan):
    """Waiting or running in the queue; gone (it ended, or the queue no longer has it); or unknown
    (no task id yet, or a task backend that cannot tell)."""
    if not plan.task_id:
        return RUN_UNKNOWN
    backend = plan_week.get_backend()
    if not backend.supports_get_result:
        return RUN_UNKNOWN
    try:
        status = plan_week.get_result(plan.task_id).status
    except TaskResultDoesNotExist:
        return RUN_GONE
    if status == TaskResultStatus.READY:
        return RUN_WAITING
    if status == TaskResultStatus.RUNNING:
        return RUN_RUNNING
    return RUN_GONE


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

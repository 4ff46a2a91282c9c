"""Data for `prod_check`, run inside the layout's database (`manage.py prod_check_data …`), never
against a real community's: the field stand's community (bench/field/stand_data.py) with an operator
and a field administrator who log in with a password, a team that works today, and the steps of the
smoke test that are a coordinator's decisions (accept, plan, approve, publish).

Today is made the team's only working day of the week (its hours the whole day), so the plan that a
worker computes puts the request on today's trip, and the field client syncs that day's visit with
its real clock (field/sync/clock.py bounds an action's time by its trip's day).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from bench.field import stand_data
from catalogue.models import Service
from communities.models import CalendarOverride
from eligibility.models import EligibilityCategory
from teams.models import Team, TeamShift


def seed(password):
    community = stand_data._world()
    today = timezone.localdate()
    team = Team.objects.get(community=community)
    team.shifts.all().delete()
    TeamShift.objects.create(team=team, weekday=today.weekday(), start=datetime.time(0, 0), end=datetime.time(23, 59))
    # A weekend or a holiday run: the community works today (a worked Saturday, as the calendar allows).
    CalendarOverride.objects.update_or_create(community=community, date=today, defaults={"is_working": True})
    operator, _created = User.objects.get_or_create(
        username="prod-operator",
        defaults={"role": roles.OPERATOR, "community": community, "first_name": "Олена", "last_name": "Приймальна"},
    )
    for user in (operator, User.objects.get(username="bench-field")):
        user.set_password(password)
        user.save()
    services = list(Service.objects.filter(code__startswith="BENCH-").order_by("code"))
    return {
        "community": community.slug,
        "settlement": community.settlements.get().pk,
        "category": EligibilityCategory.objects.filter(community=community).order_by("pk").first().pk,
        "services": [{"id": s.pk, "paid": s.is_paid, "documents": [d.pk for d in s.documents.all()]} for s in services],
        "operator": operator.username,
        "field": "bench-field",
        "today": today.isoformat(),
    }


def plan(request_id, time_limit_s=2):
    """The coordinator accepts the request, takes it into this week's plan and starts a run: the
    run itself is queued for a worker (planning/tasks.py), as the planning board does."""
    from planning import actions as planning_actions
    from planning import tasks as planning_tasks
    from visits import actions as visit_actions
    from visits.models import Status, VisitRequest

    coordinator = User.objects.get(username="bench-coordinator")
    req = VisitRequest.objects.get(pk=request_id)
    if req.status != Status.ACCEPTED:
        visit_actions.accept(req, by=coordinator)
    today = timezone.localdate()
    week = planning_actions.week_for(req.community, today - datetime.timedelta(days=today.weekday()))
    planning_actions.include_late(week, req, by=coordinator)
    with transaction.atomic():
        run = planning_actions.start_planning(week, by=coordinator, time_limit_s=time_limit_s)
        planning_tasks.enqueue_planning(run)
    return {"plan": run.pk}


def plan_state(plan_id):
    from django_tasks_db.models import DBTaskResult

    from core.models import Worker
    from planning.models import Plan, Stop

    run = Plan.objects.get(pk=plan_id)
    stops = list(Stop.objects.filter(trip__plan=run, request__isnull=False).values("request_id", "trip__day"))
    tasks = list(DBTaskResult.objects.filter(task_path__endswith="plan_week").values("status", "worker_ids"))
    return {
        "state": run.state,
        "message": run.message,
        "stops": [{"request": s["request_id"], "day": s["trip__day"].isoformat()} for s in stops],
        "tasks": tasks,
        "workers": sorted(Worker.objects.values_list("worker_id", flat=True)),
    }


def publish(plan_id):
    from planning import actions as planning_actions
    from planning.models import Plan

    coordinator = User.objects.get(username="bench-coordinator")
    run = Plan.objects.get(pk=plan_id)
    planning_actions.approve(run, by=coordinator)
    run = planning_actions.publish(run, by=coordinator)
    return {"state": run.state}

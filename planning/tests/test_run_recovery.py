"""A planning run whose worker died, that hangs, or that the coordinator cancels frees its week
(issue 9, finding 3; ADR 5)."""

import datetime
import threading
import time

import pytest
import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tests.workers import DATABASE_TASKS, Killed, run_worker
from planning import actions, solver, tasks
from planning.models import Plan, Trip
from planning.tests.test_plan_week import MONDAY, accepted, team  # noqa: F401 (fixture)


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def queued_run(world, settings, django_capture_on_commit_callbacks):
    """Start a run as the board does: the plan, and its task in the database queue."""
    settings.TASKS = DATABASE_TASKS

    def start(time_limit_s=10):
        week = actions.week_for(world.a, MONDAY)
        with django_capture_on_commit_callbacks(execute=True):
            plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=time_limit_s)
            tasks.enqueue_planning(plan)
        plan.refresh_from_db()
        return week, plan
    return start


def dies_at_five_percent(problem, time_limit_s, progress=None, **kwargs):
    progress(solver.Progress(0.05, 0.5, None))
    raise Killed


def test_a_worker_killed_during_planning_no_longer_blocks_the_week(transactional_db, world, team, settings,  # noqa: F811
                                                                   monkeypatch, queued_run):
    settings.TASKS = DATABASE_TASKS
    accepted(world)
    week, plan = queued_run()
    task = DBTaskResult.objects.get(task_path="planning.tasks.plan_week")
    # The worker claims the run, reports 5 % and is killed (SIGKILL): nothing after that line runs.
    task.claim("worker-that-dies")
    monkeypatch.setattr(solver, "solve", dies_at_five_percent)
    with pytest.raises(Killed):
        tasks.plan_week.call(plan.pk)
    plan.refresh_from_db()
    task.refresh_from_db()
    assert (plan.state, plan.progress, task.status) == (Plan.State.PLANNING, 5, TaskResultStatus.RUNNING)
    with pytest.raises(actions.PlanningError):
        actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10)

    # The worker is started again (as systemd or `make run` would) once its lease is over.
    with later(seconds=settings.VALIZA_WORKER_LEASE_SECONDS + 1):
        run_worker("db_worker")
    task.refresh_from_db()
    plan.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.exception_class_path == "core.worker.WorkerLost"
    assert plan.state == Plan.State.FAILED and plan.message == str(actions.RUN_LOST)
    assert "Тиждень вільний" in plan.message
    again = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10)
    assert again.version == 2 and again.state == Plan.State.PLANNING


def test_a_run_that_hangs_is_failed_past_twice_its_limit_plus_the_margin(world, settings, queued_run):
    week, plan = queued_run(time_limit_s=30)
    DBTaskResult.objects.get().claim("busy-worker")
    Plan.objects.filter(pk=plan.pk).update(started_at=timezone.now(), progress=40)
    plan.refresh_from_db()
    assert tasks.run_status(plan) == tasks.RUN_RUNNING
    deadline = 2 * 30 + settings.VALIZA_PLANNING_MARGIN_SECONDS
    with later(seconds=deadline - 1):
        assert actions.recover_runs() == 0
    with later(seconds=deadline + 1):
        assert actions.recover_runs() == 1
    plan.refresh_from_db()
    assert plan.state == Plan.State.FAILED and "не завершився вчасно" in plan.message
    assert actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10).version == 2


def test_a_run_waiting_in_a_busy_queue_is_left_to_wait(world, queued_run):
    _week, plan = queued_run()
    assert tasks.run_status(plan) == tasks.RUN_WAITING
    with later(hours=3):
        assert actions.recover_runs() == 0
        plan.refresh_from_db()
        assert plan.state == Plan.State.PLANNING and plan.waits_for_worker


def test_a_run_whose_task_was_never_queued_is_failed_after_the_lease(world, settings):
    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10)  # the queue was down
    assert tasks.run_status(plan) == tasks.RUN_UNKNOWN
    assert actions.recover_runs() == 0
    with later(seconds=settings.VALIZA_WORKER_LEASE_SECONDS + 1):
        assert actions.recover_runs() == 1
    plan.refresh_from_db()
    assert plan.state == Plan.State.FAILED and plan.message == str(actions.RUN_NOT_QUEUED)


def test_a_run_whose_task_is_gone_from_the_queue_is_failed(world, queued_run):
    _week, plan = queued_run()
    DBTaskResult.objects.all().delete()  # e.g. pruned
    assert tasks.run_status(plan) == tasks.RUN_GONE
    assert actions.recover_runs() == 1
    plan.refresh_from_db()
    assert plan.state == Plan.State.FAILED


def test_the_coordinator_cancels_a_run_from_the_board_and_the_week_is_free(world, team, login, queued_run):  # noqa: F811
    week, plan = queued_run()
    client = login(world.users["coordinator"])
    board = client.get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert "Скасувати розрахунок" in board and f"/staff/planning/plan/{plan.pk}/cancel/" in board
    response = client.post(f"/staff/planning/plan/{plan.pk}/cancel/", follow=True)
    html = response.content.decode()
    assert "Розрахунок скасовано. Тиждень вільний" in html
    plan.refresh_from_db()
    assert plan.state == Plan.State.CANCELLED and plan.finished_at == timezone.now()
    assert plan.message.startswith("Розрахунок скасовано: Coordinator")
    # The board says so and offers to run again with the same time limit.
    assert plan.message in html and "Спланувати ще раз" in html
    assert f'name="time_limit_s" value="{plan.time_limit_s}"' in html
    response = client.post(f"/staff/planning/week/{week.pk}/plan/", {"time_limit_s": "10"})
    assert response.status_code == 302 and week.plans.get(version=2).state == Plan.State.PLANNING


def test_a_finished_run_cannot_be_cancelled(world, login):
    week = actions.week_for(world.a, MONDAY)
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.DRAFT)
    client = login(world.users["coordinator"])
    html = client.post(f"/staff/planning/plan/{plan.pk}/cancel/", follow=True).content.decode()
    assert "уже завершився" in html
    plan.refresh_from_db()
    assert plan.state == Plan.State.DRAFT


def test_another_communitys_run_cannot_be_cancelled(world, login):
    week_b = actions.week_for(world.b, MONDAY)
    plan_b = actions.start_planning(week_b, by=world.b_coordinator, time_limit_s=1)
    client = login(world.users["coordinator"])
    assert client.post(f"/staff/planning/plan/{plan_b.pk}/cancel/").status_code == 404
    plan_b.refresh_from_db()
    assert plan_b.state == Plan.State.PLANNING


class Clock:
    """time.monotonic for planning.actions: a second passes at every look, so each report saves."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        self.now += 1
        return self.now


def test_a_run_cancelled_meanwhile_stops_the_solver_and_stores_nothing(world, team, monkeypatch):  # noqa: F811
    accepted(world)
    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10)
    answers = []

    def solve(problem, time_limit_s, progress=None, **kwargs):
        answers.append(progress(solver.Progress(0.1, 1, None)))
        actions.cancel_planning(plan, by=world.users["coordinator"])  # meanwhile, on the board
        answers.append(progress(solver.Progress(0.2, 2, None)))
        return object()  # never stored

    monkeypatch.setattr(actions, "time", Clock())
    monkeypatch.setattr(solver, "solve", solve)
    plan = actions.run_planning(plan.pk)
    assert answers == [False, True]  # True: the solver stops
    assert plan.state == Plan.State.CANCELLED and plan.progress == 100 and not Trip.objects.exists()


def test_a_run_failed_by_recovery_is_not_overwritten_when_it_finishes_after_all(world, team, monkeypatch):  # noqa: F811
    accepted(world)
    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=10)

    def slow(problem, time_limit_s, progress=None, **kwargs):
        Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FAILED, message="перервано")  # recovery
        # A finished search with nothing in it: stored, it would make the plan a draft.
        return solver.Solution(routes=[], unplanned=[], totals=solver.totals([]), objective=0, feasible=True,
                               runtime_s=0.0, iterations=0)

    monkeypatch.setattr(solver, "solve", slow)
    plan = actions.run_planning(plan.pk)
    assert plan.state == Plan.State.FAILED and plan.message == "перервано" and not Trip.objects.exists()


@pytest.mark.solver
def test_cancelling_stops_a_real_solver_run_long_before_its_time_limit(transactional_db, world, team, settings):  # noqa: F811
    settings.VALIZA_SOLVER_NO_IMPROVEMENT = None  # search for the whole limit unless stopped
    for _ in range(3):
        accepted(world)
    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=60)
    done = {}

    def run():
        done["plan"] = actions.run_planning(plan.pk)

    started = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    while Plan.objects.get(pk=plan.pk).progress == 0 and time.monotonic() - started < 30:
        time.sleep(0.05)
    actions.cancel_planning(plan, by=world.users["coordinator"])
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert time.monotonic() - started < 20
    assert done["plan"].state == Plan.State.CANCELLED and not Trip.objects.filter(plan=plan).exists()

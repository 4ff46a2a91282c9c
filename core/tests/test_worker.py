"""The background worker's heartbeat and its reaping of tasks whose worker is gone (core/worker.py)."""

import datetime
import threading

import pytest
import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import worker
from core.models import Worker
from core.tests.workers import DATABASE_TASKS, run_worker
from notifications.tasks import send_outbox


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def running(db, settings):
    """Queue a task and have `worker_id` claim it: RUNNING, as a worker leaves it when it dies."""
    settings.TASKS = DATABASE_TASKS

    def claimed(worker_id):
        result = DBTaskResult.objects.get(pk=send_outbox.enqueue().id)
        result.claim(worker_id)
        return result
    return claimed


def test_a_task_of_a_worker_silent_past_its_lease_is_reaped_and_a_live_ones_is_not(running, settings):
    lease = settings.VALIZA_WORKER_LEASE_SECONDS
    worker.beat("dead")
    dead = running("dead")
    with later(seconds=lease / 2):
        worker.beat("alive")
        alive = running("alive")
    with later(seconds=lease - 1):
        assert worker.reap() == []
    with later(seconds=lease + 1):
        assert worker.reap() == [dead.pk]
        assert worker.reap() == []  # once
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED and dead.exception_class_path == "core.worker.WorkerLost"
    assert "worker dead stopped" in dead.traceback and dead.finished_at is not None
    assert alive.status == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_with_no_heartbeat_is_reaped_a_lease_after_it_started(running, settings):
    unknown = running("no-heartbeat")
    assert worker.reap() == []
    with later(seconds=settings.VALIZA_WORKER_LEASE_SECONDS + 1):
        assert worker.reap() == [unknown.pk]


def test_long_dead_workers_are_forgotten_once_reaped(db, settings):
    worker.beat("old")
    with later(seconds=settings.VALIZA_WORKER_LEASE_SECONDS * 11):
        worker.beat("new")
        worker.reap()
    assert list(Worker.objects.values_list("pk", flat=True)) == ["new"]


def test_the_worker_registers_reaps_at_start_and_forgets_itself_when_it_stops(transactional_db, settings, running):
    dead = running("dead")
    settings.VALIZA_WORKER_CHECKS = ["core.tests.test_worker.record_check"]
    CHECKS.clear()
    with later(seconds=settings.VALIZA_WORKER_LEASE_SECONDS + 1):
        send_outbox.enqueue()
        run_worker(worker_id="w-test")
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED  # reaped before the worker ran anything
    assert CHECKS == ["w-test"]  # the recovery checks ran once, at start, while the worker was registered
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    assert not Worker.objects.exists()


CHECKS = []


def record_check():
    CHECKS.extend(Worker.objects.values_list("worker_id", flat=True))


def broken_check():
    raise RuntimeError("a check that fails")


def test_a_failing_check_does_not_stop_the_others(db, settings):
    settings.VALIZA_WORKER_CHECKS = ["core.tests.test_worker.broken_check", "core.tests.test_worker.record_check"]
    CHECKS.clear()
    worker.beat("w")
    worker.run_checks()
    assert CHECKS == ["w"]


def test_the_watch_beats_and_runs_the_checks_on_its_own_thread(db, settings, monkeypatch):
    settings.VALIZA_WORKER_HEARTBEAT_SECONDS = 0.01
    settings.VALIZA_WORKER_CHECK_SECONDS = 0.02
    beats, checked = [], threading.Event()
    monkeypatch.setattr(worker, "beat", lambda worker_id: beats.append(worker_id))
    monkeypatch.setattr(worker, "run_checks", checked.set)
    watch = worker.Watch("w")
    watch.start()
    try:
        assert checked.wait(timeout=5)
    finally:
        watch.stop()
    assert not watch.is_alive() and beats and set(beats) == {"w"}


def test_task_pending_sees_waiting_and_running_tasks_only(running):
    assert not worker.task_pending(send_outbox)
    task = running("w")
    assert worker.task_pending(send_outbox)
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.FAILED)
    assert not worker.task_pending(send_outbox)


def test_settings_refuse_a_lease_shorter_than_three_heartbeats():
    from notifications.tests.test_settings import _import_settings

    result = _import_settings(VALIZA_WORKER_HEARTBEAT_SECONDS="30", VALIZA_WORKER_LEASE_SECONDS="60")
    assert result.returncode != 0 and "VALIZA_WORKER_LEASE_SECONDS must be at least three heartbeats" in result.stderr
    result = _import_settings(VALIZA_WORKER_HEARTBEAT_SECONDS="0.5", VALIZA_WORKER_LEASE_SECONDS="2")
    assert result.returncode == 0, result.stderr

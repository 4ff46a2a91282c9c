"""The background worker's watch (ADR 5): a heartbeat, and recovery of work whose worker died.

`manage.py worker` (and `db_worker`, the same command) runs django-tasks-db's worker with a thread
beside it. The thread renews this worker's heartbeat (`core.Worker`) every
VALIZA_WORKER_HEARTBEAT_SECONDS. At start, before the first task is claimed, and then every
VALIZA_WORKER_CHECK_SECONDS it runs `run_checks`:
- `reap`: a task left RUNNING by a worker whose heartbeat is older than VALIZA_WORKER_LEASE_SECONDS
  (killed, out of memory, the machine went down) is marked FAILED with `WorkerLost`;
- then each app's recovery check (settings.VALIZA_WORKER_CHECKS) sets its own data right: a planning
  run that can no longer finish is failed, an SMS whose send may have happened is marked so, case
  files never built are built again.
Nothing is run again blindly: only the app knows whether repeating is safe.

Two workers never run one task: django-tasks-db claims a task inside a transaction (SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL; an EXCLUSIVE transaction on SQLite). Every check here is a
conditional UPDATE, so several workers may run them at once.
"""

import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .logs import Safe
from .models import Worker

log = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped without finishing it (its heartbeat ended)."""


LOST_PATH = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def lease():
    return datetime.timedelta(seconds=settings.VALIZA_WORKER_LEASE_SECONDS)


def beat(worker_id, now=None):
    """This worker is alive (registers it on the first beat)."""
    now = now or timezone.now()
    if not Worker.objects.filter(pk=worker_id).update(heartbeat_at=now):
        Worker.objects.update_or_create(worker_id=worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now, "heartbeat_at": now})


def forget(worker_id):
    """The worker stopped cleanly: nothing of it is left to reap."""
    Worker.objects.filter(pk=worker_id).delete()


def reap(now=None):
    """Mark FAILED every task left RUNNING by a worker that is gone; returns the reaped tasks' ids.

    Gone: its heartbeat is older than the lease, or it has no heartbeat at all (its row was removed
    as long dead) and the task started longer ago than the lease.
    """
    now = now or timezone.now()
    cutoff = now - lease()
    heartbeats = dict(Worker.objects.values_list("worker_id", "heartbeat_at"))
    lost = []
    for task_id, worker_ids, started_at in DBTaskResult.objects.running().values_list(
            "id", "worker_ids", "started_at"):
        worker = worker_ids[-1] if worker_ids else None
        last_sign = heartbeats.get(worker, started_at)
        if last_sign is None or last_sign < cutoff:
            lost.append((task_id, worker, last_sign))
    reaped = []
    for task_id, worker, last_sign in lost:
        note = (f"{LOST_PATH}: worker {worker} stopped while running this task; its last sign of life "
                f"was at {last_sign.isoformat() if last_sign else 'unknown'}, reaped at {now.isoformat()}.\n")
        if DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                exception_class_path=LOST_PATH, traceback=note):
            reaped.append(task_id)
            log.warning("reaped task %s of worker %s (no heartbeat since %s)", Safe(task_id), Safe(worker),
                        Safe(last_sign))
    # Rows of workers dead for long serve nothing more once their tasks are reaped.
    Worker.objects.filter(heartbeat_at__lt=now - 10 * lease()).delete()
    return reaped


def task_pending(task):
    """Whether `task` waits or runs in the database queue. With another backend we cannot tell, and
    say True (the caller then adds nothing to the queue)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return True
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def run_checks():
    """Reap, then each app's recovery check. One failing check does not stop the others."""
    try:
        reap()
    except Exception:
        log.exception("reaping the tasks of dead workers failed")
    for path in settings.VALIZA_WORKER_CHECKS:
        try:
            import_string(path)()
        except Exception:
            log.exception("worker check %s failed", Safe(path))


class Watch(threading.Thread):
    """Heartbeats and periodic checks beside the worker's task loop, on the thread's own connection."""

    def __init__(self, worker_id):
        super().__init__(name="valiza-worker-watch", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        next_check = time.monotonic() + settings.VALIZA_WORKER_CHECK_SECONDS
        try:
            while not self.stopped.wait(settings.VALIZA_WORKER_HEARTBEAT_SECONDS):
                close_old_connections()
                try:
                    beat(self.worker_id)
                except Exception:  # e.g. SQLite busy for long: the next beat tries again
                    log.exception("worker %s could not renew its heartbeat", Safe(self.worker_id))
                if time.monotonic() >= next_check:
                    run_checks()
                    next_check = time.monotonic() + settings.VALIZA_WORKER_CHECK_SECONDS
        finally:
            connections.close_all()

    def stop(self):
        self.stopped.set()
        self.join(timeout=60)


def start(worker_id):
    """Register the worker, recover what dead workers left, then keep watch; returns the watch.

    Registered first: from then on no other worker's reaping takes this one's tasks for lost.
    """
    beat(worker_id)
    run_checks()
    watch = Watch(worker_id)
    watch.start()
    log.info("worker %s started (heartbeat every %ss, lease %ss)", Safe(worker_id),
             Safe(settings.VALIZA_WORKER_HEARTBEAT_SECONDS), Safe(settings.VALIZA_WORKER_LEASE_SECONDS))
    return watch


def stop(watch):
    watch.stop()
    forget(watch.worker_id)

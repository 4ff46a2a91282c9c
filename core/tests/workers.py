"""Helpers for tests of the background worker and of recovery after a dead one (core/worker.py)."""

import io
import signal

from django.core.management import call_command

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Killed(BaseException):
    """SIGKILL in a test: the process stops where it is. Not an Exception, so no `except Exception`
    of ours runs, as none would in a killed process."""


def run_worker(command="worker", **options):
    """Run the worker in this process until the queue is empty; its output."""
    # The worker installs its own signal handlers; give pytest its own back afterwards.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    out = io.StringIO()
    try:
        call_command(command, batch=True, startup_delay=False, reload=False, interval=0, stdout=out, **options)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return out.getvalue()

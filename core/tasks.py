"""Putting work on the background worker's queue (ADR 5), the same way from every app."""

from django.db import transaction


def enqueue_on_commit(task, *args, run_after=None, then=None):
    """Queue `task(*args)` once the current transaction commits, not before `run_after` if given;
    `then(result)` is called with the queued task's result (e.g. to remember its id).

    Robust: a queue that cannot be reached is logged and the transaction stands. A backend that
    cannot wait (the immediate one) skips a deferred task: whatever it was for is done by the
    task's next run or its management command.
    """
    def _enqueue():
        queued = task
        if run_after is not None:
            if not queued.get_backend().supports_defer:
                return
            queued = queued.using(run_after=run_after)
        result = queued.enqueue(*args)
        if then is not None:
            then(result)

    transaction.on_commit(_enqueue, robust=True)

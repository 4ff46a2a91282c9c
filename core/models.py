"""The ground floor's own tables: only what core itself needs to work across processes."""

from django.db import models


class Worker(models.Model):
    """A running background worker (`manage.py worker`) and its heartbeat (ADR 5).

    The worker's own thread renews `heartbeat_at` every VALIZA_WORKER_HEARTBEAT_SECONDS; a worker
    whose heartbeat is older than VALIZA_WORKER_LEASE_SECONDS is gone, and the tasks it was running
    are reaped (core/worker.py).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "background worker"

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class RateCounter(models.Model):
    """One client's hits on one public form in one time window (core.ratelimit), shared by every web
    process through the database when no shared cache (Redis) is configured."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    # The end of the window: rows past it are deleted as new windows begin.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}={self.count}"

"""The ground floor's own tables: only what core itself needs to work across processes."""

from django.db import models


class RateCounter(models.Model):
    """One client's hits on one public form in one time window (core.ratelimit), shared by every web
    process through the database when no shared cache (Redis) is configured."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    # The end of the window: rows past it are deleted as new windows begin.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}={self.count}"

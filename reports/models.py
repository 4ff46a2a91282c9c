"""Periodic reports (issue 14, "Reports"): a quarter, a half-year or a year of one community, kept.

A report is built in the background into `data`, a frozen snapshot of every figure (reports/snapshot.py),
and a PDF drawn from it. Published, it never changes: data corrected later makes a new version of the
same period (version N+1); the old one stays readable and downloadable. A version not yet published may
be built again in place.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    QUARTER = "quarter", _("квартальний")
    HALF = "half", _("піврічний")
    YEAR = "year", _("річний")


class State(models.TextChoices):
    QUEUED = "queued", _("у черзі")
    RUNNING = "running", _("складається")
    DONE = "done", _("готовий")
    FAILED = "failed", _("не вдалося скласти")


class Report(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("початок періоду"))
    end = models.DateField(_("кінець періоду"))
    version = models.PositiveSmallIntegerField(_("версія"), default=1)
    state = models.CharField(_("стан"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("готовність, %"), default=0)
    error = models.TextField(_("помилка"), blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("звіт")
        verbose_name_plural = _("звіти")
        ordering = ("-start", "kind", "-version")
        constraints = (
            models.UniqueConstraint(fields=("community", "kind", "start", "version"), name="reports_one_version_number"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="reports_end_not_before_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reports_progress_at_most_100"),
            models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(state="done"), name="reports_only_done_published"),
        )

    def __str__(self):
        return f"{self.title} (в. {self.version})"

    @property
    def title(self):
        from .periods import period_title

        return period_title(self.kind, self.start)

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def is_busy(self):
        return self.state in (State.QUEUED, State.RUNNING)

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import WEEKDAYS
from visits.models import new_number


class PlanningWeek(models.Model):
    """One community's week of trips, Monday to Sunday, with its cut-off and publish deadline."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="planning_weeks")
    monday = models.DateField(_("тиждень з"))
    cutoff_at = models.DateTimeField(_("прийом адрес до"))
    publish_by = models.DateTimeField(_("оприлюднити до"))

    class Meta:
        verbose_name = _("тиждень планування")
        verbose_name_plural = _("тижні планування")
        ordering = ["-monday"]
        constraints = [models.UniqueConstraint(fields=["community", "monday"], name="one_week_per_monday")]

    def __str__(self):
        sunday = self.monday + datetime.timedelta(days=6)
        return _("Тиждень %(a)s–%(b)s") % {"a": self.monday.strftime("%d.%m"), "b": sunday.strftime("%d.%m.%Y")}

    @property
    def days(self):
        return [self.monday + datetime.timedelta(days=i) for i in range(7)]


class Plan(models.Model):
    """One version of a week's plan. planning → draft → approved → published; revising a published
    plan makes a new version and the old one is superseded. A run ends failed (with a message) or
    cancelled instead of draft."""

    class State(models.TextChoices):
        PLANNING = "planning", _("Складається")
        FAILED = "failed", _("Не вдалося скласти")
        DRAFT = "draft", _("Чернетка")
        APPROVED = "approved", _("Затверджено")
        PUBLISHED = "published", _("Оприлюднено")
        SUPERSEDED = "superseded", _("Замінено новою версією")
        CANCELLED = "cancelled", _("Розрахунок скасовано")

    week = models.ForeignKey(PlanningWeek, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("версія"))
    state = models.CharField(_("стан"), max_length=12, choices=State.choices, default=State.PLANNING)
    time_limit_s = models.PositiveSmallIntegerField(
        _("час на розрахунок, с"), default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The worker's run: when it began, and the background task that runs it (planning.tasks), so a
    # run whose worker died is found and failed (actions.recover_runs).
    started_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Published after the week's deadline (publish_by): feeds the punctuality indicator.
    published_late = models.BooleanField(_("оприлюднено із запізненням"), default=False)
    totals = models.JSONField(default=dict, blank=True)
    # request id → its updated_at when planned: approving warns when a request changed since.
    basis = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("план виїздів")
        verbose_name_plural = _("плани виїздів")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["week", "version"], name="one_plan_per_version"),
            # The same week cannot be planned twice at once: the database says no to a second run.
            models.UniqueConstraint(
                fields=["week"], condition=models.Q(state="planning"), name="one_planning_run_per_week"
            ),
        ]

    def __str__(self):
        return _("%(week)s, версія %(v)s") % {"week": self.week, "v": self.version}

    @property
    def waits_for_worker(self):
        """Queued a while ago and not started: the worker is busy or not running (the board says so)."""
        return (self.state == self.State.PLANNING and self.started_at is None
                and timezone.now() - self.created_at > datetime.timedelta(minutes=1))


class Trip(models.Model):
    """One team's day: its vehicle, suitcase and ordered stops."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="trips")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT)
    day = models.DateField()
    vehicle = models.ForeignKey("teams.Vehicle", null=True, blank=True, on_delete=models.SET_NULL)
    suitcase = models.ForeignKey("teams.Suitcase", null=True, blank=True, on_delete=models.SET_NULL)
    leave_at = models.DateTimeField()
    return_at = models.DateTimeField()
    travel_minutes = models.PositiveIntegerField(default=0)
    distance_m = models.PositiveIntegerField(default=0)
    wait_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "team", "day"], name="one_trip_per_plan_team_day",
                violation_error_message=_("У цій версії плану команда вже має виїзд цього дня."),
            ),
        ]


class Stop(models.Model):
    """A visit (or a fixed-point session) in a trip, with the times the citizen is told."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    request = models.ForeignKey(
        "visits.VisitRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="stops"
    )
    session = models.ForeignKey("planning.Session", null=True, blank=True, on_delete=models.PROTECT)
    arrival = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The window the citizen is told: the planned start rounded out to whole half hours and widened.
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["trip", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, session__isnull=True)
                | models.Q(request__isnull=True, session__isnull=False),
                name="stop_is_request_or_session",
                violation_error_message=_("Зупинка — це або візит за заявкою, або прийом за графіком, "
                                          "не обидва і не жоден."),
            ),
            # Not deferrable (SQLite has none): a plan's stops are written once and a revision is a
            # new plan version, so no write moves a position. Reordering in place would have to
            # renumber in two steps (first out of the way, e.g. +1000, then to the final numbers).
            models.UniqueConstraint(
                fields=["trip", "position"], name="one_stop_per_trip_position",
                violation_error_message=_("У цьому виїзді вже є зупинка з таким порядковим номером."),
            ),
            # Numbered from 1 everywhere (board, map, route sheet, laptop): the number is the position.
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="stop_position_from_one",
                violation_error_message=_("Зупинки нумеруються з 1."),
            ),
        ]


class Unplanned(models.Model):
    """A request (or one day's fixed-point session) the plan could not fit, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unplanned")
    request = models.ForeignKey(
        "visits.VisitRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey("planning.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The day the session should have been held (a session recurs; a request has no such date).
    date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, session__isnull=True)
                | models.Q(request__isnull=True, session__isnull=False, date__isnull=False),
                name="unplanned_is_request_or_session_day",
            )
        ]


class Pin(models.Model):
    """The coordinator's decision that a request goes to a team's day (and optionally a time)."""

    week = models.ForeignKey(PlanningWeek, on_delete=models.CASCADE, related_name="pins")
    request = models.ForeignKey("visits.VisitRequest", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE)
    day = models.DateField()
    start = models.TimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "request"], name="one_pin_per_request")]


class Inclusion(models.Model):
    """The coordinator's decision that a request accepted after the week's cut-off is planned in this
    week anyway (issue 10): who and when; the request's history says so too."""

    week = models.ForeignKey(PlanningWeek, on_delete=models.CASCADE, related_name="inclusions")
    request = models.ForeignKey("visits.VisitRequest", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "request"], name="one_inclusion_per_request")]


class FixedPoint(models.Model):
    """A place in a remote settlement where the team receives people on a schedule
    (e.g. the village culture house)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="fixed_points")
    settlement = models.ForeignKey("communities.Settlement", verbose_name=_("населений пункт"), on_delete=models.PROTECT)
    name = models.CharField(_("назва"), max_length=200)
    address = models.CharField(_("адреса"), max_length=300)
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("довгота"), max_digits=9, decimal_places=6)
    is_active = models.BooleanField(_("працює"), default=True)

    class Meta:
        verbose_name = _("пункт прийому за графіком")
        verbose_name_plural = _("пункти прийому за графіком")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.settlement_id and self.community_id and self.settlement.community_id != self.community_id:
            raise ValidationError({"settlement": _("Населений пункт належить іншій громаді.")})


class Session(models.Model):
    """A recurring reception at a fixed point: every <weekday> from <start> to <end>."""

    fixed_point = models.ForeignKey(FixedPoint, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(_("день тижня"), choices=WEEKDAYS)
    start = models.TimeField(_("з"))
    end = models.TimeField(_("до"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("хвилин на людину"), default=20, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    team = models.ForeignKey("teams.Team", verbose_name=_("команда"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("сесія прийому")
        verbose_name_plural = _("сесії прийому")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="session_starts_before_end",
                violation_error_message=_("Кінець прийому має бути пізніше за початок."),
            ),
        ]

    def __str__(self):
        return f"{self.fixed_point}: {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self):
        """How long the reception lasts: the time the team spends at the fixed point."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def clean(self):
        # start < end is the database's check (Meta.constraints); the form shows its message.
        if self.start and self.end and self.start < self.end and self.slot_minutes and self.minutes < self.slot_minutes:
            raise ValidationError(_("Прийом коротший за час на одну людину: записатися не можна буде жодного разу."))
        # An unsaved fixed point (added together with its sessions in the admin) has no id yet.
        if self.team_id and self.fixed_point_id and self.team.community_id != self.fixed_point.community_id:
            raise ValidationError({"team": _("Команда належить іншій громаді.")})


class SessionBookingQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bookings this member of staff may see: their own community, nothing else."""
        if not getattr(user, "community_id", None):
            return self.none()
        return self.filter(community_id=user.community_id)


class SessionBooking(models.Model):
    """A citizen's slot at a fixed-point session on one date, booked from the public site."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="session_bookings")
    session = models.ForeignKey(Session, verbose_name=_("прийом"), on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField(_("дата"))
    start = models.TimeField(_("час"))
    applicant_name = models.CharField(_("прізвище, ім'я, по батькові"), max_length=200)
    applicant_birth_date = models.DateField(_("дата народження"))
    phone = models.CharField(_("телефон"), max_length=20)  # E.164
    service = models.ForeignKey(
        "catalogue.Service", verbose_name=_("послуга"), null=True, blank=True, on_delete=models.PROTECT
    )
    consent_at = models.DateTimeField(_("згода на обробку персональних даних"))
    warning_acknowledged_at = models.DateTimeField(_("попереджено про відповідальність"))
    number = models.CharField(_("номер запису"), max_length=11, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    cancelled = models.BooleanField(_("скасовано"), default=False)
    # Who cancelled and why: the citizen (by number + phone: no user) or staff with a reason they told.
    cancelled_at = models.DateTimeField(_("коли скасовано"), null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    cancel_reason = models.CharField(_("причина скасування"), max_length=300, blank=True, editable=False)
    # The last time the citizen moved it to another slot, and from where: a plan made before that moment is
    # out of date at both sessions (the board marks them).
    moved_at = models.DateTimeField(_("коли перенесено"), null=True, blank=True, editable=False)
    moved_from_session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", editable=False)
    moved_from_date = models.DateField(null=True, blank=True, editable=False)

    objects = SessionBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("запис на прийом")
        verbose_name_plural = _("записи на прийом")
        ordering = ["date", "start"]
        constraints = [
            # One person per slot, decided by the database: two citizens pressing "book" at the
            # same moment cannot both get it. A cancelled booking frees the slot.
            models.UniqueConstraint(
                fields=["session", "date", "start"], condition=models.Q(cancelled=False), name="one_booking_per_slot"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.date:%d.%m.%Y} {self.start:%H:%M}"

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = new_booking_number()
            while SessionBooking.objects.filter(number=self.number).exists():
                self.number = new_booking_number()
        super().save(*args, **kwargs)


# A booking's number is a request's number with a letter in front (З — «запис»), so that a citizen,
# the operator on the phone and the status page tell the two apart (ADR 4, issue 12).
BOOKING_PREFIX = "З-"


def new_booking_number():
    return BOOKING_PREFIX + new_number()

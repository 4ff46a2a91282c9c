from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel

WEEKDAYS = [(0, _("Понеділок")), (1, _("Вівторок")), (2, _("Середа")), (3, _("Четвер")),
            (4, _("П'ятниця")), (5, _("Субота")), (6, _("Неділя"))]


class Vehicle(models.Model):
    """A car the team travels in (service car or a carrier's)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="vehicles")
    name = models.CharField(_("назва"), max_length=100)
    plate = models.CharField(_("номерний знак"), max_length=20, blank=True)
    is_active = models.BooleanField(_("в роботі"), default=True)

    class Meta:
        verbose_name = _("автомобіль")
        verbose_name_plural = _("автомобілі")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} {self.plate}".strip()


class Suitcase(models.Model):
    """A mobile-office kit; its battery sets how long a trip may work away from a socket."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="suitcases")
    name = models.CharField(_("назва"), max_length=100)
    inventory_number = models.CharField(_("інвентарний номер"), max_length=40, blank=True)
    autonomy_minutes = models.PositiveSmallIntegerField(
        _("автономна робота, хв"), default=360, validators=[MinValueValidator(30), MaxValueValidator(24 * 60)],
        help_text=_("Скільки часу валіза працює від батареї (близько 6 годин)."),
    )
    is_active = models.BooleanField(_("в роботі"), default=True)

    class Meta:
        verbose_name = _("мобільна валіза")
        verbose_name_plural = _("мобільні валізи")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(TrackedModel, models.Model):
    """A mobile team: field administrators, optionally a partner specialist and a guard.

    A partner specialist of a provider lets the team take that provider's services that need one
    (Service.needs_partner).
    """

    # The indicators' stored partials hold this name: a rename drops them (core.changes, indicators/stale.py).
    TRACKED = ("name", "community_id")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("назва"), max_length=100)
    office = models.ForeignKey("communities.Office", verbose_name=_("виїжджає з офісу"), on_delete=models.PROTECT)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("адміністратори та фахівці"), blank=True, related_name="teams"
    )
    partner_providers = models.ManyToManyField(
        "catalogue.Provider", verbose_name=_("фахівці-партнери від"), blank=True,
        help_text=_("Наприклад, УСЗН: команда може приймати заяви на соціальні послуги."),
    )
    has_guard = models.BooleanField(_("з охороною"), default=False)
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("автомобіль"), null=True, blank=True, on_delete=models.SET_NULL)
    suitcase = models.ForeignKey(Suitcase, verbose_name=_("валіза"), null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(_("працює"), default=True)

    class Meta:
        verbose_name = _("виїзна команда")
        verbose_name_plural = _("виїзні команди")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        for obj, label in ((self.office, _("Офіс")), (self.vehicle, _("Автомобіль")), (self.suitcase, _("Валіза"))):
            if obj is not None and self.community_id and obj.community_id != self.community_id:
                raise ValidationError(_("%(what)s належить іншій громаді.") % {"what": label})


class TeamShift(models.Model):
    """The team's working hours on one weekday."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(_("день тижня"), choices=WEEKDAYS)
    start = models.TimeField(_("з"))
    end = models.TimeField(_("до"))

    class Meta:
        verbose_name = _("робочі години")
        verbose_name_plural = _("робочі години")
        ordering = ["weekday", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "weekday"], name="one_shift_per_weekday",
                violation_error_message=_("Для цього дня тижня робочі години команди вже вказано."),
            ),
            # In the database, not only in the form: the planner builds a day from these hours.
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="team_shift_starts_before_end",
                violation_error_message=_("Кінець робочого дня має бути пізніше за початок."),
            ),
        ]


class TeamDayOff(models.Model):
    """A day the team does not travel (leave, training, the car in repair)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="days_off")
    date = models.DateField(_("дата"))
    note = models.CharField(_("причина"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("вихідний команди")
        verbose_name_plural = _("вихідні команди")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "date"], name="one_day_off_per_date",
                violation_error_message=_("Цей день уже позначено як вихідний команди."),
            ),
        ]


class MembershipChange(models.Model):
    """A change to who is in a team for some dates: a regular member away (leave, sick, training) or
    someone who works with the team for those dates (a substitute for one day, a newcomer from a date).

    The team's regular members are `Team.members`; who actually travels on a day is those, minus the
    ones away that day, plus the ones who join that day (teams/rosters.py). Joining by date wins over a
    regular membership elsewhere: the substitute travels with the team they were put in for the day.
    """

    class Kind(models.TextChoices):
        AWAY = "away", _("відсутній (відпустка, лікарняний, навчання)")
        JOINS = "joins", _("працює з командою (заміна)")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="membership_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("людина"), on_delete=models.CASCADE,
                             related_name="team_changes")
    kind = models.CharField(_("що змінюється"), max_length=10, choices=Kind.choices)
    date_from = models.DateField(_("з дати"))
    date_to = models.DateField(_("до дати (включно)"), null=True, blank=True,
                               help_text=_("Порожньо — без кінцевої дати."))
    note = models.CharField(_("примітка"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("зміна складу команди")
        verbose_name_plural = _("зміни складу команди")
        ordering = ["date_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__isnull=True) | models.Q(date_from__lte=models.F("date_to")),
                name="membership_change_dates_in_order",
                violation_error_message=_("Кінцева дата не може бути раніше за початкову."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"

    def covers(self, day):
        return self.date_from <= day and (self.date_to is None or day <= self.date_to)

    def clean(self):
        if self.team_id and self.user_id and self.user.community_id not in (None, self.team.community_id):
            raise ValidationError(_("Ця людина працює в іншій громаді."))

"""The kit in each mobile suitcase, its upkeep and running costs (issue 16, "Equipment").

A suitcase (teams.Suitcase) is a kit of devices; whether it may go on a trip is decided in
equipment/readiness.py from the devices' states and the day's pre-trip checklist.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    """One device of a community: a laptop, a printer, a router… kept in a suitcase's kit (or on the
    shelf, with no suitcase). `needed` devices must be working for their suitcase to travel."""

    class Kind(models.TextChoices):
        LAPTOP = "laptop", _("ноутбук")
        PRINTER = "printer", _("принтер")
        SCANNER = "scanner", _("сканер")
        CARD_READER = "card_reader", _("зчитувач ID-карток")
        CAMERA = "camera", _("камера")
        ROUTER = "router", _("роутер / модем")
        POWER_BANK = "power_bank", _("павербанк")
        POS = "pos", _("платіжний термінал")
        OTHER = "other", _("інше")

    class State(models.TextChoices):
        WORKING = "working", _("справний")
        NEEDS_SERVICE = "needs_service", _("потребує обслуговування")
        WARRANTY_REPAIR = "warranty_repair", _("на гарантійному ремонті")
        LOST = "lost", _("втрачено")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="devices")
    suitcase = models.ForeignKey(
        "teams.Suitcase", verbose_name=_("у валізі"), null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    kind = models.CharField(_("що це"), max_length=20, choices=Kind.choices)
    model = models.CharField(_("модель"), max_length=100, blank=True)
    serial = models.CharField(_("серійний номер"), max_length=60)
    state = models.CharField(_("стан"), max_length=20, choices=State.choices, default=State.WORKING)
    state_since = models.DateField(_("у цьому стані з"), null=True, blank=True)
    needed = models.BooleanField(_("без нього валіза не виїжджає"), default=True)
    warranty_until = models.DateField(_("гарантія до"), null=True, blank=True)
    supplier = models.CharField(_("постачальник"), max_length=200, blank=True)
    # Printers: the page counter as last read, and its value when the cartridge was last changed.
    pages = models.PositiveIntegerField(_("лічильник сторінок"), default=0)
    pages_at_cartridge = models.PositiveIntegerField(_("лічильник при заміні картриджа"), default=0)

    class Meta:
        verbose_name = _("пристрій")
        verbose_name_plural = _("пристрої")
        ordering = ["suitcase__name", "kind", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "serial"],
                name="equipment_serial_unique_in_community",
                violation_error_message=_("Пристрій з таким серійним номером уже є в громаді."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.model} ({self.serial})".replace("  ", " ")

    @property
    def pages_since_cartridge(self):
        return max(0, self.pages - self.pages_at_cartridge)


class Checklist(models.Model):
    """A check of a suitcase or a vehicle before or after a team's trip on a day, by the technician.
    `items` holds what was checked ({item key: True/False}, equipment/checklists.py lists the items);
    `passed` is whether everything was fine. The latest one of the day counts."""

    class Subject(models.TextChoices):
        SUITCASE = "suitcase", _("валіза")
        VEHICLE = "vehicle", _("автомобіль")

    class Stage(models.TextChoices):
        BEFORE = "before", _("перед виїздом")
        AFTER = "after", _("після виїзду")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="checklists")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="checklists")
    day = models.DateField(_("день виїзду"))
    subject = models.CharField(_("що перевірено"), max_length=10, choices=Subject.choices)
    stage = models.CharField(_("коли"), max_length=10, choices=Stage.choices)
    suitcase = models.ForeignKey("teams.Suitcase", null=True, blank=True, on_delete=models.CASCADE, related_name="checklists")
    vehicle = models.ForeignKey("teams.Vehicle", null=True, blank=True, on_delete=models.CASCADE, related_name="checklists")
    items = models.JSONField(_("пункти"), default=dict)
    internet_balance = models.DecimalField(
        _("залишок на рахунку інтернету, грн"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    damage = models.TextField(_("пошкодження, нестача"), blank=True)
    note = models.TextField(_("примітка"), blank=True)
    passed = models.BooleanField(_("усе гаразд"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("записано"), auto_now_add=True)

    class Meta:
        verbose_name = _("контрольний список")
        verbose_name_plural = _("контрольні списки")
        ordering = ["-day", "-created_at", "-pk"]
        indexes = [models.Index(fields=["suitcase", "day"]), models.Index(fields=["vehicle", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject="suitcase", suitcase__isnull=False, vehicle__isnull=True)
                    | models.Q(subject="vehicle", vehicle__isnull=False, suitcase__isnull=True)
                ),
                name="equipment_checklist_names_its_subject",
                violation_error_message=_("Контрольний список стосується або валізи, або автомобіля."),
            ),
        ]


class MaintenanceRecord(models.Model):
    """Upkeep done on a device: an OS or browser update, a cartridge change, a repair, a warranty case
    with the supplier."""

    class Kind(models.TextChoices):
        OS_UPDATE = "os_update", _("оновлення операційної системи")
        BROWSER_UPDATE = "browser_update", _("оновлення браузера")
        CARTRIDGE = "cartridge", _("заміна картриджа / ємності для відпрацьованого чорнила")
        REPAIR = "repair", _("ремонт")
        WARRANTY = "warranty", _("гарантійний випадок з постачальником")
        FAILURE = "failure", _("несправність у дорозі")
        OTHER = "other", _("інше")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="maintenance")
    kind = models.CharField(_("що зроблено"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("дата"))
    note = models.TextField(_("опис"), blank=True)
    supplier_case = models.CharField(_("номер звернення до постачальника"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("запис обслуговування")
        verbose_name_plural = _("журнал обслуговування")
        ordering = ["-date", "-pk"]


class Expense(models.Model):
    """Money spent on running the mobile office: consumables, internet, transport, guard. Belongs to
    a suitcase, or to the whole service (no suitcase)."""

    class Category(models.TextChoices):
        CARTRIDGES = "cartridges", _("картриджі та витратні матеріали")
        INTERNET = "internet", _("мобільний інтернет")
        TRANSPORT = "transport", _("транспорт")
        GUARD = "guard", _("охорона")
        REPAIR = "repair", _("ремонт обладнання")
        OTHER = "other", _("інше")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    suitcase = models.ForeignKey(
        "teams.Suitcase", verbose_name=_("валіза"), null=True, blank=True, on_delete=models.PROTECT, related_name="expenses"
    )
    category = models.CharField(_("стаття витрат"), max_length=20, choices=Category.choices)
    date = models.DateField(_("дата оплати"))
    amount = models.DecimalField(_("сума, грн"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("примітка"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("витрата")
        verbose_name_plural = _("витрати")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="equipment_expense_positive",
                violation_error_message=_("Сума має бути більше нуля."),
            ),
        ]


class Reminder(models.Model):
    """Something the technician must do, raised once by the worker (equipment/reminders.py): its
    `key` is unique, so any number of runs makes one row."""

    class Kind(models.TextChoices):
        INTERNET = "internet", _("поповнити мобільний інтернет")
        CARTRIDGE = "cartridge", _("замінити картридж")
        WARRANTY = "warranty", _("закінчується гарантія")
        REPAIR = "repair", _("пристрій задовго в ремонті")
        FAILURE = "failure", _("несправність у дорозі")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("що"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("нагадування"))
    created_at = models.DateTimeField(_("з'явилося"), auto_now_add=True)
    done_at = models.DateTimeField(_("виконано"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("нагадування техніку")
        verbose_name_plural = _("нагадування техніку")
        ordering = ["done_at", "-created_at", "-pk"]

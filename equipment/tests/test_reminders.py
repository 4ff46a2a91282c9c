"""The worker's reminders to the technician, each raised once however often the worker runs."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from core import worker
from equipment import actions, reminders
from equipment.models import Device, Expense, MaintenanceRecord, Reminder
from equipment.tests.factories import device
from teams.models import Suitcase


@pytest.fixture
def suitcase(world):
    return Suitcase.objects.create(community=world.a, name="Валіза 1")


def month_end(today):
    following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def test_every_reminder_is_raised_once_when_the_worker_runs_twice(world, suitcase, settings):
    today = timezone.localdate()
    settings.VALIZA_CARTRIDGE_PAGES = 1000
    printer = device(world, suitcase, Device.Kind.PRINTER, pages=1200, pages_at_cartridge=100)
    device(world, suitcase, Device.Kind.LAPTOP, warranty_until=today + datetime.timedelta(days=10))
    device(
        world,
        suitcase,
        Device.Kind.ROUTER,
        state=Device.State.WARRANTY_REPAIR,
        state_since=today - datetime.timedelta(days=settings.VALIZA_REPAIR_TOO_LONG_DAYS),
    )
    settings.VALIZA_INTERNET_TOPUP_DAYS = (month_end(today) - today).days  # today is in the top-up days
    worker.run_checks()
    worker.run_checks()
    kinds = sorted(Reminder.objects.filter(community=world.a).values_list("kind", flat=True))
    assert kinds == ["cartridge", "internet", "repair", "warranty"]
    assert "1100 сторінок після останньої заміни" in Reminder.objects.get(kind="cartridge").text
    # A new cartridge restarts the count: the next reminder comes after another 1000 pages.
    actions.record_maintenance(printer, kind=MaintenanceRecord.Kind.CARTRIDGE, date=today, by=None)
    assert reminders.check() == 0
    Device.objects.filter(pk=printer.pk).update(pages=2300)
    assert reminders.check() == 1 and reminders.check() == 0


def test_nothing_is_due_for_a_kit_in_order(world, suitcase, settings):
    today = timezone.localdate()
    settings.VALIZA_INTERNET_TOPUP_DAYS = (month_end(today) - today).days - 1  # not yet the top-up days
    device(world, suitcase, Device.Kind.PRINTER, pages=10, warranty_until=today + datetime.timedelta(days=400))
    device(world, suitcase, Device.Kind.ROUTER, state=Device.State.NEEDS_SERVICE, state_since=today)
    assert reminders.check() == 0


def test_a_suitcase_whose_internet_is_paid_in_the_top_up_days_is_not_reminded(world, suitcase, settings):
    today = timezone.localdate()
    settings.VALIZA_INTERNET_TOPUP_DAYS = (month_end(today) - today).days
    actions.add_expense(
        world.a, category=Expense.Category.INTERNET, date=today, amount=Decimal("150"), suitcase=suitcase, by=None
    )
    other = Suitcase.objects.create(community=world.a, name="Валіза 2")
    assert reminders.check() == 1
    assert Reminder.objects.get().key.startswith(f"internet:{other.pk}:")


def test_the_technician_sees_the_reminder_and_marks_it_done_once(world, suitcase):
    device(world, suitcase, Device.Kind.LAPTOP, warranty_until=timezone.localdate())
    reminders.check()
    reminder = Reminder.objects.get(kind="warranty")
    client = Client()
    client.force_login(world.users["technician"])
    assert "Гарантія на ноутбук" in client.get("/staff/equipment/reminders/").content.decode()
    client.post(f"/staff/equipment/reminders/{reminder.pk}/done/")
    reminder.refresh_from_db()
    done_at = reminder.done_at
    assert done_at is not None and reminder.done_by == world.users["technician"]
    client.post(f"/staff/equipment/reminders/{reminder.pk}/done/")
    reminder.refresh_from_db()
    assert reminder.done_at == done_at

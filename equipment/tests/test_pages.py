"""The technician's pages and their bad input: a serial used twice, a checklist for another
community's team, a date in the future where it must be past. Clear words, nothing saved, never a 500."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from equipment.models import Checklist, Device, Expense, MaintenanceRecord, Reminder
from equipment.tests.factories import device
from teams.models import Suitcase, Team, TeamShift, Vehicle


def client_of(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def tech(world):
    return client_of(world.users["technician"])


@pytest.fixture
def team(world):
    suitcase = Suitcase.objects.create(community=world.a, name="Валіза 1")
    vehicle = Vehicle.objects.create(community=world.a, name="Авто 1")
    team = Team.objects.create(
        community=world.a, name="Команда 1", office=world.a.offices.get(), suitcase=suitcase, vehicle=vehicle
    )
    for weekday in range(7):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    return team


def test_the_technician_adds_a_device_to_a_suitcase(world, tech, team):
    response = tech.post(
        "/staff/equipment/devices/new/",
        {
            "kind": "printer",
            "model": "Epson L3250",
            "serial": " x123 456 ",
            "suitcase": team.suitcase.pk,
            "needed": "on",
            "state": "working",
            "warranty_until": "01.06.2027",
            "supplier": "ТОВ Постач",
            "pages": "0",
        },
    )
    saved = Device.objects.get()
    assert response.status_code == 302 and saved.serial == "X123 456" and saved.community == world.a
    assert saved.warranty_until == datetime.date(2027, 6, 1) and saved.state_since == timezone.localdate()


def test_a_serial_used_twice_is_refused_in_words_and_nothing_is_saved(world, tech, team):
    device(world, team.suitcase, Device.Kind.LAPTOP, serial="ABC-1")
    response = tech.post("/staff/equipment/devices/new/", {"kind": "laptop", "serial": "abc-1", "state": "working", "pages": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Пристрій із серійним номером ABC-1 уже записано: ноутбук (Валіза 1)" in page
    assert Device.objects.count() == 1
    # The same serial in another community is another device.
    Device.objects.create(community=world.b, kind="laptop", serial="ABC-1")


def test_a_checklist_for_another_communitys_team_is_404_and_nothing_is_saved(world, tech, team):
    other = Team.objects.create(
        community=world.b,
        name="Чужа",
        office=world.b.offices.get(),
        suitcase=Suitcase.objects.create(community=world.b, name="Чужа валіза"),
    )
    day = timezone.localdate().isoformat()
    url = f"/staff/equipment/checklists/{other.pk}/{day}/suitcase/before/"
    assert tech.get(url).status_code == 404
    assert tech.post(url, {"item_charged": "on"}).status_code == 404
    missing = f"/staff/equipment/checklists/{other.pk + 1000}/{day}/suitcase/before/"
    assert tech.post(missing, {}).status_code == 404
    for bad in (f"{team.pk}/2026-02-30/suitcase/before", f"{team.pk}/{day}/boat/before", f"{team.pk}/{day}/suitcase/during"):
        assert tech.post(f"/staff/equipment/checklists/{bad}/", {}).status_code == 404
    assert not Checklist.objects.exists()


def test_the_after_trip_check_of_a_trip_still_to_come_is_refused_in_words(world, tech, team):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = tech.post(f"/staff/equipment/checklists/{team.pk}/{tomorrow}/suitcase/after/", {"item_returned": "on"})
    assert response.status_code == 200 and "Цей виїзд ще не відбувся" in response.content.decode()
    assert not Checklist.objects.exists()


def test_after_the_trip_damage_is_recorded_and_the_check_does_not_pass(world, tech, team):
    today = timezone.localdate().isoformat()
    tech.post(
        f"/staff/equipment/checklists/{team.pk}/{today}/suitcase/after/",
        {"item_returned": "on", "damage": "Тріснув екран сканера"},
    )
    saved = Checklist.objects.get()
    assert saved.items == {"returned": True} and saved.damage == "Тріснув екран сканера" and not saved.passed


def test_upkeep_dated_in_the_future_is_refused_in_words_and_nothing_changes(world, tech, team):
    printer = device(world, team.suitcase, Device.Kind.PRINTER, pages=900)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d.%m.%Y")
    response = tech.post(f"/staff/equipment/devices/{printer.pk}/maintenance/", {"kind": "cartridge", "date": tomorrow})
    assert "Ця дата ще не настала" in response.content.decode()
    printer.refresh_from_db()
    assert not MaintenanceRecord.objects.exists() and printer.pages_at_cartridge == 0
    tech.post(
        f"/staff/equipment/devices/{printer.pk}/maintenance/",
        {
            "kind": "warranty",
            "date": timezone.localdate().strftime("%d.%m.%Y"),
            "supplier_case": "W-77",
            "state": "warranty_repair",
        },
    )
    printer.refresh_from_db()
    assert printer.state == Device.State.WARRANTY_REPAIR and MaintenanceRecord.objects.get().supplier_case == "W-77"


def test_an_expense_in_the_future_or_of_no_amount_is_refused_in_words(world, tech, team):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d.%m.%Y")
    page = tech.post("/staff/equipment/costs/new/", {"date": tomorrow, "category": "internet", "amount": "150"})
    assert "Ця дата ще не настала" in page.content.decode()
    page = tech.post("/staff/equipment/costs/new/", {"date": "01.01.2026", "category": "internet", "amount": "-5"})
    assert page.status_code == 200 and "Сума має бути більше нуля" in page.content.decode()
    page = tech.post("/staff/equipment/costs/new/", {"date": "99.99.9999", "category": "internet", "amount": "1e999"})
    assert page.status_code == 200
    assert not Expense.objects.exists()


def test_another_communitys_device_is_404(world, tech):
    other = Device.objects.create(community=world.b, kind="laptop", serial="B-1")
    assert tech.get(f"/staff/equipment/devices/{other.pk}/").status_code == 404
    assert (
        tech.post(f"/staff/equipment/devices/{other.pk}/maintenance/", {"kind": "repair", "date": "01.01.2026"}).status_code
        == 404
    )
    assert not MaintenanceRecord.objects.exists()


def test_a_field_administrator_reports_a_device_failing_on_the_way(world, team):
    laptop = device(world, team.suitcase, Device.Kind.LAPTOP)
    other = Device.objects.create(
        community=world.b, kind="laptop", serial="B-1", suitcase=Suitcase.objects.create(community=world.b, name="Чужа")
    )
    admin = client_of(world.users["field_admin"])
    refused = admin.post("/staff/equipment/report/", {"device": other.pk, "what": "Не вмикається"})
    assert "Оберіть пристрій зі списку" in refused.content.decode()
    assert admin.post("/staff/equipment/report/", {"device": laptop.pk, "what": "Не вмикається"}).status_code == 302
    laptop.refresh_from_db()
    other.refresh_from_db()
    assert laptop.state == Device.State.NEEDS_SERVICE and other.state == Device.State.WORKING
    assert MaintenanceRecord.objects.get().kind == MaintenanceRecord.Kind.FAILURE
    assert "Не вмикається" in Reminder.objects.get(kind="failure").text


def test_the_days_checks_list_the_teams_that_travel(world, tech, team):
    page = tech.get("/staff/equipment/checklists/?day=2026-13-01").content.decode()  # junk: today
    assert "Команда 1" in page and "Валіза 1" in page and "Авто 1" in page


def test_an_amount_is_taken_as_people_write_it(world, tech, team):
    response = tech.post(
        "/staff/equipment/costs/new/",
        {
            "date": timezone.localdate().strftime("%d.%m.%Y"),
            "category": "transport",
            "amount": "1 200,50",
            "suitcase": team.suitcase.pk,
        },
    )
    assert response.status_code == 302
    saved = Expense.objects.get()
    assert str(saved.amount) == "1200.50" and saved.suitcase == team.suitcase and saved.by == world.users["technician"]


def test_the_days_checks_say_when_a_failed_check_keeps_the_team_home(world, tech, team):
    day = timezone.localdate().isoformat()
    tech.post(f"/staff/equipment/checklists/{team.pk}/{day}/suitcase/before/", {"item_charged": "on"})
    page = tech.get(f"/staff/equipment/checklists/?day={day}").content.decode()
    assert "Цього дня не виїжджає: Валіза «Валіза 1» не готова: перевірка перед виїздом не пройдена" in page


HUGE = "99999999999999999999"  # wider than a 64-bit id: SQLite would raise if it reached the database


def test_ids_and_numbers_too_wide_for_the_database_never_give_a_500(world, tech):
    for url, data in [
        (f"/staff/equipment/devices/{HUGE}/", None),
        (f"/staff/equipment/checklists/{HUGE}/2026-01-01/suitcase/before/", {}),
        (f"/staff/equipment/devices/{HUGE}/maintenance/", {"kind": "repair", "date": "01.01.2026"}),
        (f"/staff/equipment/reminders/{HUGE}/done/", {}),
        ("/staff/equipment/report/", {"device": HUGE, "what": "x"}),
        ("/staff/equipment/devices/new/", {"kind": "laptop", "serial": "Z", "suitcase": HUGE, "state": "working", "pages": HUGE}),
        ("/staff/equipment/costs/new/", {"date": "01.01.2026", "category": "guard", "amount": "5", "suitcase": HUGE}),
        (f"/staff/equipment/costs/?year={HUGE}", None),
        (f"/staff/equipment/costs/export/?year={HUGE}&format=xlsx", None),
    ]:
        response = tech.post(url, data) if data is not None else tech.get(url)
        assert response.status_code in (200, 404), url
    assert not Device.objects.exists() and not Expense.objects.exists() and not MaintenanceRecord.objects.exists()

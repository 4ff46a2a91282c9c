import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessLog
from planning import pdf
from planning.models import Plan, PlanningWeek, Stop, Trip
from planning.tests.test_plan_week import MONDAY, accepted, plan_now, team  # noqa: F401 (fixture)
from teams.models import Team, Vehicle
from visits.models import Lift, Relation


def sheet_url(trip):
    return f"/staff/planning/trip/{trip.pk}/sheet.pdf"


def pdf_fonts(body):
    return {font.get_object()["/BaseFont"] for page in PdfReader(io.BytesIO(body)).pages
            for font in page["/Resources"]["/Font"].values()}


def pdf_text(body):
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def planned(world, team):  # noqa: F811
    team.vehicle = Vehicle.objects.create(community=world.a, name="Renault Kangoo", plate="АЕ 1234 КА")
    team.save()
    maria = accepted(
        world, applicant_name="Коваленко Марія Іванівна", applicant_phone="+380671112233",
        requester_name="Петренко Олег Васильович", requester_phone="+380501234567",
        requester_relation=Relation.NEIGHBOUR, street="вул. Шевченка", building="12", flat="7",
        entrance="2", floor=5, lift=Lift.NO, intercom="7К2580",
        access_notes="Хвіртка з двору, собака на ланцюгу", payment_method="terminal",
        services=[world.svc_reg, world.svc_cert], docs={world.doc_passport.pk},
        window_start=datetime.time(10), window_end=datetime.time(12), preferred_weekdays=[1],
    )
    ivan = accepted(world, applicant_name="Гнатюк Іван Степанович", street="вул. Лесі Українки", building="3",
                    preferred_weekdays=[1])
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    trip = Stop.objects.get(trip__plan=plan, request=maria).trip
    assert Stop.objects.filter(trip=trip, request=ivan).exists()
    return trip, maria, ivan


@pytest.mark.solver
def test_route_sheet_is_a_pdf_with_the_stops_in_cyrillic(world, planned, login):
    trip, maria, ivan = planned
    client = login(world.users["coordinator"])
    response = client.get(sheet_url(trip))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"%PDF")
    # Every glyph comes from our own DejaVu (@font-face "Valiza Sans"), none from the system's fonts.
    fonts = pdf_fonts(body)
    assert fonts and all(f.endswith(("+Valiza-Sans", "+Valiza-Sans-Bold")) for f in fonts), fonts
    text = pdf_text(body)
    for expected in (
        "Маршрутний лист", "Громада А", "Команда 1", "Renault Kangoo", "Валіза 1",
        "Коваленко Марія Іванівна", "Місто, вул. Шевченка, буд. 12, кв. 7", "під'їзд 2", "поверх 5",
        "немає ліфта", "7К2580", "Хвіртка з двору, собака на ланцюгу",
        "067 111 2233", "Петренко Олег Васильович", "сусід", "050 123 4567",
        "Реєстрація місця проживання", "✓", "Паспорт — є", "✗", "Квитанція — немає",
        "Довідка про зареєстрованих", "25,50 грн", "карткою через термінал",
        "Гнатюк Іван Степанович", "вул. Лесі Українки", "Нотатки", "Чернетка",
    ):
        assert expected in text, f"{expected!r} not in the sheet: {text[:3000]}"
    # Stops in the order of the trip, each with the window the person was told.
    stops = list(trip.stops.order_by("position"))
    names = {maria.pk: maria.applicant_name, ivan.pk: ivan.applicant_name}
    order = [text.index(names[s.request_id]) for s in stops]
    assert order == sorted(order)
    for s in stops:
        window = f"{timezone.localtime(s.window_start):%H:%M}–{timezone.localtime(s.window_end):%H:%M}"
        assert window in text


@pytest.mark.solver
def test_every_download_is_logged_for_each_person_on_the_sheet(world, planned, login):
    trip, maria, ivan = planned
    client = login(world.users["operator"])
    assert client.get(sheet_url(trip)).status_code == 200
    entries = AccessLog.objects.filter(action="print")
    assert {(e.object_type, e.object_id) for e in entries} == {
        ("visits.visitrequest", str(maria.pk)), ("visits.visitrequest", str(ivan.pk))}
    assert {e.user for e in entries} == {world.users["operator"]}
    assert all(e.community_id == world.a.pk and e.path == sheet_url(trip) for e in entries)
    client.get(sheet_url(trip))
    assert AccessLog.objects.filter(action="print").count() == 4


@pytest.mark.solver
def test_other_communitys_trip_is_404_and_roles_without_planning_are_refused(world, planned, login):
    trip, _maria, _ivan = planned
    office_b = world.b.offices.get()
    team_b = Team.objects.create(community=world.b, name="Команда Б", office=office_b)
    week_b = PlanningWeek.objects.create(community=world.b, monday=MONDAY, cutoff_at=timezone.now(),
                                         publish_by=timezone.now())
    plan_b = Plan.objects.create(week=week_b, version=1, state=Plan.State.DRAFT)
    leave = timezone.make_aware(datetime.datetime.combine(MONDAY, datetime.time(9)))
    trip_b = Trip.objects.create(plan=plan_b, team=team_b, day=MONDAY, leave_at=leave,
                                 return_at=leave + datetime.timedelta(hours=8))
    Stop.objects.create(trip=trip_b, position=1, request=world.b_req, arrival=leave, start=leave, end=leave,
                        window_start=leave, window_end=leave)

    assert login(world.users["coordinator"]).get(sheet_url(trip_b)).status_code == 404
    assert login(world.b_coordinator).get(sheet_url(trip)).status_code == 404
    assert login(world.b_coordinator).get(sheet_url(trip_b)).status_code == 200
    for role in ("technician", "partner", "sysadmin"):
        assert login(world.users[role]).get(sheet_url(trip)).status_code == 403, role
    assert not AccessLog.objects.filter(object_id__in=[str(world.req.pk), str(_maria.pk)], action="print").exists()


@pytest.mark.solver
def test_anonymous_is_sent_to_login(world, planned, client):
    trip, *_ = planned
    response = client.get(sheet_url(trip))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.solver
def test_board_links_each_trip_to_its_sheet(world, planned, login):
    trip, *_ = planned
    html = login(world.users["coordinator"]).get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    for t in Trip.objects.filter(plan=trip.plan):
        assert f'href="{sheet_url(t)}"' in html


@pytest.mark.solver
def test_missing_pdf_libraries_give_a_message_not_a_500(world, planned, login, monkeypatch):
    trip, *_ = planned

    def broken(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "route_sheet_pdf", broken)
    response = login(world.users["coordinator"]).get(sheet_url(trip), follow=True)
    assert response.status_code == 200
    assert "Маршрутний лист не вдалося створити" in response.content.decode()
    assert not AccessLog.objects.filter(action="print").exists()


def test_sheet_loads_only_our_static_files():
    # Our fonts resolve; anything else (the network, a file on the server) is refused outright.
    from weasyprint.urls import FatalURLFetchingError

    fetcher = pdf.static_only_fetcher()
    assert fetcher.fetch(pdf.STATIC_SCHEME + pdf.FONTS["regular"]).read(4) == b"\x00\x01\x00\x00"
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "data:text/plain,hi"):
        with pytest.raises(FatalURLFetchingError):
            pdf.render_pdf(f'<img src="{url}">')


@pytest.mark.solver
def test_field_administrator_prints_only_own_teams_published_trip(world, planned, login):
    from planning import actions

    trip, _maria, _ivan = planned
    field = world.users["field_admin"]
    client = login(field)
    assert client.get(sheet_url(trip)).status_code == 404  # not a member yet
    trip.team.members.add(field)
    assert client.get(sheet_url(trip)).status_code == 404  # a draft is not for the road
    actions.approve(trip.plan, by=world.users["coordinator"])
    actions.publish(trip.plan, by=world.users["coordinator"])
    response = client.get(sheet_url(trip))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/staff/planning/").status_code == 403  # the board stays the coordinator's


@pytest.mark.solver
def test_field_administrators_home_lists_their_published_trips(world, planned, login, settings):
    from planning import actions

    trip, _maria, _ivan = planned
    trip.team.members.add(world.users["field_admin"])
    actions.approve(trip.plan, by=world.users["coordinator"])
    actions.publish(trip.plan, by=world.users["coordinator"])
    html = login(world.users["field_admin"]).get("/staff/").content.decode()
    assert sheet_url(trip) in html


def _long_trip(world, n=8):
    from field.tests.factories import published_trip, scheduled_request

    reqs = [scheduled_request(world, services=[world.svc_reg, world.svc_cert] if i % 2 else [world.svc_cert],
                              docs={world.doc_passport.pk} if i % 4 == 1 else set(),
                              payment_method="terminal" if i % 2 else "")
            for i in range(n)]
    return published_trip(world, requests=reqs), reqs


def test_the_sheet_starts_with_the_day_and_what_to_take_summed_over_the_stops(world):
    trip, reqs = _long_trip(world)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pdf.route_sheet_html(trip)))
    summary = text[:text.index("Зупинки Роздруковано") if "Зупинки Роздруковано" in text else text.index(" Зупинки ")]
    stops = list(trip.stops.order_by("position"))
    assert [s.position for s in stops] == list(range(1, 9))
    first, last = timezone.localtime(stops[0].window_start), timezone.localtime(stops[-1].window_end)
    assert f"люди чекають з {first:%H:%M} до {last:%H:%M}" in summary
    assert "Що взяти" in summary and "платіжний термінал: 4 оплати карткою".capitalize() in summary
    assert f"Бланки заяв: {world.svc_cert.name} — 8; {world.svc_reg.name} — 4" in summary
    # Documents of the four registrations: the passport is there at two stops, missing at two.
    assert "Паспорт 4 2" in summary and "Квитанція 4 4" in summary
    assert "Оплата: платних візитів 4, разом 102.00 грн" in summary or "разом 102,00 грн" in summary
    for s in stops:  # every stop is listed in the day's table, in order
        assert s.request.applicant_name in summary


def test_stops_are_compact_several_to_a_page_never_split(world):
    trip, reqs = _long_trip(world)
    body = pdf.route_sheet_pdf(trip)
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) <= 4, len(pages)  # 8 stops and the summary: not one stop per page
    html = pdf.route_sheet_html(trip)
    assert "break-inside: avoid; page-break-inside: avoid" in html
    # Each stop's name is on one page only (its block is not split).
    texts = [re.sub(r"\s+", " ", p.extract_text() or "") for p in pages]
    for req in reqs:
        heading = f"{req.applicant_name} заявка {req.number}"
        assert sum(heading in t for t in texts) == 1, heading

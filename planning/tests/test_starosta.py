"""Issue 12: a starosta files requests for the people of their settlements (channel "starosta", the
operator's form and rules), sees the state and the published date of the requests they filed and the
schedule of their settlements — and nothing else."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessLog
from conftest import intake_post_data, make_request
from demo.trips import published_trip
from field.tests.factories import field_team
from planning import actions
from visits import actions as visit_actions
from visits.models import Channel, ConsentHow, Relation, Status, VisitRequest


@pytest.fixture
def starosta(world):
    user = world.users["starosta"]
    user.phone = "+380671112233"
    user.save(update_fields=["phone"])
    return user


def _post(world, **overrides):
    values = {"settlement": str(world.village.pk), "applicant_phone": "067 222 33 44", **overrides}
    return intake_post_data(world, **values)


def test_a_starosta_files_a_request_for_a_person_of_their_village(client, world, starosta):
    client.force_login(starosta)
    response = client.post("/staff/starosta/new/", _post(world))
    assert response.status_code == 302 and response["Location"] == "/staff/starosta/"
    req = VisitRequest.objects.get(created_by=starosta)
    assert (req.channel, req.settlement, req.community) == (Channel.STAROSTA, world.village, world.a)
    # The starosta is the one who asked; the person's own consent is taken at the visit.
    assert (req.requester_name, req.requester_phone, req.requester_relation) == (
        starosta.get_full_name() or starosta.username,
        "+380671112233",
        Relation.STAROSTA,
    )
    assert req.consent_at is not None and req.consent_by == req.requester_name
    assert req.person_consent_at is None and req.person_consent_how == ""
    assert req.status == Status.NEW


def test_the_form_cannot_make_someone_else_the_one_who_asked(client, world, starosta):
    client.force_login(starosta)
    client.post(
        "/staff/starosta/new/", _post(world, for_someone_else="0", requester_name="Хтось Інший", requester_relation="neighbour")
    )
    req = VisitRequest.objects.get(created_by=starosta)
    assert req.requester_relation == Relation.STAROSTA and req.requester_name != "Хтось Інший"
    assert req.person_consent_how != ConsentHow.FILED


def test_a_request_for_a_settlement_not_theirs_is_refused_and_nothing_saved(client, world, starosta):
    client.force_login(starosta)
    before = VisitRequest.objects.count()
    for settlement in (world.city, world.b_city):
        response = client.post("/staff/starosta/new/", _post(world, settlement=str(settlement.pk)))
        assert response.status_code == 403
        assert "лише для людей зі своїх населених пунктів: Далеке" in response.content.decode()
    assert VisitRequest.objects.count() == before


def test_bad_input_gets_a_clear_message_and_saves_nothing(client, world, starosta):
    client.force_login(starosta)
    before = VisitRequest.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=400)).strftime("%d.%m.%Y")
    for data in (
        _post(world, consent=None),
        _post(world, applicant_birth_date=future),
        _post(world, settlement="99999999999999999999"),
        {},
    ):
        response = client.post("/staff/starosta/new/", data)
        assert response.status_code in (200, 403)
        assert "Заявку не подано" in response.content.decode()
    assert VisitRequest.objects.count() == before


def test_the_operators_duplicate_check_holds_a_second_request_for_the_same_person(client, world, starosta):
    client.force_login(starosta)
    client.post("/staff/starosta/new/", _post(world), follow=True)  # the success message is shown and gone
    response = client.post("/staff/starosta/new/", _post(world))
    assert response.status_code == 200 and "вже є в ЦНАП" in response.content.decode()
    assert VisitRequest.objects.filter(created_by=starosta).count() == 1
    first = VisitRequest.objects.get(created_by=starosta)
    # Whose request it is stays hidden from the starosta.
    assert first.number not in response.content.decode()
    client.post("/staff/starosta/new/", _post(world, not_duplicate="1"))
    assert VisitRequest.objects.filter(created_by=starosta).count() == 2


def test_a_starosta_sees_their_own_requests_with_the_published_date_and_nothing_else(client, world, starosta):
    mine = make_request(
        world,
        settlement=world.village,
        channel=Channel.STAROSTA,
        by=starosta,
        applicant_name="Мельник Ніна Петрівна",
        requester_name="Староста",
        requester_phone="+380671112233",
        requester_relation=Relation.STAROSTA,
    )
    # Another person of the same village, filed by the operator: not the starosta's.
    other = make_request(world, settlement=world.village, applicant_name="Чужа Заявка Сусідня", by=world.users["operator"])
    for req in (mine, other):
        visit_actions.accept(req, by=world.users["coordinator"])
    day = actions.next_monday() + datetime.timedelta(days=2)
    published_trip(field_team(world), day, [mine, other], by=world.users["coordinator"])
    client.force_login(starosta)
    response = client.get("/staff/starosta/")
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.number in html and "Мельник Ніна Петрівна" in html
    row = html.split(f'id="request-{mine.number}"')[1].split("</tr>")[0]
    assert day.strftime("%d.%m.%Y") in row and "Призначено дату візиту" in row
    assert other.number not in html and "Чужа Заявка" not in html
    assert world.req.number not in html
    # The schedule of their village shows the day, with no name or address.
    assert html.count(day.strftime("%d.%m.%Y")) >= 2
    # Seeing the names is logged, one entry per request shown.
    assert list(AccessLog.objects.filter(user=starosta).values_list("object_id", flat=True)) == [str(mine.pk)]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/requests/",
        "/staff/requests/new/",
        "/staff/planning/",
        "/staff/journal/",
        "/staff/outbox/",
        "/staff/access-log/",
        "/field/",
    ],
)
def test_every_other_staff_page_refuses_a_starosta(client, world, starosta, path):
    client.force_login(starosta)
    assert client.get(path).status_code == 403


def test_a_starosta_without_settlements_is_told_to_ask_the_coordinator(client, world, starosta):
    starosta.settlements.clear()
    client.force_login(starosta)
    response = client.get("/staff/starosta/new/", follow=True)
    assert "Вам ще не призначено населених пунктів" in response.content.decode()
    assert client.post("/staff/starosta/new/", _post(world)).status_code == 302
    assert not VisitRequest.objects.filter(created_by=starosta).exists()


def test_a_settlement_of_another_community_bound_by_mistake_counts_for_nothing(client, world, starosta):
    starosta.settlements.add(world.b_city)
    client.force_login(starosta)
    response = client.post("/staff/starosta/new/", _post(world, settlement=str(world.b_city.pk)))
    assert response.status_code == 403
    assert not VisitRequest.objects.filter(created_by=starosta).exists()
    assert "Інше місто" not in client.get("/staff/starosta/").content.decode()


def test_the_operator_edits_a_starostas_request_and_it_stays_the_starostas(client, world, starosta):
    from visits.tests.test_intake_view import opened_version

    client.force_login(starosta)
    client.post("/staff/starosta/new/", _post(world))
    req = VisitRequest.objects.get(created_by=starosta)
    operator = Client()
    operator.force_login(world.users["operator"])
    page = operator.get(f"/staff/requests/{req.pk}/edit/").content.decode()
    data = _post(
        world,
        for_someone_else="1",
        requester_name=req.requester_name,
        requester_phone="067 111 22 33",
        requester_relation="starosta",
        building="8",
        version=opened_version(page),
    )
    assert operator.post(f"/staff/requests/{req.pk}/edit/", data).status_code == 302
    req.refresh_from_db()
    assert (req.building, req.requester_relation, req.channel) == ("8", Relation.STAROSTA, Channel.STAROSTA)
    # A citizen's or operator's new request cannot claim to be a starosta's.
    response = operator.post(
        "/staff/requests/new/",
        intake_post_data(
            world,
            for_someone_else="1",
            requester_name="Хтось",
            requester_phone="050 111 22 33",
            requester_relation="starosta",
            applicant_phone="050 999 88 77",
            street="вул. Інша",
        ),
    )
    assert response.status_code == 200 and not VisitRequest.objects.filter(requester_name="Хтось").exists()

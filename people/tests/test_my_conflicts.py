"""Issue 16: staff declare their own conflicts of interest (a relative, an address) on their own page; the
declaration is what the planner and the laptop read; each sees and removes only their own; the
coordinator sees everyone's on the people page. Bad input changes nothing."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from people.models import ConflictDeclaration
from visits import conflicts

URL = "/staff/people/my-conflicts/"
MOMENT = datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(MOMENT, tick=False):
        yield


def test_a_field_administrator_declares_a_relative_and_the_planner_reads_it(world, login):
    admin = world.users["field_admin"]
    client = login(admin)
    answer = client.post(URL, {"action": "add", "kind": "relative", "person_name": world.req.applicant_name,
                               "birth_date": world.req.applicant_birth_date.isoformat()})
    assert answer.status_code == 302
    [declared] = ConflictDeclaration.objects.all()
    assert (declared.user, declared.community, declared.declared_on) == (admin, world.a, timezone.localdate())
    assert conflicts.conflicted_users(world.req, conflicts.declarations(world.a.pk)) == {admin.pk}
    assert world.req.applicant_name in client.get(URL).content.decode()


def test_an_address_needs_settlement_street_and_house_of_the_own_community(world, login):
    client = login(world.users["operator"])
    page = client.post(URL, {"action": "add", "kind": "address", "street": "Вишнева"})
    assert page.status_code == 200 and "Вкажіть населений пункт, вулицю і будинок." in page.content.decode()
    other = world.b.settlements.first()
    page = client.post(URL, {"action": "add", "kind": "address", "settlement": other.pk, "street": "Вишнева",
                             "building": "7"})
    assert page.status_code == 200 and ConflictDeclaration.objects.count() == 0


def test_a_birth_date_in_the_future_is_refused(world, login):
    client = login(world.users["field_admin"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(URL, {"action": "add", "kind": "relative", "person_name": "Коваль Ганна Петрівна",
                             "birth_date": tomorrow.isoformat()})
    assert "не може бути в майбутньому" in page.content.decode() and ConflictDeclaration.objects.count() == 0


def test_each_sees_and_removes_only_their_own_and_the_coordinator_sees_all(world, login):
    admin, operator = world.users["field_admin"], world.users["operator"]
    mine = ConflictDeclaration.objects.create(community=world.a, user=admin, kind="relative",
                                              person_name="Коваль Ганна Петрівна")
    theirs = ConflictDeclaration.objects.create(community=world.a, user=operator, kind="relative",
                                                person_name="Шевчук Іван Олегович")
    client = login(admin)
    page = client.get(URL).content.decode()
    assert "Коваль Ганна Петрівна" in page and "Шевчук Іван Олегович" not in page
    client.post(URL, {"action": "remove", "pk": theirs.pk})  # someone else's: nothing removed
    assert ConflictDeclaration.objects.filter(pk=theirs.pk).exists()
    client.post(URL, {"action": "remove", "pk": mine.pk})
    assert not ConflictDeclaration.objects.filter(pk=mine.pk).exists()
    board = login(world.users["coordinator"]).get("/staff/people/").content.decode()
    assert "Шевчук Іван Олегович" in board


def test_the_coordinator_records_a_training_and_one_in_the_future_is_refused(world, login):
    from people.models import Training

    client = login(world.users["coordinator"])
    admin = world.users["field_admin"]
    today = timezone.localdate()
    page = client.post("/staff/people/", {"action": "training", "trainee": admin.pk, "topic": "first_aid",
                                          "held_on": (today + datetime.timedelta(days=2)).isoformat()})
    assert "ще не настала" in page.content.decode() and Training.objects.count() == 0
    answer = client.post("/staff/people/", {"action": "training", "trainee": admin.pk, "topic": "first_aid",
                                            "held_on": today.isoformat(),
                                            "refresh_by": (today + datetime.timedelta(days=365)).isoformat()})
    assert answer.status_code == 302
    [done] = Training.objects.all()
    assert (done.trainee, done.community, done.held_on) == (admin, world.a, today)
    # Someone of another community is not among the choices: a clear message, nothing saved.
    page = client.post("/staff/people/", {"action": "training", "trainee": world.b_coordinator.pk,
                                          "topic": "safety", "held_on": today.isoformat()})
    assert "Оберіть працівника своєї громади." in page.content.decode() and Training.objects.count() == 1

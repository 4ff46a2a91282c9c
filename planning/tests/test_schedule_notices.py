"""Issue 12: publishing a week queues its schedule for every starosta and district contact of the
community — an e-mail through Django's mail backend and an SMS with a short link, both in the outbox —
with dates and settlements only (a starosta's own requests by number and short name)."""

import datetime

import pytest
from django.core import mail

from communities.models import DistrictContact
from conftest import make_request
from demo.trips import published_trip
from field.tests.factories import field_team
from notifications import outbox
from notifications.gateways import Outgoing
from notifications.models import Channel, Kind, OutboxMessage, State
from planning import actions
from planning.models import Plan
from planning.notices import day_label
from visits import actions as visit_actions
from visits.models import Channel as RequestChannel
from visits.models import Relation


class Gateway:
    name, idempotent = "test", False

    def __init__(self):
        self.sent = []

    def send(self, outgoing: Outgoing):
        self.sent.append(outgoing)
        return f"id-{len(self.sent)}"


@pytest.fixture
def published(world, settings):
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    starosta = world.users["starosta"]
    starosta.email, starosta.phone = "starosta@example.org", "+380671112233"
    starosta.save(update_fields=["email", "phone"])
    district = DistrictContact.objects.create(
        community=world.a, name="Районна рада", email="rada@example.org", phone="+380442223344"
    )
    district.settlements.set([world.village, world.city])
    mine = make_request(
        world,
        settlement=world.village,
        channel=RequestChannel.STAROSTA,
        by=starosta,
        applicant_name="Мельник Ніна Петрівна",
        requester_name="Староста",
        requester_phone="+380671112233",
        requester_relation=Relation.STAROSTA,
        applicant_phone="",
    )
    other = make_request(
        world,
        settlement=world.city,
        applicant_name="Іваненко Петро Сидорович",
        street="вул. Лісова",
        building="3",
        applicant_phone="+380501234567",
    )
    for req in (mine, other):
        visit_actions.accept(req, by=world.users["coordinator"])
    day = actions.next_monday() + datetime.timedelta(days=1)
    trip = published_trip(field_team(world), day, [mine, other], by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    plan = actions.publish(Plan.objects.get(pk=trip.plan_id), by=world.users["coordinator"])
    return {"plan": plan, "day": day, "mine": mine, "other": other, "district": district, "starosta": starosta}


def _message(plan, key):
    return OutboxMessage.objects.get(dedup_key=f"plan:{plan.pk}:schedule:{key}")


def test_the_starosta_gets_the_week_by_email_and_a_short_link_by_sms(world, published):
    plan, day, starosta = published["plan"], published["day"], published["starosta"]
    email = _message(plan, f"starosta:{starosta.pk}:email")
    sms = _message(plan, f"starosta:{starosta.pk}:sms")
    assert (email.channel, email.recipient, email.kind) == (Channel.EMAIL, "starosta@example.org", Kind.SCHEDULE)
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+380671112233")
    assert f"Далеке: виїзди додому: {day_label(day)}" in email.text
    assert "Далеке" in email.text and "Місто" not in email.text
    # Their own request, by number and short name; nobody else's.
    assert published["mine"].number in email.text and "Ніна М." in email.text
    assert published["other"].number not in email.text and "Іваненко" not in email.text and "Петро" not in email.text
    link = f"https://valiza.example.org/{world.a.slug}/schedule/{world.village.pk}/"
    assert link in email.text and link in sms.text
    assert "Мельник" not in sms.text and "Ніна" not in sms.text and len(sms.text) <= 160


def test_the_district_council_gets_dates_and_settlements_and_no_person(world, published):
    plan, day, district = published["plan"], published["day"], published["district"]
    email = _message(plan, f"district:{district.pk}:email")
    sms = _message(plan, f"district:{district.pk}:sms")
    assert "Далеке" in email.text and "Місто" in email.text and f"{day:%d.%m}" in email.text
    for text in (email.text, sms.text):
        for private in (
            "Мельник",
            "Ніна",
            "Іваненко",
            "Петро",
            "Лісова",
            "Шевченка",
            published["mine"].number,
            published["other"].number,
        ):
            assert private not in text
    # Two settlements: the link is the community's page.
    assert f"https://valiza.example.org/{world.a.slug}/schedule/" in sms.text


def test_the_worker_sends_the_email_through_djangos_mail_backend(world, published):
    counts = outbox.send_due(gateway=Gateway())
    assert counts["failed"] == counts["unknown"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["rada@example.org", "starosta@example.org"]
    assert all(m.subject.startswith("Графік мобільного ЦНАП") for m in mail.outbox)
    assert not OutboxMessage.objects.filter(channel=Channel.EMAIL).exclude(state=State.SENT).exists()


def test_publishing_again_never_sends_the_same_schedule_twice(world, published):
    from planning.notices import send_week_schedule

    before = OutboxMessage.objects.count()
    send_week_schedule(published["plan"])
    assert OutboxMessage.objects.count() == before


def test_a_contact_with_a_wrong_phone_gets_the_email_and_publishing_goes_on(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contact = DistrictContact.objects.create(community=world.a, name="Рада", email="r@example.org", phone="12")
    contact.settlements.set([world.village])
    req = make_request(world, settlement=world.village)
    visit_actions.accept(req, by=world.users["coordinator"])
    trip = published_trip(field_team(world), actions.next_monday(), [req], by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    plan = actions.publish(Plan.objects.get(pk=trip.plan_id), by=world.users["coordinator"])
    assert plan.state == Plan.State.PUBLISHED
    keys = set(OutboxMessage.objects.filter(dedup_key__contains=f"district:{contact.pk}").values_list("dedup_key", flat=True))
    assert keys == {f"plan:{plan.pk}:schedule:district:{contact.pk}:email"}


def test_a_community_without_starostas_or_contacts_publishes_as_before(world):
    req = make_request(world)
    visit_actions.accept(req, by=world.users["coordinator"])
    world.users["starosta"].settlements.clear()
    trip = published_trip(field_team(world), actions.next_monday(), [req], by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    plan = actions.publish(Plan.objects.get(pk=trip.plan_id), by=world.users["coordinator"])
    assert not OutboxMessage.objects.filter(dedup_key__contains=f"plan:{plan.pk}:schedule:").exists()


def test_another_communitys_starosta_gets_nothing(world, published):
    from accounts.models import User

    b_starosta = User.objects.create_user(
        username="b-starosta", role="starosta", community=world.b, email="b@example.org", phone="+380503334455"
    )
    b_starosta.settlements.set([world.b_city])
    from planning.notices import send_week_schedule

    send_week_schedule(published["plan"])
    assert not OutboxMessage.objects.filter(recipient__in=["b@example.org", "+380503334455"]).exists()


def test_the_coordinator_sees_the_emails_in_the_outbox(world, published, client):
    client.force_login(world.users["coordinator"])
    html = client.get("/staff/outbox/").content.decode()
    assert "starosta@example.org" in html and "rada@example.org" in html and "Графік мобільного ЦНАП" in html


def test_the_publish_confirmation_says_the_starostas_and_councils_get_the_week(world, client, settings):
    district = DistrictContact.objects.create(community=world.a, name="Рада", email="r@example.org")
    district.settlements.set([world.city])
    req = make_request(world)
    visit_actions.accept(req, by=world.users["coordinator"])
    trip = published_trip(field_team(world), actions.next_monday(), [req], by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    client.force_login(world.users["coordinator"])
    html = client.get(f"/staff/planning/plan/{trip.plan_id}/publish/").content.decode()
    # The world's starosta (the remote village) and the council.
    assert 'id="publish-contacts"' in html and "адресатів: 2" in html


def test_the_weeks_text_holds_that_weeks_fixed_point_sessions_only(world, session):
    from planning.notices import week_text

    week = actions.week_for(world.a, actions.next_monday())
    [line] = week_text(world.a, week, [world.village])
    tuesday = week.monday + datetime.timedelta(days=1)
    assert line == f"Далеке: прийом у пункті «Будинок культури с. Далеке» {day_label(tuesday)} 10:00–13:00"

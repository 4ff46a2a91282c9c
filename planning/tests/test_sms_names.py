"""Issue 10: each SMS names whom it is about ("Марія К."), so a neighbour who asked for two people tells
the texts apart; the texts stay short."""

import datetime

import pytest

from core.text import sms_name
from demo.trips import published_trip
from field.tests.factories import field_team, scheduled_request
from notifications.models import OutboxMessage
from planning import actions
from planning.models import Plan


@pytest.mark.parametrize("full, short", [
    ("Коваленко Марія Іванівна", "Марія К."),
    ("Шевчук Іван", "Іван Ш."),
    ("  Остапенко   Ольга\u200b Петрівна ", "Ольга О."),
    ("Марія", "Марія"),
    ("", ""),
])
def test_short_name(full, short):
    assert sms_name(full) == short


def test_two_people_behind_one_phone_get_texts_that_name_each(world):
    neighbour = "+380679998877"
    maria = scheduled_request(world, applicant_name="Коваленко Марія Іванівна", applicant_phone="",
                              requester_name="Сусідка", requester_phone=neighbour, requester_relation="neighbour")
    ivan = scheduled_request(world, applicant_name="Петренко Іван Степанович", applicant_phone="",
                             requester_name="Сусідка", requester_phone=neighbour, requester_relation="neighbour")
    trip = published_trip(field_team(world), actions.next_monday() + datetime.timedelta(days=1), [maria, ivan],
                          by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    actions.publish(trip.plan, by=world.users["coordinator"])
    texts = {m.kind: [] for m in OutboxMessage.objects.filter(recipient=neighbour)}
    for m in OutboxMessage.objects.filter(recipient=neighbour).order_by("pk"):
        texts[m.kind].append(m.text)
    assert len(texts["schedule"]) == 2 and len(texts["reminder"]) == 2
    for kind in ("schedule", "reminder"):
        assert any("(Марія К.)" in t for t in texts[kind]) and any("(Іван П.)" in t for t in texts[kind])
    # Short: one Cyrillic SMS part is 70 characters, a text of three parts at most.
    assert all(len(t) <= 3 * 67 for ts in texts.values() for t in ts)

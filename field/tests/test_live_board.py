"""The planning board shows today's trips live: each stop's state as soon as a laptop syncs it
(issue 10), numbered from 1 as on the route sheet and the laptop."""

import datetime

from django.utils import timezone

from field.tests.factories import published_trip
from field.tests.syncing import item, outcome, send
from planning.models import Plan


def _live(client, plan):
    response = client.get(f"/staff/field/today/{plan.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_stop_shows_what_the_laptop_synced(world, login):
    trip = published_trip(world)
    first, second = trip.stops.order_by("position")
    assert [first.position, second.position] == [1, 2]
    client = login(world.users["coordinator"])
    html = _live(client, trip.plan)
    assert 'data-state="waiting"' in html and "ще не розпочато" in html and "served" not in html
    assert f'hx-get="/staff/field/today/{trip.plan.pk}/"' in html and 'hx-trigger="every 15s"' in html
    at = timezone.now()
    send(world.users["field_admin"], [item("visit.start", first, seq=1, at=at), outcome(first, seq=2, at=at)])
    send(world.users["field_admin"], [item("visit.start", second, seq=3, at=at)])
    html = _live(client, trip.plan)
    local = timezone.localtime(at).strftime("%H:%M")
    assert f'<tr data-stop="{first.pk}" data-state="served"><td>1</td>' in html
    assert f"Обслуговано о {local} (Field_Admin)" in html
    assert f'<tr data-stop="{second.pk}" data-state="started"><td>2</td>' in html and f"розпочато о {local}" in html
    assert "завершено 1 з 2" in html
    # Numbers and states only: no names of the people visited.
    assert first.request.applicant_name not in html and first.request.number in html


def test_the_board_asks_for_the_live_part_only_for_a_published_plan_with_trips_today(world, login):
    trip = published_trip(world)
    client = login(world.users["coordinator"])
    monday = trip.day - datetime.timedelta(days=trip.day.weekday())
    url = f"/staff/planning/?week={monday.isoformat()}&plan={trip.plan.pk}"
    assert f'hx-get="/staff/field/today/{trip.plan.pk}/" hx-trigger="load"' in client.get(url).content.decode()
    Plan.objects.filter(pk=trip.plan.pk).update(state=Plan.State.SUPERSEDED)
    assert "/staff/field/today/" not in client.get(url).content.decode()


def test_another_communitys_plan_is_not_found(world, login):
    trip = published_trip(world)
    Plan.objects.filter(pk=trip.plan.pk).update(week=trip.plan.week.__class__.objects.create(
        community=world.b, monday=trip.plan.week.monday, cutoff_at=trip.plan.week.cutoff_at,
        publish_by=trip.plan.week.publish_by))
    assert login(world.users["coordinator"]).get(f"/staff/field/today/{trip.plan.pk}/").status_code == 404

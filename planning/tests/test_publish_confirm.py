"""Issue 10: "Оприлюднити" asks for confirmation and says how many SMS go to whom (no JavaScript)."""

import datetime

from demo.trips import published_trip
from field.tests.factories import field_team, scheduled_request
from notifications.models import OutboxMessage
from planning import actions
from planning.models import Plan


def approved_plan(world, team, day, requests, week_plan=None):
    trip = published_trip(team, day, requests, by=world.users["coordinator"], plan=week_plan)
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    trip.plan.refresh_from_db()
    return trip.plan


def test_the_confirmation_counts_new_changed_and_dropped_and_only_then_publishes(world, login):
    team = field_team(world)
    day = actions.next_monday() + datetime.timedelta(days=1)
    kept, moved, dropped = (scheduled_request(world) for _ in range(3))
    first = approved_plan(world, team, day, [kept, moved, dropped])
    actions.publish(first, by=world.users["coordinator"])
    # The revision: `kept` at the same time, `moved` later, `dropped` left out, a new one added.
    revision = Plan.objects.create(week=first.week, version=2, state=Plan.State.APPROVED)
    new = scheduled_request(world)
    published_trip(team, day, [kept], by=world.users["coordinator"], plan=revision)
    published_trip(field_team(world, name="Друга"), day, [moved, new], by=world.users["coordinator"],
                   plan=revision, leave=datetime.time(13))
    counts = actions.publish_preview(revision)
    assert (counts["schedule"], counts["correction"], counts["dropped"], counts["unchanged"], counts["reminder"]) == \
        (1, 1, 1, 1, 3)

    client = login(world.users["coordinator"])
    sent = OutboxMessage.objects.count()
    page = client.get(f"/staff/planning/plan/{revision.pk}/publish/").content.decode()
    assert "дата і час візиту — 1 людині" in page and "зміна часу візиту — 1 людині" in page
    assert "візит перенесено, нову дату повідомимо — 1 людині" in page
    # A POST without the confirmation only shows the question again.
    response = client.post(f"/staff/planning/plan/{revision.pk}/publish/")
    assert response.status_code == 302 and response["Location"].endswith(f"/plan/{revision.pk}/publish/")
    revision.refresh_from_db()
    assert revision.state == Plan.State.APPROVED and OutboxMessage.objects.count() == sent
    client.post(f"/staff/planning/plan/{revision.pk}/publish/", {"confirm": "1"})
    revision.refresh_from_db()
    assert revision.state == Plan.State.PUBLISHED
    made = OutboxMessage.objects.filter(dedup_key__startswith=f"plan:{revision.pk}:").exclude(kind="reminder")
    assert made.count() == counts["sms"]


def test_a_plan_not_approved_says_so(world, login):
    team = field_team(world)
    plan = approved_plan(world, team, actions.next_monday(), [scheduled_request(world)])
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.DRAFT)
    page = login(world.users["coordinator"]).get(f"/staff/planning/plan/{plan.pk}/publish/").content.decode()
    assert "лише затверджений план" in page and "Так, оприлюднити" not in page


def test_a_first_publication_lists_only_the_sms_that_will_go(world, login):
    team = field_team(world)
    plan = approved_plan(world, team, actions.next_monday() + datetime.timedelta(days=2),
                         [scheduled_request(world) for _ in range(2)])
    page = login(world.users["coordinator"]).get(f"/staff/planning/plan/{plan.pk}/publish/").content.decode()
    assert "дата і час візиту — 2 людям" in page and "нагадування напередодні візиту — 2 людям" in page
    # Nothing to correct or put off in a first publication: no "0 людям" lines.
    assert "зміна часу візиту" not in page and "візит перенесено" not in page

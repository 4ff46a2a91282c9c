"""Issue 10: the coordinator is reminded on the staff pages and by the worker (an SMS once per occasion)
before the cut-off, when a draft is ready, within the hour before the deadline. Every moment derives from
the coming week's own cut-off and deadline (time-machine)."""

import datetime

import time_machine

from notifications.models import OutboxMessage
from planning import actions
from planning.models import Plan

HOUR = datetime.timedelta(hours=1)


def coming_week(world):
    return actions.week_for(world.a, actions.next_monday())


def keys(world, moment):
    return [r.key for r in actions.coordinator_reminders(world.a, moment)]


def with_phone(world):
    user = world.users["coordinator"]
    user.phone = "+380671112233"
    user.save(update_fields=["phone"])
    return user


def test_before_the_cutoff_the_coordinator_gets_one_sms_and_a_banner(world, login):
    week = coming_week(world)
    user = with_phone(world)
    assert actions.CUTOFF not in keys(world, week.cutoff_at - 3 * HOUR)
    moment = week.cutoff_at - HOUR
    assert keys(world, moment) == [actions.CUTOFF]
    assert actions.remind_coordinators(moment) == 1
    assert actions.remind_coordinators(moment + datetime.timedelta(minutes=5)) == 0  # the worker runs again
    [sms] = OutboxMessage.objects.filter(recipient=user.phone)
    assert sms.text.startswith("Валіза: Прийом адрес") and week.cutoff_at.astimezone().strftime("%H:%M") in sms.text
    assert actions.CUTOFF not in keys(world, week.cutoff_at)
    with time_machine.travel(moment, tick=False):
        page = login(user).get("/staff/requests/").content.decode()
    assert 'id="planning-reminders"' in page and 'data-reminder="cutoff"' in page


def test_a_ready_draft_and_the_last_hour_before_the_deadline(world, login):
    week = coming_week(world)
    with_phone(world)
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.DRAFT)
    moment = week.publish_by - HOUR / 2
    assert keys(world, moment) == [actions.DRAFT, actions.DEADLINE]
    assert actions.remind_coordinators(moment) == 2
    assert actions.remind_coordinators(moment) == 0
    # Published: nothing more to remind of.
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.PUBLISHED)
    assert keys(world, moment) == []


def test_past_the_deadline_the_banner_says_so_but_no_sms(world, login):
    week = coming_week(world)
    user = with_phone(world)
    moment = week.publish_by + HOUR
    assert keys(world, moment) == [actions.OVERDUE]
    assert actions.remind_coordinators(moment) == 0
    with time_machine.travel(moment, tick=False):
        page = login(user).get(f"/staff/planning/?week={week.monday.isoformat()}").content.decode()
    assert 'data-reminder="overdue"' in page


def test_a_coordinator_without_a_phone_sees_the_banner_and_others_see_nothing(world, login):
    week = coming_week(world)
    moment = week.cutoff_at - HOUR
    assert actions.remind_coordinators(moment) == 0  # no phone: the staff pages remind
    with time_machine.travel(moment, tick=False):
        page = login(world.users["coordinator"]).get("/staff/requests/").content.decode()
        assert 'data-reminder="cutoff"' in page
        page = login(world.users["operator"]).get("/staff/requests/").content.decode()
        assert 'id="planning-reminders"' not in page

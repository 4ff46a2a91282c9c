"""Every served visit gets one phone survey on the next working day (seed 000 §1.9)."""

import datetime

import time_machine
from django.utils import timezone

from field.models import SyncItem
from field.sync import review
from field.tests.syncing import outcome, send
from quality.models import SurveyTask
from quality.tests.helpers import FRIDAY, MONDAY, TUESDAY, WEDNESDAY, moment, served_visit


def test_a_served_visit_is_called_the_next_working_day_in_the_morning(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        visit = served_visit(world)
    task = SurveyTask.objects.get()
    assert task.visit == visit and task.request == visit.request
    assert task.served_by == world.users["field_admin"]
    assert task.phone == visit.request.applicant_phone
    assert task.state == SurveyTask.State.OPEN and task.attempts == 0
    assert timezone.localtime(task.call_from) == moment(WEDNESDAY, 10)


def test_a_visit_served_on_friday_is_called_on_monday(world):
    with time_machine.travel(moment(FRIDAY, 16), tick=False):
        served_visit(world)
    assert timezone.localtime(SurveyTask.objects.get().call_from) == moment(MONDAY, 10, weeks=2)


def test_a_partly_served_visit_is_called_too(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        served_visit(world, result="partly_served")
    assert SurveyTask.objects.count() == 1


def test_nobody_is_called_after_a_visit_that_did_not_happen(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        served_visit(world, result="not_at_home")
    assert SurveyTask.objects.count() == 0


def test_the_same_outcome_synced_again_makes_no_second_call(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        visit = served_visit(world)
        answer, code = send(world.users["field_admin"], [outcome(visit.stop, "served", seq=3)])
        assert code == 200, answer
    assert SurveyTask.objects.count() == 1


def test_a_visit_corrected_to_not_served_before_the_call_loses_its_call(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        visit = served_visit(world)
    with time_machine.travel(moment(TUESDAY, 11) + datetime.timedelta(minutes=5), tick=False):
        # "Refused" after "served" waits for the coordinator, who applies it.
        answer, code = send(world.users["field_admin"], [outcome(visit.stop, "refused", seq=3)])
        assert code == 422 and answer["results"][0]["state"] == "conflict", answer
        assert SurveyTask.objects.get().state == SurveyTask.State.OPEN
        review.resolve_apply(SyncItem.objects.get(state=SyncItem.State.CONFLICT), world.users["coordinator"])
    task = SurveyTask.objects.get()
    assert task.state == SurveyTask.State.CANCELLED
    with time_machine.travel(moment(TUESDAY, 11) + datetime.timedelta(minutes=10), tick=False):
        answer, code = send(world.users["field_admin"], [outcome(visit.stop, "served", seq=4)])
        if code != 200:
            review.resolve_apply(SyncItem.objects.get(state=SyncItem.State.CONFLICT), world.users["coordinator"])
    task.refresh_from_db()
    assert task.state == SurveyTask.State.OPEN and SurveyTask.objects.count() == 1

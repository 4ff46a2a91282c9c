"""The counts of seed 003 and 004 §8: satisfied (4 or 5), punctual, complaints per 1,000 requests, late."""

import datetime

import time_machine

from quality import actions, stats
from quality.models import SurveyTask
from quality.tests.helpers import FRIDAY, MONDAY, TUESDAY, WEDNESDAY, at, moment, served_visit
from visits.models import VisitRequest


def test_satisfaction_punctuality_and_complaints_are_counted(world, login):
    with time_machine.travel(moment(MONDAY, 11), tick=False):
        visits = [served_visit(world) for _ in range(3)]
    tasks = [SurveyTask.objects.get(visit=v) for v in visits]
    with time_machine.travel(moment(TUESDAY, 10, 30), tick=False):
        for task, (rating, on_time) in zip(tasks[:2], ((5, True), (3, False)), strict=True):
            actions.record_call(
                task.pk,
                version=task.version,
                outcome="answered",
                by=None,
                answers=actions.Answers(rating=rating, came_on_time=on_time),
            )
        actions.record_call(tasks[2].pk, version=tasks[2].version, outcome="refused", by=None)
        actions.feedback_from_link(visits[2].request, rating=4, text="")
        complaint = actions.register_complaint(
            world.a, channel="phone", received_on=moment(TUESDAY, 0).date(), text="Скарга", person_name="А", by=None
        )
    # The requests of the period: each trip's two (one served here, one not visited), made on Monday.
    assert VisitRequest.objects.filter(community=world.a, created_at__gte=moment(MONDAY, 0)).count() == 6
    start, end = moment(MONDAY, 0).date(), moment(FRIDAY, 0).date()
    found = stats.summary(world.a, start, end, today=moment(WEDNESDAY, 0).date())
    assert (found.ratings, found.satisfied_percent, found.punctual_percent) == (3, 66.7, 50.0)
    assert (found.requests, found.complaints, found.complaints_per_1000, found.complaints_late) == (6, 1, 166.7, 0)
    later = stats.summary(world.a, start, end, today=complaint.due_on + datetime.timedelta(days=1))
    assert later.complaints_late == 1
    assert stats.summary(world.b, start, end).ratings == 0

    with at(moment(FRIDAY, 12), login, world.users["quality"]) as client:
        page = client.get("/staff/quality/").content.decode()
    assert 'id="satisfied">66,7 %<' in page and "3 оцінки" in page and 'id="punctual">50,0 %<' in page

"""Personal data of surveys, feedback and complaints goes with the request's (docs/legal.md); ratings,
outcomes and dates stay for the reports."""

import datetime
import io

import time_machine
from django.core.management import call_command
from django.utils import timezone

from quality import actions
from quality.models import Complaint, Feedback, SurveyTask
from quality.tests.helpers import TUESDAY, WEDNESDAY, moment, served_visit
from visits.models import StatusChange, VisitRequest


def test_survey_words_feedback_and_old_complaints_are_removed_with_the_request(world, settings):
    settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS = 5
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        visit = served_visit(world)
        kept = served_visit(world)
    req = visit.request
    with time_machine.travel(moment(WEDNESDAY, 10), tick=False):
        for v in (visit, kept):
            task = SurveyTask.objects.get(visit=v)
            actions.record_call(
                task.pk,
                version=task.version,
                outcome="answered",
                by=None,
                answers=actions.Answers(rating=4, comment="Сусідка Ніна допомогла", improve="Раніше"),
            )
        actions.feedback_from_link(req, rating=5, text="Дякую, Ніна Петрівна")
        old = actions.register_complaint(
            world.a,
            channel="phone",
            received_on=moment(WEDNESDAY, 0).date(),
            text="Скарга Ніни",
            person_name="Ніна Петрівна",
            phone="0671234567",
            request=req,
            by=None,
        )
        actions.answer_complaint(old.pk, text="Відповідь", via="letter", answered_on=old.received_on, by=None)
        fresh = actions.register_complaint(
            world.a, channel="phone", received_on=moment(WEDNESDAY, 0).date(), text="Інша скарга", person_name="Олег", by=None
        )
    # Six years on: the served request closed five years and more ago is anonymised, and with it ours.
    StatusChange.objects.filter(request=req).update(at=timezone.now() - datetime.timedelta(days=5 * 366 + 1))
    with time_machine.travel(moment(WEDNESDAY, 12) + datetime.timedelta(days=6 * 366), tick=False):
        VisitRequest.objects.filter(pk=kept.request.pk).update(status="scheduled")  # still open: kept
        call_command("purge_personal_data", stdout=io.StringIO())
    survey = SurveyTask.objects.get(visit=visit)
    assert (survey.phone, survey.comment, survey.improve, survey.rating, survey.state) == ("", "", "", 4, "answered")
    assert SurveyTask.objects.get(visit=kept).comment == "Сусідка Ніна допомогла"
    feedback = Feedback.objects.get()
    assert (feedback.text, feedback.rating) == ("", 5)
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.person_name, old.phone, old.text, old.answer) == ("—", "", "—", "Відповідь")
    assert fresh.person_name == "Олег"  # never answered: kept for the answer
    assert Complaint.objects.count() == 2

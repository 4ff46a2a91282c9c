"""The quality officer's queue and the call's form: who to call today, outcomes, retries on another day
and hour, the limit of calls, the rating with no default, two tabs, possible abuse."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from audit.models import AccessLog
from quality.models import CallAttempt, Complaint, SurveyTask
from quality.tests.helpers import FRIDAY, MONDAY, THURSDAY, TUESDAY, WEDNESDAY, at, moment, served_visit


@pytest.fixture
def task(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        served_visit(world)
    return SurveyTask.objects.get()


def _call(client, task, version=None, **data):
    post = {"version": task.version if version is None else version, **data}
    return client.post(f"/staff/quality/survey/{task.pk}/", post)


def test_the_queue_shows_who_to_call_today_and_not_before_their_day(world, login, task):
    with at(moment(TUESDAY, 15), login, world.users["quality"]) as client:
        page = client.get("/staff/quality/").content.decode()
        assert 'id="due-count">0<' in page and 'id="later-count">1<' in page
    with at(moment(WEDNESDAY, 9), login, world.users["quality"]) as client:
        page = client.get("/staff/quality/").content.decode()
        assert 'id="due-count">1<' in page and 'id="later-count">0<' in page
        assert task.request.applicant_name in page and f"/staff/quality/survey/{task.pk}/" in page
    # Seeing who to call is seeing people's records: logged.
    assert AccessLog.objects.filter(user=world.users["quality"], object_id=str(task.request.pk)).count() == 2


def test_no_answer_is_tried_again_another_working_day_at_another_hour(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        assert _call(client, task, outcome="no_answer").status_code == 302
    task.refresh_from_db()
    assert task.state == SurveyTask.State.OPEN and task.attempts == 1 and task.version == 2
    assert timezone.localtime(task.call_from) == moment(THURSDAY, 15)
    with at(moment(THURSDAY, 15, 10), login, world.users["quality"]) as client:
        assert _call(client, task, outcome="no_answer").status_code == 302
    task.refresh_from_db()
    assert timezone.localtime(task.call_from) == moment(FRIDAY, 10) and task.attempts == 2


def test_a_person_is_never_called_more_than_the_set_number_of_times(world, login, task):
    world.a.survey_max_attempts = 2
    world.a.save(update_fields=["survey_max_attempts"])
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        _call(client, task, outcome="no_answer")
    task.refresh_from_db()
    with at(moment(THURSDAY, 15, 10), login, world.users["quality"]) as client:
        _call(client, task, outcome="no_answer")
    task.refresh_from_db()
    assert task.state == SurveyTask.State.NO_ANSWER and task.attempts == 2
    with at(moment(MONDAY, 10, weeks=2), login, world.users["quality"]) as client:
        page = client.get("/staff/quality/").content.decode()
        assert 'id="due-count">0<' in page and 'id="later-count">0<' in page
        response = _call(client, task, outcome="no_answer")
    assert response.status_code == 302
    assert CallAttempt.objects.filter(task=task).count() == 2


def test_an_answered_call_records_the_script_and_the_rating(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        page = client.get(f"/staff/quality/survey/{task.pk}/").content.decode()
        # Five ratings, none chosen: the person chooses, the form never does.
        ratings = re.findall(r'<input type="radio" name="rating"[^>]*>', page)
        assert len(ratings) == 5 and not [r for r in ratings if "checked" in r]
        response = _call(
            client,
            task,
            outcome="answered",
            came_on_time="1",
            explained="1",
            asked_extra="0",
            would_recommend="1",
            rating="4",
            improve="Приїжджати раніше",
            comment="Усе добре",
        )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.rating, task.came_on_time, task.explained, task.asked_extra, task.would_recommend) == (
        SurveyTask.State.ANSWERED,
        4,
        True,
        True,
        False,
        True,
    )
    assert task.improve == "Приїжджати раніше" and task.attempts == 1 and task.complaint is None


@pytest.mark.parametrize("rating", ["0", "6", "", "4.5", "п'ять"])
def test_an_answered_call_without_a_rating_from_1_to_5_is_refused_and_changes_nothing(world, login, task, rating):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        response = _call(client, task, outcome="answered", rating=rating)
    assert response.status_code == 200
    assert "Виберіть оцінку від 1 (дуже погано) до 5 (дуже добре)." in response.content.decode()
    task.refresh_from_db()
    assert task.attempts == 0 and task.version == 1 and task.rating is None
    assert CallAttempt.objects.count() == 0


def test_a_call_saved_from_two_tabs_counts_once(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        first = _call(client, task, version=1, outcome="answered", rating="5")
        second = _call(client, task, version=1, outcome="answered", rating="2")
        page = client.get(second["Location"]).content.decode()
    assert first.status_code == 302 and second.status_code == 302
    assert "Цей дзвінок уже записано (можливо, в іншій вкладці)" in page
    task.refresh_from_db()
    assert task.rating == 5 and task.attempts == 1 and CallAttempt.objects.count() == 1


def test_two_tabs_of_no_answer_schedule_one_retry(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        _call(client, task, version=1, outcome="no_answer")
        _call(client, task, version=1, outcome="no_answer")
    task.refresh_from_db()
    assert task.attempts == 1 and CallAttempt.objects.count() == 1


def test_possible_abuse_opens_a_complaint(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        _call(
            client,
            task,
            outcome="answered",
            rating="2",
            asked_extra="1",
            possible_abuse="on",
            comment="Просили 200 гривень за «швидкість»",
        )
    task.refresh_from_db()
    complaint = Complaint.objects.get()
    assert task.complaint == complaint and complaint.possible_abuse
    assert complaint.request == task.request and complaint.channel == "survey"
    assert complaint.text == "Просили 200 гривень за «швидкість»"
    assert complaint.received_on == moment(WEDNESDAY, 10).date()
    # Ten working days: two weeks later, on Wednesday.
    assert complaint.due_on == moment(WEDNESDAY, 10, weeks=3).date()


def test_asked_beyond_the_fee_without_the_abuse_flag_is_questioned(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        response = _call(client, task, outcome="answered", rating="3", asked_extra="1")
    assert response.status_code == 200 and "позначте можливе зловживання" in response.content.decode()
    assert Complaint.objects.count() == 0 and CallAttempt.objects.count() == 0


def test_refused_and_wrong_number_close_the_survey(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        _call(client, task, outcome="wrong_number")
    task.refresh_from_db()
    assert task.state == SurveyTask.State.WRONG_NUMBER and task.closed_at is not None


def test_another_communitys_survey_is_not_found(world, login, task):
    from accounts.models import User

    outsider = User.objects.create_user(username="b-quality", role="quality", community=world.b)
    client = login(outsider)
    assert client.get(f"/staff/quality/survey/{task.pk}/").status_code == 404
    assert _call(client, task, outcome="no_answer").status_code == 404
    assert 'id="due-count">0<' in client.get("/staff/quality/").content.decode()
    task.refresh_from_db()
    assert task.attempts == 0


def test_the_survey_page_is_access_logged(world, login, task):
    login(world.users["quality"]).get(f"/staff/quality/survey/{task.pk}/")
    assert (
        AccessLog.objects.filter(
            user=world.users["quality"], object_type="visits.visitrequest", object_id=str(task.request.pk)
        ).count()
        == 1
    )


def test_the_queue_counts_a_day_later_than_the_visit_even_after_midnight(world, login, task):
    # The call's day is the Kyiv date: at 00:30 on Wednesday the task is due, at 23:30 on Tuesday not.
    with at(moment(TUESDAY, 23, 30), login, world.users["quality"]) as client:
        assert 'id="due-count">0<' in client.get("/staff/quality/").content.decode()
    with at(moment(WEDNESDAY, 0, 30), login, world.users["quality"]) as client:
        assert 'id="due-count">1<' in client.get("/staff/quality/").content.decode()
    assert task.call_from - datetime.timedelta(hours=10) == moment(WEDNESDAY, 0)


def test_a_damaged_form_asks_to_reload_and_changes_nothing(world, login, task):
    with at(moment(WEDNESDAY, 10, 30), login, world.users["quality"]) as client:
        response = client.post(f"/staff/quality/survey/{task.pk}/", {"version": "два", "outcome": "no_answer"})
        assert response.status_code == 200 and "Оновіть сторінку і запишіть дзвінок ще раз." in response.content.decode()
        response = client.post(f"/staff/quality/survey/{task.pk}/", {"version": "1", "outcome": "hung_up"})
        assert response.status_code == 200 and "Виберіть, чим закінчився дзвінок." in response.content.decode()
    task.refresh_from_db()
    assert task.attempts == 0 and CallAttempt.objects.count() == 0

"""Feedback from social networks and other channels, entered by staff with the channel recorded."""

import time_machine

from quality.models import Feedback
from quality.tests.helpers import MONDAY, TUESDAY, WEDNESDAY, at, moment, served_visit

PAST = moment(MONDAY, 0, weeks=-1).strftime("%d.%m.%Y")  # a day of last week


def _post(client, **data):
    values = {
        "channel": "social",
        "received_on": "",
        "request_number": "",
        "author": "",
        "source_url": "",
        "text": "Дуже вдячна адміністраторці, все пояснила",
    }
    values.update(data)
    return client.post("/staff/quality/feedback/", values)


def test_feedback_from_a_social_network_is_recorded_with_its_channel(world, login):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        visit = served_visit(world)
    with at(moment(WEDNESDAY, 12), login, world.users["quality"]) as client:
        response = _post(
            client,
            received_on=moment(TUESDAY, 0).strftime("%d.%m.%Y"),
            request_number=visit.request.number.lower(),
            author="Ганна К. (Facebook)",
            source_url="https://facebook.com/groups/gromada/posts/1",
            rating="5",
        )
        assert response.status_code == 302, response.context["form"].errors
        page = client.get("/staff/quality/feedback/").content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.rating, feedback.request, feedback.served_by, feedback.entered_by) == (
        "social",
        5,
        visit.request,
        world.users["field_admin"],
        world.users["quality"],
    )
    assert feedback.received_on == moment(TUESDAY, 0).date()
    assert "Соціальні мережі" in page and "Ганна К. (Facebook)" in page


def test_feedback_needs_no_rating_but_a_given_one_is_1_to_5(world, login):
    client = login(world.users["quality"])
    assert _post(client, received_on=PAST).status_code == 302
    response = _post(client, received_on=PAST, rating="6")
    assert "Виберіть оцінку від 1 (дуже погано) до 5 (дуже добре)." in response.content.decode()
    assert Feedback.objects.count() == 1 and Feedback.objects.get().rating is None


def test_staff_cannot_pretend_feedback_came_through_the_link_or_the_survey(world, login):
    client = login(world.users["quality"])
    for channel in ("link", "survey", "carrier pigeon"):
        response = _post(client, received_on=PAST, channel=channel)
        assert response.status_code == 200 and "Виберіть зі списку, звідки це надійшло." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_another_communitys_request_number_is_not_found(world, login):
    client = login(world.users["quality"])
    response = _post(client, received_on=PAST, request_number=world.b_req.number)
    assert "Заявки з таким номером у громаді немає." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_a_date_in_the_future_or_a_100_kb_text_is_refused(world, login):
    client = login(world.users["quality"])
    response = _post(client, received_on="01.01.2999")
    assert "Дата не може бути в майбутньому." in response.content.decode()
    response = _post(client, received_on=PAST, text="я" * 100_000)
    assert "Текст задовгий: можна до 5000 знаків, а тут 100000." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_the_feedback_list_is_access_logged(world, login):
    from audit.models import AccessLog

    client = login(world.users["quality"])
    _post(client, received_on=PAST, request_number=world.req.number)
    client.get("/staff/quality/feedback/")
    assert AccessLog.objects.filter(user=world.users["quality"], object_type="quality.feedback").count() == 1

"""The feedback link after the visit: no login, no default rating, one count per request, rate-limited;
a reused, expired or forged link gets a clear message and counts nothing."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from quality.feedback import feedback_url, make_token
from quality.models import Feedback
from quality.tests.helpers import TUESDAY, moment, served_visit


@pytest.fixture
def visit(world):
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        return served_visit(world)


def test_the_link_opens_a_short_form_with_no_rating_chosen(world, visit, client):
    url = feedback_url(visit.request)
    assert url.startswith("/feedback/")
    page = client.get(url).content.decode()
    ratings = re.findall(r'<input type="radio" name="rating"[^>]*>', page)
    assert len(ratings) == 5 and not [r for r in ratings if "checked" in r]
    assert visit.request.applicant_name not in page  # the link shows nobody's data


def test_feedback_from_the_link_is_counted_once_and_rates_who_served(world, visit, client):
    url = feedback_url(visit.request)
    response = client.post(url, {"rating": "5", "text": "Дякую, усе чудово"})
    assert response.status_code == 200 and "Дякуємо! Ваш відгук отримано." in response.content.decode()
    again = client.post(url, {"rating": "1", "text": "ще раз"})
    assert "ваш відгук уже отримано. Вдруге його не враховано." in again.content.decode()
    assert "ваш відгук уже отримано" in client.get(url).content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.rating, feedback.text) == ("link", 5, "Дякую, усе чудово")
    assert feedback.request == visit.request and feedback.served_by == world.users["field_admin"]
    assert feedback.community == world.a and feedback.received_on == timezone.localdate()


def test_a_new_link_for_the_same_request_counts_nothing_more(world, visit, client):
    client.post(feedback_url(visit.request), {"rating": "4"})
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3), tick=False):
        other = feedback_url(visit.request)
    client.post(other, {"rating": "2"})
    assert Feedback.objects.count() == 1 and Feedback.objects.get().rating == 4


@pytest.mark.parametrize("rating", ["0", "6", "", "-1", "5' OR 1=1", "٥"])
def test_a_rating_outside_1_to_5_is_refused_with_a_clear_message(world, visit, client, rating):
    response = client.post(feedback_url(visit.request), {"rating": rating, "text": "так собі"})
    assert response.status_code == 200
    assert "Виберіть оцінку від 1 (дуже погано) до 5 (дуже добре)." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_an_expired_link_says_so_and_counts_nothing(world, visit, client, settings):
    url = feedback_url(visit.request)
    later = timezone.now() + datetime.timedelta(days=settings.VALIZA_FEEDBACK_LINK_DAYS, seconds=1)
    with time_machine.travel(later, tick=False):
        response = client.post(url, {"rating": "5"})
    assert response.status_code == 400
    assert "Термін дії цього посилання минув" in response.content.decode()
    assert Feedback.objects.count() == 0
    with time_machine.travel(later - datetime.timedelta(seconds=2), tick=False):
        assert client.post(url, {"rating": "5"}).status_code == 200
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t.split(":")[0],  # the signature cut off
        lambda t: "eyJyIjoxfQ:1abcde:" + "x" * 43,  # made up
        lambda t: "%00",
    ],
)
def test_a_forged_or_damaged_link_says_so_and_counts_nothing(world, visit, client, forge):
    response = client.post(f"/feedback/{forge(make_token(visit.request))}/", {"rating": "5"})
    assert response.status_code == 400
    assert "Це посилання пошкоджене або неправильне" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_a_token_signed_for_something_else_is_not_a_feedback_link(world, visit, client):
    from django.core import signing

    token = signing.dumps({"r": visit.request.pk}, salt="something.else")
    assert client.get(f"/feedback/{token}/").status_code == 400
    assert Feedback.objects.count() == 0


def test_the_form_is_rate_limited(world, visit, settings):
    settings.VALIZA_PUBLIC_FEEDBACK_LIMIT = 2
    client = Client()
    url = feedback_url(visit.request)
    assert client.post(url, {"rating": "9"}).status_code == 200
    assert client.post(url, {"rating": "9"}).status_code == 200
    response = client.post(url, {"rating": "5"})
    assert response.status_code == 429 and "Забагато спроб" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_the_link_is_absolute_with_the_site_address(world, visit, settings):
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.gov.ua"
    assert feedback_url(visit.request).startswith("https://valiza.example.gov.ua/feedback/")


def test_the_status_page_template_can_show_the_link(world, visit):
    from django.template import Context, Template

    html = Template("{% load quality %}{% feedback_url req %}").render(Context({"req": visit.request}))
    assert html.startswith("/feedback/") and Client().get(html).status_code == 200


def test_two_posts_at_once_count_once(world, visit):
    from quality import actions

    actions.feedback_from_link(visit.request, rating=4, text="")
    with pytest.raises(actions.AlreadyCounted):
        actions.feedback_from_link(visit.request, rating=1, text="")
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("token", ["x" * 5000, "ї" * 300, "..", "%ff%fe", "a:b:c:d:e"])
def test_strange_tokens_get_the_message_never_a_500(world, client, token):
    response = client.get(f"/feedback/{token}/")
    assert response.status_code in (400, 404)
    assert Feedback.objects.count() == 0


def test_a_long_text_or_a_list_of_ratings_gets_a_clear_message(world, visit, client):
    url = feedback_url(visit.request)
    response = client.post(url, {"rating": "5", "text": "я" * 100_000})
    assert response.status_code == 200 and "Текст задовгий: можна до 2000 знаків" in response.content.decode()
    assert Feedback.objects.count() == 0
    # Two ratings sent at once: the form reads one value (the last), as for any field.
    response = client.post(url, {"rating": ["1", "5"]})
    assert response.status_code == 200 and Feedback.objects.get().rating == 5


def test_a_site_address_that_is_not_a_web_address_stops_the_start():
    from core.tests.test_settings_and_demo import SERVER_KEY, _import_settings

    result = _import_settings(VALIZA_SECRET_KEY=SERVER_KEY, VALIZA_PUBLIC_URL="valiza.example.gov.ua")
    assert result.returncode != 0 and "VALIZA_PUBLIC_URL must start with https://" in result.stderr

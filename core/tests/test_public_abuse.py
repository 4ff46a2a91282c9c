"""The citizens' pages face the open internet: bots fill the honeypot, scripts hammer the form and
the status look-up, someone posts megabytes. None of it may store anything or show an error page;
and what real people type (phones in any format, birth dates) is normalised or refused in
Ukrainian."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from conftest import intake_post_data
from visits.forms import PublicRequestForm
from visits.models import VisitRequest

TOO_MANY = "Забагато спроб за короткий час"
TOO_BIG = "Надіслано забагато даних"
SERVER_ERROR_MARKERS = ("Server Error", "Traceback", "Збій")


@pytest.fixture(autouse=True)
def _one_long_window(settings):
    # The counter lives in a time slot; a slot this long cannot roll over in the middle of a test.
    settings.VALIZA_RATE_WINDOW_SECONDS = 10**9


def _public_data(world, **overrides):
    data = intake_post_data(world, **overrides)
    data.pop("channel")
    return data


def _client(ip="192.0.2.10", **extra):
    return Client(raise_request_exception=False, REMOTE_ADDR=ip, **extra)


def _stored():
    return VisitRequest.objects.count()


# -- honeypot -----------------------------------------------------------------------------------

@pytest.mark.parametrize("website", ["http://spam.example", "x", " "])
def test_a_bot_that_fills_the_hidden_field_is_thanked_and_nothing_is_stored(world, website):
    client = _client()
    before = _stored()
    response = client.post(f"/{world.a.slug}/request/", _public_data(world, website=website))
    assert response.status_code == 302
    assert response["Location"] == f"/{world.a.slug}/request/sent/"  # exactly what a person sees
    assert _stored() == before
    done = client.get(response["Location"])
    assert done.status_code == 200 and done.context["number"] is None


def test_a_person_who_leaves_the_hidden_field_empty_is_stored(world):
    client = _client()
    before = _stored()
    response = client.post(f"/{world.a.slug}/request/", _public_data(world, website=""))
    assert response.status_code == 302
    assert _stored() == before + 1
    number = VisitRequest.objects.latest("id").number
    assert number in client.get(response["Location"]).content.decode()


def test_the_hidden_field_is_hidden_from_people_and_screen_readers(world):
    assert "website" in PublicRequestForm(community=world.a).fields
    html = _client().get(f"/{world.a.slug}/request/").content.decode()
    trap = re.search(r'<div class="hp" aria-hidden="true">.*?</div>', html, re.DOTALL)
    assert trap, "the trap must sit in a hidden block"
    assert 'name="website"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)


# -- rate limits --------------------------------------------------------------------------------

def _assert_too_many_page(response, world):
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert TOO_MANY in html
    assert escape(world.a.phone) in html  # where to call instead
    assert not any(marker in html for marker in SERVER_ERROR_MARKERS)


def test_the_public_form_refuses_the_post_after_the_limit_with_a_clear_ukrainian_page(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 3
    client = _client()
    url = f"/{world.a.slug}/request/"
    # Each with a phone of its own: the limit per phone (test_phone_limits.py) is not what is tested here.
    for i in range(3):
        response = client.post(url, _public_data(world, applicant_name=f"Людина {i}", street=f"вул. {i}",
                                                 applicant_phone=f"067 765 43 2{i}"))
        assert response.status_code == 302, i
    before = _stored()

    response = client.post(url, _public_data(world, applicant_name="Четверта Людина", street="вул. 4",
                                             applicant_phone="067 765 43 29"))
    _assert_too_many_page(response, world)
    assert _stored() == before
    # Reading the form is not limited; only sending it.
    assert client.get(url).status_code == 200


def test_mistakes_are_counted_loosely_so_a_slow_typist_still_gets_through(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 2
    client = _client()
    url = f"/{world.a.slug}/request/"
    for _ in range(4):
        assert client.post(url, {"applicant_name": "x"}).status_code == 200  # refused, counted loosely
    assert client.post(url, _public_data(world)).status_code == 302


def test_invalid_and_bot_posts_count_towards_a_looser_limit(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 2  # 2 saved requests, 12 posts of any kind
    client = _client()
    url = f"/{world.a.slug}/request/"
    for _ in range(6):
        assert client.post(url, {"applicant_name": "x"}).status_code == 200
        assert client.post(url, _public_data(world, website="spam")).status_code == 302  # bot
    _assert_too_many_page(client.post(url, _public_data(world)), world)


def test_the_limit_is_per_client_so_a_neighbour_can_still_send(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 1
    url = f"/{world.a.slug}/request/"
    assert _client("192.0.2.10").post(url, _public_data(world, street="вул. 1")).status_code == 302
    assert _client("192.0.2.10").post(url, _public_data(world, street="вул. 2")).status_code == 429
    assert _client("192.0.2.11").post(url, _public_data(world, street="вул. 3")).status_code == 302


def test_behind_a_proxy_clients_are_told_apart_by_the_configured_header(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 1
    settings.VALIZA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    url = f"/{world.a.slug}/request/"
    proxy = "10.0.0.1"
    assert _client(proxy, HTTP_X_REAL_IP="198.51.100.1").post(url, _public_data(world, street="вул. 1")).status_code == 302
    assert _client(proxy, HTTP_X_REAL_IP="198.51.100.2").post(url, _public_data(world, street="вул. 2")).status_code == 302
    assert _client(proxy, HTTP_X_REAL_IP="198.51.100.1").post(url, _public_data(world, street="вул. 3")).status_code == 429


def test_the_status_lookup_refuses_the_lookup_after_the_limit(world, settings):
    settings.VALIZA_PUBLIC_STATUS_LIMIT = 3
    client = _client()
    url = f"/{world.a.slug}/status/"
    guesses = [{"number": f"0000-000{i}", "phone": "067 123 45 67"} for i in range(3)]
    for guess in guesses:
        response = client.post(url, guess)
        assert response.status_code == 200 and response.context["not_found"]
    # Even the right number and phone are refused now: guessing cannot go on.
    response = client.post(url, {"number": world.req.number, "phone": "067 123 45 67"})
    _assert_too_many_page(response, world)
    assert world.req.number not in response.content.decode()


def test_the_two_limits_are_counted_separately(world, settings):
    settings.VALIZA_PUBLIC_STATUS_LIMIT = 1
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 1
    client = _client()
    client.post(f"/{world.a.slug}/status/", {"number": "0000-0000", "phone": "067 123 45 67"})
    assert client.post(f"/{world.a.slug}/status/", {"number": "0000-0000", "phone": "067 123 45 67"}).status_code == 429
    assert client.post(f"/{world.a.slug}/request/", _public_data(world)).status_code == 302


# -- body size ----------------------------------------------------------------------------------

def test_a_body_bigger_than_the_limit_gets_413_and_stores_nothing(world, settings):
    limit = settings.VALIZA_MAX_BODY_BYTES
    client = _client()
    before = _stored()
    response = client.post(f"/{world.a.slug}/request/", _public_data(world, notes="x" * (limit + 1)))
    assert response.status_code == 413
    html = response.content.decode()
    assert TOO_BIG in html and not any(marker in html for marker in SERVER_ERROR_MARKERS)
    assert _stored() == before


def test_the_body_limit_applies_before_the_rate_limit_counts_and_on_every_page(world, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 1
    settings.VALIZA_MAX_BODY_BYTES = 10_000
    big = "x" * 10_001
    client = _client()
    assert client.post(f"/{world.a.slug}/request/", _public_data(world, notes=big)).status_code == 413
    assert client.post(f"/{world.a.slug}/status/", {"number": big, "phone": "1"}).status_code == 413
    staff = _client()
    staff.force_login(world.users["coordinator"])
    assert staff.post("/staff/requests/new/", intake_post_data(world, notes=big)).status_code == 413
    assert staff.post(f"/api/v1/requests/{world.req.pk}/decision", {"status": "accepted", "comment": big},
                      content_type="application/json").status_code == 413
    assert _stored() == 2  # only the world's own requests
    # The refused big post did not use up the one allowed request.
    assert client.post(f"/{world.a.slug}/request/", _public_data(world)).status_code == 302


def test_a_body_just_under_the_limit_is_read_normally(world, settings):
    settings.VALIZA_MAX_BODY_BYTES = 20_000
    response = _client().post(f"/{world.a.slug}/request/", _public_data(world, notes="x" * 10_000))
    assert response.status_code == 200  # read, and refused for the notes' length, not the size
    assert "notes" in response.context["form"].errors


# -- phones -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "067 765 43 21", "(067) 765-43-21", "+38 067 765 43 21", "+380677654321", "380677654321",
    "0677654321", "+38(067)765-43-21", "067.765.43.21", " 067 765 43 21 ",
])
def test_a_phone_typed_any_usual_way_is_stored_in_e164(world, typed):
    response = _client().post(f"/{world.a.slug}/request/", _public_data(world, applicant_phone=typed))
    assert response.status_code == 302
    assert VisitRequest.objects.latest("id").applicant_phone == "+380677654321"


def test_a_requesters_phone_is_normalised_too(world):
    data = _public_data(world, for_someone_else="1", requester_name="Сусідка Олена",
                        requester_phone="(050) 111-22-33", requester_relation="neighbour")
    assert _client().post(f"/{world.a.slug}/request/", data).status_code == 302
    assert VisitRequest.objects.latest("id").requester_phone == "+380501112233"


@pytest.mark.parametrize(("typed", "message"), [
    ("12345", "Такого номера не існує"),
    ("067 765 43", "Такого номера не існує"),
    ("+380 00 000 00 00", "Такого номера не існує"),
    ("0000000000", "Такого номера не існує"),
    ("abc", "Не схоже на номер телефону"),
    ("телефон", "Не схоже на номер телефону"),
    ("0" * 31, "Задовго: не більше 30 знаків"),
])
def test_an_invalid_phone_is_refused_with_a_ukrainian_message(world, typed, message):
    before = _stored()
    response = _client().post(f"/{world.a.slug}/request/", _public_data(world, applicant_phone=typed))
    assert response.status_code == 200
    assert _stored() == before
    errors = response.context["form"].errors["applicant_phone"]
    assert any(message in e for e in errors), errors
    assert escape(message) in response.content.decode()


def test_the_status_lookup_finds_a_request_whatever_way_the_phone_is_typed(world):
    for typed in ("067 123 45 67", "+380671234567", "(067)123-45-67", "380671234567"):
        response = _client().post(f"/{world.a.slug}/status/", {"number": world.req.number, "phone": typed})
        assert response.context["found"] == world.req, typed


def test_the_status_lookup_refuses_an_invalid_phone_in_ukrainian(world):
    response = _client().post(f"/{world.a.slug}/status/", {"number": world.req.number, "phone": "12345"})
    assert response.context["found"] is None
    assert "Такого номера не існує" in response.content.decode()


# -- birth dates --------------------------------------------------------------------------------

def _post_birth_date(world, born):
    value = born if isinstance(born, str) else born.strftime("%d.%m.%Y")
    return _client().post(f"/{world.a.slug}/request/", _public_data(world, applicant_birth_date=value))


def test_a_birth_date_in_the_future_is_refused(world):
    before = _stored()
    response = _post_birth_date(world, timezone.localdate() + timedelta(days=1))
    assert response.status_code == 200 and _stored() == before
    assert response.context["form"].errors["applicant_birth_date"] == ["Дата народження не може бути в майбутньому."]
    assert "Дата народження не може бути в майбутньому." in response.content.decode()


@pytest.mark.parametrize("born", ["9999-12-31", "31.12.9999"])
def test_a_birth_date_far_in_the_future_is_refused_too(world, born):
    response = _post_birth_date(world, born)
    assert response.status_code == 200
    assert "applicant_birth_date" in response.context["form"].errors


def test_a_birth_date_more_than_120_years_ago_is_refused(world):
    today = timezone.localdate()
    before = _stored()
    for born in (date(today.year - 121, 12, 31), date(1800, 1, 1), "01.01.0001"):
        response = _post_birth_date(world, born)
        assert response.status_code == 200, born
        errors = response.context["form"].errors["applicant_birth_date"]
        assert any("понад 120 років" in e or "дд.мм.рррр" in e or "день.місяць.рік" in e for e in errors), errors
    assert _stored() == before
    assert "понад 120 років" in _post_birth_date(world, date(1800, 1, 1)).content.decode()


def test_the_oldest_and_youngest_allowed_birth_dates_are_accepted(world):
    today = timezone.localdate()
    for born in (date(today.year - 120, 1, 1), today):
        before = _stored()
        assert _post_birth_date(world, born).status_code == 302, born
        assert _stored() == before + 1


@pytest.mark.parametrize("born", ["31.02.2020", "29.02.2023", "0000-00-00", "32.01.1950", "1950", "вчора"])
def test_an_impossible_birth_date_is_refused_with_the_expected_format(world, born):
    response = _post_birth_date(world, born)
    assert response.status_code == 200
    assert response.context["form"].errors["applicant_birth_date"] == [
        "Напишіть дату як день.місяць.рік, наприклад 05.03.1941."
    ]

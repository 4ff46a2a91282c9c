"""The staff dashboard, the API, the public statistics and the open data, with their bad input."""

import csv
import io
import json

import pytest
from django.test import override_settings

from indicators import opendata
from indicators.figures import DEFINITIONS
from indicators.tests import dataset


@pytest.fixture
def data(world):
    return dataset.build(world)


def _period(data):
    return {"start": data.start.isoformat(), "end": data.end.isoformat()}


def test_the_coordinator_sees_each_figure_with_its_definition_chart_and_table(world, data, login):
    page = login(world.users["coordinator"]).get("/staff/indicators/", _period(data)).content.decode()
    assert 'id="late_handover-value">40,0 %<' in page
    assert 'id="decided_late-value">50,0 %<' in page
    assert 'id="punctuality-value">75,0 %<' in page
    assert 'id="wait_days-median">2<' in page and 'id="wait_days-p90">7<' in page
    assert 'id="complaints-value">500,0<' in page and 'id="satisfaction-value">60,0 %<' in page
    assert "ціль громади — 95 %: не досягнуто" in page
    for definition in DEFINITIONS.values():
        assert str(definition["numerator"]).replace("'", "&#x27;") in page
    # Charts are pictures named by their captions, and their numbers are in tables.
    assert page.count('<svg class="chart" role="img"') == 5 and "<caption>Рейтинг послуг</caption>" in page


def test_a_period_without_data_shows_empty_figures(world, login):
    response = login(world.users["quality"]).get("/staff/indicators/", {"start": "2001-01-01", "end": "2001-03-31"})
    assert response.status_code == 200
    assert 'id="late_handover-value">—<' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-01-01"}, "Кінець періоду раніше за його початок"),
        ({"start": "1990-01-01", "end": "2040-01-01"}, "Період задовгий"),
        ({"start": "31.01.2026"}, "не вдалося прочитати"),
        ({"start": "9999-12-31", "end": "9999-12-31x"}, "не вдалося прочитати"),
    ],
)
def test_a_wrong_period_gets_a_clear_message_and_no_figures(world, login, query, message):
    response = login(world.users["coordinator"]).get("/staff/indicators/", query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="error-summary"' in page and "late_handover-value" not in page


def test_another_communitys_name_in_the_filter_is_not_found(world, login):
    client = login(world.users["coordinator"])
    assert client.get("/staff/indicators/", {"community": world.b.slug}).status_code == 404
    assert client.get("/staff/indicators/", {"community": world.a.slug}).status_code == 200
    assert client.get("/api/v1/indicators/", {"community": world.b.slug}).status_code == 404


def test_the_api_gives_the_same_figures_with_their_definitions(world, data, login):
    response = login(world.users["coordinator"]).get("/api/v1/indicators/", _period(data))
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == _period(data) and body["community"] == world.a.slug
    late = body["figures"]["late_handover"]
    assert (late["numerator"], late["denominator"], late["value"]) == (2, 5, 40.0)
    assert late["definition"]["title"] == str(DEFINITIONS["late_handover"]["title"])
    assert body["figures"]["wait_days"]["extra"] == {"median": 2, "p90": 7}
    assert body["figures"]["activity"]["breakdowns"]["week"][0] == {
        "week": data.start.isoformat(),
        "visits": 2,
        "people": 2,
        "services": 6,
    }


def test_the_api_refuses_a_wrong_period_with_a_message(world, login):
    client = login(world.users["coordinator"])
    response = client.get("/api/v1/indicators/", {"start": "2026-03-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "раніше за його початок" in response.json()["detail"]
    assert client.get("/api/v1/indicators/", {"start": "not-a-date"}).status_code == 422
    assert client.get("/api/v1/indicators/", {"start": "1900-01-01", "end": "2000-01-01"}).status_code == 400


def test_the_community_of_the_dashboard_is_the_users_own(world, data, login):
    page = login(world.b_coordinator).get("/staff/indicators/", _period(data)).content.decode()
    # Community B's own rows only: its one case waiting past its hand-over day, one complaint, one request.
    assert 'id="late_handover-value">100,0 %<' in page and "(1 з 1)" in page
    assert 'id="complaints-value">1000,0<' in page


# -- public statistics and open data ------------------------------------------------------------


def test_protect_suppresses_small_counts_and_the_totals_that_would_reveal_them():
    assert opendata.protect([10, 7, 3], 20) == ([10, None, None], 20)  # 3 alone would be 20 - 10 - 7
    assert opendata.protect([3, 2, 12], 17) == ([None, None, 12], 17)  # two hidden: neither can be told
    assert opendata.protect([3, 0], 3) == ([None, 0], None)  # nothing else to hide: the total goes
    assert opendata.protect([0, 5], 5) == ([0, 5], 5)  # zero tells of nobody


def test_the_public_page_shows_headline_figures_without_small_counts(world, data, client):
    response = client.get(f"/{world.a.slug}/stats/", _period(data))
    assert response.status_code == 200
    page = response.content.decode()
    # Three visits and three people: under five, so not shown; six services are.
    assert 'id="h-visits">менше 5<' in page and 'id="h-people">менше 5<' in page
    assert 'id="h-services">6<' in page
    assert 'id="h-satisfaction">60,0 %<' in page  # five ratings: enough
    assert 'id="h-punctuality">замало візитів<' in page  # four visits: too few
    assert "Людина Для Статистики" not in page and "Скаржник" not in page
    assert page.count('<svg class="chart" role="img"') == 2


def test_the_open_data_suppress_counts_under_five_and_carry_licence_period_and_fields(world, data, client):
    body = json.loads(client.get(f"/{world.a.slug}/stats/data.json", _period(data)).content)
    assert body["licence"] == "CC BY 4.0" and body["period"] == _period(data)
    assert set(body["fields"]) == {"week", "settlement", "visits", "services", "people"}
    first = [r for r in body["weeks"] if r["week"] == data.start.isoformat()]
    # Week one: services 6 in total, 3 in Місто and 3 without a settlement: each under five, both hidden.
    assert first == [
        {"week": data.start.isoformat(), "settlement": "", "visits": None, "services": 6, "people": None},
        {"week": data.start.isoformat(), "settlement": "Місто", "visits": None, "services": None, "people": None},
        {"week": data.start.isoformat(), "settlement": "—", "visits": 0, "services": None, "people": 0},
    ]
    assert [(s["service"], s["requested"]) for s in body["services"]] == [
        ("Довідка про зареєстрованих", None),
        ("Реєстрація місця проживання", None),
    ]
    text = json.dumps(body, ensure_ascii=False)
    for personal in ("Людина Для Статистики", "Скаржник", "вул. Садова", "Скарга"):
        assert personal not in text
    # No date finer than a week: every row is a Monday.
    assert all(
        r["week"] in (data.start.isoformat(), (data.start + __import__("datetime").timedelta(days=7)).isoformat())
        for r in body["weeks"]
    )


def test_the_csv_has_the_documented_columns_and_empty_cells_for_suppressed_counts(world, data, client):
    response = client.get(f"/{world.a.slug}/stats/data.csv", _period(data))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["period_start", "period_end", "week", "settlement", "visits", "services", "people"]
    assert rows[1] == [data.start.isoformat(), data.end.isoformat(), data.start.isoformat(), "", "", "6", ""]


def test_public_statistics_refuse_bad_input_clearly_and_unknown_communities_are_404(world, client):
    wrong = {"start": "2026-03-01", "end": "2026-01-01"}
    assert client.get("/no-such-community/stats/").status_code == 404
    assert client.get("/no-such-community/stats/data.json").status_code == 404
    page = client.get(f"/{world.a.slug}/stats/", wrong)
    assert page.status_code == 400 and "раніше за його початок" in page.content.decode()
    assert client.get(f"/{world.a.slug}/stats/data.json", wrong).status_code == 400
    answer = client.get(f"/{world.a.slug}/stats/data.csv", {"start": "1900-01-01", "end": "2000-01-01"})
    assert answer.status_code == 400 and "Період задовгий" in answer.content.decode()


def test_an_empty_period_gives_empty_open_data(world, client):
    body = client.get(f"/{world.a.slug}/stats/data.json", {"start": "2001-01-01", "end": "2001-01-31"}).json()
    assert body["weeks"] == [] and body["services"] == [] and body["headline"]["visits"] == 0


@override_settings(VALIZA_PUBLIC_SCHEDULE_LIMIT=2)
def test_the_public_statistics_are_rate_limited(world, client):
    url = f"/{world.a.slug}/stats/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(f"/{world.a.slug}/stats/data.csv").status_code == 429

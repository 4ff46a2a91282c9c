"""Every indicator pinned on the hand-built fortnight (indicators/tests/dataset.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import figures
from indicators.tests import dataset
from journal.models import Case


@pytest.fixture
def data(world):
    return dataset.build(world)


def _ratio(figure):
    return figure.numerator, figure.denominator, figure.value


def test_late_handover_counts_the_days_handed_over_and_the_ones_still_waiting(world, data):
    # Due in the period: c1 on time, c2 a day late, c4 still waiting since S (its due day, the first
    # edge), c5 on time though recorded after the period, c7 on time; c6 withdrawn before its day.
    found = figures.late_handover(world.a, data.start, data.end)
    assert _ratio(found) == (2, 5, 40.0)
    assert found.breakdowns["provider"] == [{"label": "Відділ реєстрації", "numerator": 2, "denominator": 5, "value": 40.0}]


def test_a_hand_over_corrected_after_the_period_closed_changes_the_figure(world, data):
    before = figures.late_handover(world.a, data.start, data.end)
    # Weeks later the coordinator finds that c2 went to the provider on its day after all.
    Case.objects.filter(pk=data.c2.pk).update(handed_over_on=data.c2.handover_due)
    after = figures.late_handover(world.a, data.start, data.end)
    assert (before.numerator, after.numerator, after.denominator, after.value) == (2, 1, 5, 20.0)


def test_decided_late_is_judged_by_the_day_of_the_decision(world, data):
    # Term ending in the period: c1 (on E, decided 3 days later), c2 and c5 in time, c4 still waiting
    # past its term; c6 withdrawn in time and c7 suspended are left out; c3's term ends after E.
    assert _ratio(figures.decided_late(world.a, data.start, data.end)) == (2, 4, 50.0)


def test_before_its_term_ends_an_undecided_case_is_not_counted(world, data):
    on_the_day = data.c4.provider_due
    found = figures.decided_late(world.a, data.start, data.end, today=on_the_day)
    assert _ratio(found) == (1, 3, 33.3)


def test_punctuality_counts_visits_started_within_the_window_told(world, data):
    found = figures.punctuality(world.a, data.start, data.end)
    assert _ratio(found) == (3, 4, 75.0)
    assert [(r["label"], r["numerator"], r["denominator"]) for r in found.breakdowns["team"]] == [
        ("Друга", 0, 1),
        ("Перша", 3, 3),
    ]


def test_days_from_request_to_visit_median_and_90th_percentile(world, data):
    # First started visits in the period: r_out1 after 1 day, r1 after 2, r2 after 7.
    found = figures.wait_days(world.a, data.start, data.end)
    assert (found.denominator, found.extra["median"], found.extra["p90"]) == (3, 2, 7)


def test_nearest_rank_percentile():
    assert figures.nearest_rank(list(range(1, 11)), 90) == 9
    assert figures.nearest_rank([5], 90) == 5
    assert figures.nearest_rank([], 90) is None


def test_plans_published_late_count_each_week_once_by_its_first_publication(world, data):
    found = figures.plans_late(world.a, data.start, data.end)
    assert _ratio(found) == (1, 2, 50.0)


def test_complaints_per_1000_requests(world, data):
    # Complaints on S and E count, the one the day after E does not; four requests in the period.
    assert _ratio(figures.complaints(world.a, data.start, data.end)) == (2, 4, 500.0)


def test_satisfaction_against_the_target_by_settlement_and_remoteness(world, data):
    found = figures.satisfaction(world.a, data.start, data.end)
    assert _ratio(found) == (3, 5, 60.0)
    assert found.extra == {"target": 95, "meets_target": False}
    assert [(r["label"], r["numerator"], r["denominator"], r["value"]) for r in found.breakdowns["settlement"]] == [
        ("Далеке", 1, 1, 100.0),
        ("Місто", 2, 3, 66.7),
    ]
    assert [(r["remote"], r["numerator"], r["denominator"]) for r in found.breakdowns["remote"]] == [(False, 2, 3), (True, 1, 1)]
    world.a.satisfaction_target = 60
    assert figures.satisfaction(world.a, data.start, data.end).extra["meets_target"] is True


def test_false_call_share(world, data):
    assert _ratio(figures.false_calls(world.a, data.start, data.end)) == (1, 4, 25.0)


def test_refusals_by_reason(world, data):
    found = figures.refusals(world.a, data.start, data.end)
    assert _ratio(found) == (2, 3, 66.7)
    assert [(r["code"], r["label"], r["numerator"]) for r in found.breakdowns["reason"]] == [
        ("", "без коду підстави", 1),
        ("R1", "Неповний пакет документів", 1),
    ]


def test_visits_services_and_people_per_week_and_by_dimension(world, data):
    found = figures.activity(world.a, data.start, data.end)
    second = data.start + datetime.timedelta(days=7)
    assert found.breakdowns["week"] == [
        {"week": data.start, "visits": 2, "people": 2, "services": 6},
        {"week": second, "visits": 1, "people": 1, "services": 0},
    ]
    assert found.extra == {"visits": 3, "people": 3, "services": 6}
    assert [(r["week"], r["label"], r["visits"], r["services"]) for r in found.breakdowns["team"]] == [
        (data.start, "Перша", 2, 0),
        (data.start, "—", 0, 6),
        (second, "Друга", 1, 0),
    ]
    assert [(r["label"], r["services"]) for r in found.breakdowns["settlement"] if r["week"] == data.start] == [
        ("Місто", 3),
        ("—", 3),
    ]
    # The visits here accepted nothing at the door (no AcceptedService): their service is "—".
    assert [(r["week"], r["label"], r["visits"], r["services"]) for r in found.breakdowns["service"]] == [
        (data.start, "Довідка про зареєстрованих", 0, 4),
        (data.start, "Реєстрація місця проживання", 0, 2),
        (data.start, "—", 2, 0),
        (second, "—", 1, 0),
    ]


def test_most_requested_services(world, data):
    found = figures.top_services(world.a, data.start, data.end)
    assert [(r["rank"], r["label"], r["numerator"]) for r in found.breakdowns["service"]] == [
        (1, "Довідка про зареєстрованих", 3),
        (2, "Реєстрація місця проживання", 2),
    ]
    assert found.denominator == 5


def test_a_period_with_no_data_gives_empty_figures(world):
    start = datetime.date(2001, 1, 1)
    found = figures.dashboard(world.a, start, start + datetime.timedelta(days=30))
    assert found["late_handover"].value is None and found["late_handover"].denominator == 0
    assert found["wait_days"].extra == {"median": None, "p90": None}
    assert found["activity"].breakdowns["week"] == [] and found["top_services"].breakdowns["service"] == []
    assert found["satisfaction"].extra["meets_target"] is None


def test_the_dashboard_takes_a_fixed_number_of_queries(world, data):
    from indicators import rollup

    start = data.start - datetime.timedelta(weeks=4)
    rollup.forget()  # every closed week counted (one run of weeks): the most the dashboard ever asks
    with CaptureQueriesContext(connection) as few:
        figures.dashboard(world.a, start, data.end)
    dataset.build(world, weeks_back=10)  # the same fortnight four weeks earlier: twice the rows
    rollup.forget()
    with CaptureQueriesContext(connection) as many:
        found = figures.dashboard(world.a, start, data.end)
    assert found["activity"].extra["visits"] == 7  # 3 + 3, and the earlier set's visit the day after its E
    # The roll-up's reads (2) and writes (4 and the marks dropped); one query per rolled-up indicator, two
    # for refusals, five for the weekly activity; one per live indicator, two for complaints and satisfaction.
    assert len(few) == len(many) == 25


def test_the_quality_page_and_the_indicators_count_satisfaction_and_complaints_alike(world, data):
    from quality import stats

    summary = stats.summary(world.a, data.start, data.end)
    assert summary.satisfied_percent == figures.satisfaction(world.a, data.start, data.end).value == 60.0
    assert summary.ratings == 5
    assert summary.complaints_per_1000 == figures.complaints(world.a, data.start, data.end).value == 500.0

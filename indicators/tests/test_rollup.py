"""The weekly roll-up (indicators/rollup.py): the dashboard gives the figures the live functions give,
whichever of its weeks came from the stored partials, and recounts a week whose inputs changed."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators import figures, rollup
from indicators.models import StaleWeek, WeekPartial
from indicators.tests import dataset
from journal.models import Case

DAY = datetime.timedelta(days=1)


@pytest.fixture
def data(world):
    return dataset.build(world)


def _live(community, start, end, today):
    """Each figure by its own function, counted from the rows (no roll-up)."""
    return {
        "late_handover": figures.late_handover(community, start, end, today),
        "decided_late": figures.decided_late(community, start, end, today),
        "punctuality": figures.punctuality(community, start, end),
        "wait_days": figures.wait_days(community, start, end),
        "refusals": figures.refusals(community, start, end),
        "activity": figures.activity(community, start, end),
    }


def _same(found, live):
    for key, figure in live.items():
        assert found[key].as_dict() == figure.as_dict(), key


def test_closed_whole_weeks_and_the_days_around_them():
    monday = datetime.date(2026, 3, 2)
    # A period from a Wednesday to a Tuesday four weeks on: the whole weeks inside it that are over.
    assert rollup.closed_weeks(monday + 2 * DAY, monday + 29 * DAY, today=monday + 60 * DAY) == [
        monday + 7 * DAY,
        monday + 14 * DAY,
        monday + 21 * DAY,
    ]
    # The week still going (today is its Sunday) is not closed.
    assert rollup.closed_weeks(monday, monday + 13 * DAY, today=monday + 13 * DAY) == [monday]
    stored = {monday + 7 * DAY, monday + 21 * DAY}
    assert rollup.live_ranges(monday + 2 * DAY, monday + 29 * DAY, stored) == [
        (monday + 2 * DAY, monday + 6 * DAY),
        (monday + 14 * DAY, monday + 20 * DAY),
        (monday + 28 * DAY, monday + 29 * DAY),
    ]


def test_the_dashboard_stores_closed_weeks_and_gives_the_live_figures_from_them(world, data):
    today = timezone.localdate()
    live = _live(world.a, data.start, data.end, today)
    first = figures.dashboard(world.a, data.start, data.end)
    assert set(WeekPartial.objects.filter(community=world.a).values_list("monday", flat=True)) == {
        data.start,
        data.start + 7 * DAY,
    }
    second = figures.dashboard(world.a, data.start, data.end)
    _same(first, live)
    _same(second, live)


@pytest.mark.parametrize("shift", [(1, -1), (3, 0), (-4, 2), (-6, 5)])
def test_a_period_cut_mid_week_counts_its_edges_live(world, data, shift):
    start, end = data.start + shift[0] * DAY, data.end + shift[1] * DAY
    today = timezone.localdate()
    figures.dashboard(world.a, data.start - 14 * DAY, data.end + 7 * DAY)  # every whole week stored
    _same(figures.dashboard(world.a, start, end), _live(world.a, start, end, today))


def test_the_week_still_going_is_never_stored(world):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    figures.dashboard(world.a, monday - 7 * DAY, monday + 6 * DAY)
    assert list(WeekPartial.objects.values_list("monday", flat=True)) == [monday - 7 * DAY]


def test_a_stale_mark_makes_the_week_counted_again_and_goes(world, data):
    figures.dashboard(world.a, data.start, data.end)
    # A change that did not go through the models (so no mark): the stored week still holds the old count.
    c2 = Case.objects.get(pk=data.c2.pk)
    before = figures.dashboard(world.a, data.start, data.end)["late_handover"].numerator
    Case.objects.filter(pk=c2.pk).update(handed_over_on=c2.handover_due)
    StaleWeek.objects.all().delete()
    WeekPartial.objects.filter(monday=dataset.period()[0]).update(data={"late_handover": {}})
    assert figures.dashboard(world.a, data.start, data.end)["late_handover"].numerator != before - 1
    rollup.mark_days([(world.a.pk, c2.handover_due)])
    after = figures.dashboard(world.a, data.start, data.end)
    assert after["late_handover"].numerator == before - 1
    assert not StaleWeek.objects.exists()
    _same(after, _live(world.a, data.start, data.end, timezone.localdate()))


def test_a_mark_written_while_the_week_is_counted_stays_for_the_next_time(world, data, monkeypatch):
    StaleWeek.objects.all().delete()  # those the data set's rows left
    rollup.mark_days([(world.a.pk, data.start)])
    weeks = figures.ROLLED["activity"].weeks

    def counting_while_a_change_commits(community, start, end, today=None):
        rollup.mark_days([(community.pk, data.start)])
        return weeks(community, start, end, today)

    specs = dict(figures.ROLLED, activity=rollup.Spec(counting_while_a_change_commits, figures.activity_finish, True))
    monkeypatch.setattr(figures, "ROLLED", specs)
    figures.dashboard(world.a, data.start, data.end)
    # The mark read before counting is gone, the one written meanwhile is not.
    assert StaleWeek.objects.filter(community=world.a, monday=data.start).count() == 1


def test_a_case_corrected_after_the_period_closed_changes_the_dashboard(world, data):
    before = figures.dashboard(world.a, data.start, data.end)
    # Weeks later the coordinator finds that c2 went to the provider on its day after all.
    case = Case.objects.get(pk=data.c2.pk)
    case.handed_over_on = case.handover_due
    case.save()
    after = figures.dashboard(world.a, data.start, data.end)
    assert (before["late_handover"].numerator, after["late_handover"].numerator) == (2, 1)
    # A decision's date corrected into the other week moves the refusal between the weeks' partials.
    refused = Case.objects.filter(community=world.a, granted=False, decided_on__range=(data.start, data.end)).first()
    Case.objects.filter(pk=refused.pk).update(
        decided_on=data.start + 7 * DAY if refused.decided_on < data.start + 7 * DAY else data.start
    )
    _same(figures.dashboard(world.a, data.start, data.end), _live(world.a, data.start, data.end, timezone.localdate()))


def test_the_stored_weeks_save_the_heavy_queries(world, data):
    start = data.start - datetime.timedelta(weeks=4)
    with CaptureQueriesContext(connection) as counting:
        figures.dashboard(world.a, start, data.end)
    with CaptureQueriesContext(connection) as stored:
        figures.dashboard(world.a, start, data.end)
    # First: the stored weeks and marks read (2), each rolled-up figure counted over the closed weeks
    # (1 + 1 + 1 + 1 + 2 + 5 + 1), the partials saved (the weeks already there read for update and one
    # insert, between a savepoint and its release), the marks the data set's rows left dropped (1) and the
    # live figures (1 + 2 + 2 + 1). Then: the two reads and the live figures.
    assert (len(counting), len(stored)) == (25, 8)


def test_the_days_median_and_percentile_from_counts_are_those_of_the_list():
    import random
    import statistics

    chance = random.Random(14)
    for _ in range(500):
        days = [chance.randint(0, 12) for _ in range(chance.randint(1, 30))]
        part = {}
        for d in days:
            part.setdefault(str(d), [0])[0] += 1
        found = figures.wait_days_finish(part)
        assert found.extra["median"] == statistics.median(days)
        assert type(found.extra["median"]) is type(statistics.median(days))
        assert found.extra["p90"] == figures.nearest_rank(days, 90)


def test_the_worker_counts_the_last_years_missing_and_stale_weeks_a_few_at_a_time(world, data):
    from indicators import warm

    today = timezone.localdate()
    last_sunday = today - datetime.timedelta(days=today.weekday() + 1)
    # Two communities × 53 weeks, eight a run, newest first.
    assert warm.check(per_run=8) == 8
    assert WeekPartial.objects.count() == 8
    assert WeekPartial.objects.order_by("monday").first().monday == last_sunday - datetime.timedelta(days=6 + 7 * 7)
    while warm.check(per_run=40):
        pass
    assert WeekPartial.objects.count() == 2 * 53
    assert warm.check() == 0
    rollup.mark_days([(world.a.pk, data.start)])
    # (Marks of weeks not over yet — a provider's last day ahead — wait for their week to close.)
    assert warm.check() == 1 and not StaleWeek.objects.filter(community=world.a, monday=data.start).exists()
    # The weeks it stored are those the dashboard counts.
    _same(figures.dashboard(world.a, data.start, data.end), _live(world.a, data.start, data.end, today))
    # A change past the models (no mark) is right again once its week is counted again, a week later.
    Case.objects.filter(pk=data.c2.pk).update(handed_over_on=data.c2.handover_due)
    StaleWeek.objects.all().delete()
    assert figures.dashboard(world.a, data.start, data.end)["late_handover"].numerator == 2
    with time_machine.travel(timezone.now() + warm.RECOUNT_AFTER + datetime.timedelta(hours=1), tick=False):
        while warm.check(per_run=40):
            pass
        assert figures.dashboard(world.a, data.start, data.end)["late_handover"].numerator == 1

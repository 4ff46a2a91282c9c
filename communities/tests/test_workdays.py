"""The working-day calendar: weekends, holidays, martial law, overrides and term arithmetic."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.db import IntegrityError
from holidays.constants import PUBLIC

from communities import workdays
from communities.models import CalendarOverride, Community
from communities.workdays import WorkCalendar

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
PEACE = date.min  # the setting "none": martial law never applied


@pytest.fixture
def in_force(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None


@pytest.fixture
def peace(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = PEACE


@pytest.fixture
def community():
    return Community.objects.create(name="Громада А", slug="a")


@pytest.fixture
def other_community():
    return Community.objects.create(name="Громада Б", slug="b")


def test_weekends_are_days_off_and_weekdays_are_worked(in_force):
    week = [date(2026, 3, 16) + timedelta(days=i) for i in range(7)]
    assert [d.strftime("%a") for d in week] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [workdays.is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_independence_day_2021_before_martial_law_is_a_day_off(in_force):
    # Martial law began in 2022, so the default setting (in force, no end) keeps 2021 as it was.
    assert date(2021, 8, 24).weekday() == 1
    assert not workdays.is_working_day(date(2021, 8, 24))


def test_christmas_on_a_weekday_is_a_day_off_without_martial_law(peace):
    assert date(2019, 12, 25).weekday() == 2
    assert not workdays.is_working_day(date(2019, 12, 25))
    assert date(2025, 12, 25).weekday() == 3
    assert not workdays.is_working_day(date(2025, 12, 25))


def test_the_same_holidays_are_working_days_under_martial_law(in_force):
    assert workdays.is_working_day(date(2023, 8, 24))  # Thursday
    assert workdays.is_working_day(date(2025, 12, 25))  # Thursday
    assert workdays.is_working_day(date(2026, 1, 1))  # Thursday
    assert workdays.is_working_day(date(2022, 4, 25))  # Monday after Easter 2022, no transfer


def test_holidays_before_martial_law_in_2022_stay_days_off(in_force):
    assert not workdays.is_working_day(date(2022, 1, 7))  # Christmas (Julian), Friday
    assert not workdays.is_working_day(date(2022, 3, 8))  # Women's Day, Tuesday
    assert not workdays.is_working_day(date(2022, 1, 3))  # New Year on Saturday moved to Monday


def test_the_last_day_of_martial_law_is_the_boundary(settings):
    independence = date(2026, 8, 24)  # Monday
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2026, 8, 24)
    assert workdays.is_working_day(independence)
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2026, 8, 23)
    assert not workdays.is_working_day(independence)
    # Earlier holidays of the same year were under martial law and stay worked.
    assert workdays.is_working_day(date(2026, 7, 15))  # Statehood Day, Wednesday


def test_a_weekend_holiday_after_martial_law_moves_the_day_off_to_monday(settings):
    constitution = date(2026, 6, 28)
    assert constitution.weekday() == 6
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2026, 6, 1)
    assert not workdays.is_working_day(date(2026, 6, 29))
    # A holiday under martial law moves nothing, even when martial law ends the next day.
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2026, 6, 28)
    assert workdays.is_working_day(date(2026, 6, 29))


def test_two_holidays_on_one_weekend_move_to_monday_and_tuesday(in_force):
    # 2021: Labour Day on Saturday 1 May, Easter on Sunday 2 May.
    assert not workdays.is_working_day(date(2021, 5, 3))
    assert not workdays.is_working_day(date(2021, 5, 4))
    assert workdays.is_working_day(date(2021, 5, 5))


def test_christmas_on_saturday_moves_to_monday(in_force):
    assert date(2021, 12, 25).weekday() == 5
    assert not workdays.is_working_day(date(2021, 12, 27))


def test_cabinet_transfers_make_a_bridge_day_off_and_a_saturday_worked(in_force):
    assert not workdays.is_working_day(date(2021, 8, 23))  # Monday before Independence Day
    assert date(2021, 8, 28).weekday() == 5
    assert workdays.is_working_day(date(2021, 8, 28))
    # A transfer across New Year: Saturday 28.12.1996 worked for 2.01.1997.
    assert workdays.is_working_day(date(1996, 12, 28))
    assert not workdays.is_working_day(date(1997, 1, 2))


@pytest.mark.parametrize("year", range(1991, 2031))
def test_without_overrides_the_calendar_matches_the_holidays_package(year):
    # With martial law in force and no end, our days off are exactly the package's PUBLIC ones:
    # it checks our reading of its categories, transfers and Cabinet table, year by year.
    package = {d for d in holidays.UA(years=year, categories=(PUBLIC,)) if d.weekday() < 5}
    assert workdays.days_off(year, None) == package


def test_with_martial_law_never_applied_every_weekday_holiday_is_off():
    for year in (2023, 2024, 2025, 2026):
        statutory = {d for d in workdays.statutory_holidays(year) if d.weekday() < 5}
        assert statutory and statutory <= workdays.days_off(year, PEACE)


def test_martial_law_setting_none_treats_2023_as_peacetime(peace):
    assert not workdays.is_working_day(date(2023, 8, 24))


def test_a_community_day_off_applies_to_that_community_only(in_force, community, other_community):
    day = date(2026, 3, 18)  # Wednesday
    CalendarOverride.objects.create(community=community, date=day, is_working=False,
                                    note="День громади")
    assert not workdays.is_working_day(day, community)
    assert workdays.is_working_day(day, other_community)
    assert workdays.is_working_day(day)


def test_a_national_working_saturday_applies_to_every_community(in_force, community):
    saturday = date(2026, 3, 21)
    CalendarOverride.objects.create(date=saturday, is_working=True, note="Розпорядження КМУ")
    assert workdays.is_working_day(saturday)
    assert workdays.is_working_day(saturday, community)


def test_a_community_entry_wins_over_the_national_one(in_force, community, other_community):
    saturday = date(2026, 3, 21)
    CalendarOverride.objects.create(date=saturday, is_working=True)
    CalendarOverride.objects.create(community=community, date=saturday, is_working=False)
    assert not workdays.is_working_day(saturday, community)
    assert workdays.is_working_day(saturday, other_community)


def test_an_override_can_make_a_peacetime_holiday_worked(peace, community):
    CalendarOverride.objects.create(community=community, date=date(2026, 8, 24), is_working=True)
    assert workdays.is_working_day(date(2026, 8, 24), community)
    assert not workdays.is_working_day(date(2026, 8, 24))


def test_an_override_counts_in_term_arithmetic(in_force, community):
    CalendarOverride.objects.create(community=community, date=date(2026, 3, 16), is_working=False)
    assert workdays.next_working_day(date(2026, 3, 13), community) == date(2026, 3, 17)
    assert workdays.next_working_day(date(2026, 3, 13)) == date(2026, 3, 16)


def test_one_national_entry_per_day_and_one_entry_per_community_and_day(community):
    CalendarOverride.objects.create(date=date(2026, 3, 21), is_working=True)
    CalendarOverride.objects.create(community=community, date=date(2026, 3, 21), is_working=True)
    with pytest.raises(IntegrityError):
        CalendarOverride.objects.create(date=date(2026, 3, 21), is_working=False)


def test_next_working_day_is_strictly_after(in_force):
    assert workdays.next_working_day(date(2026, 3, 16)) == date(2026, 3, 17)  # Mon → Tue
    assert workdays.next_working_day(date(2026, 3, 20)) == date(2026, 3, 23)  # Fri → Mon
    assert workdays.next_working_day(date(2026, 3, 21)) == date(2026, 3, 23)  # Sat → Mon


def test_friday_acceptance_is_handed_over_on_monday(in_force):
    assert workdays.handover_deadline(date(2026, 3, 13)) == date(2026, 3, 16)


def test_handover_uses_the_kyiv_date_of_the_acceptance_time(in_force):
    # 00:30 on Friday in Kyiv is still Thursday in UTC; the deadline follows Kyiv.
    accepted = datetime(2026, 3, 13, 0, 30, tzinfo=KYIV)
    assert accepted.astimezone(ZoneInfo("UTC")).date() == date(2026, 3, 12)
    assert workdays.handover_deadline(accepted) == date(2026, 3, 16)
    late_evening = datetime(2026, 3, 12, 23, 30, tzinfo=KYIV)
    assert workdays.handover_deadline(late_evening) == date(2026, 3, 13)


def test_handover_before_a_peacetime_holiday_skips_the_bridge_and_the_holiday(in_force):
    # Friday 20.08.2021: Monday 23 (transferred) and Tuesday 24 (Independence Day) are off.
    assert workdays.handover_deadline(date(2021, 8, 20)) == date(2021, 8, 25)


def test_handover_over_new_year(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None
    # 1.01.2022 was a Saturday, moved to Monday 3.01 (before martial law).
    assert workdays.handover_deadline(date(2021, 12, 31)) == date(2022, 1, 4)
    # Under martial law 1.01.2026 (Thursday) is worked.
    assert workdays.handover_deadline(date(2025, 12, 31)) == date(2026, 1, 1)
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2025, 6, 30)
    assert workdays.handover_deadline(date(2025, 12, 31)) == date(2026, 1, 2)


def test_working_day_terms_skip_weekends_and_holidays(in_force):
    assert workdays.add_working_days(date(2026, 3, 19), 3) == date(2026, 3, 24)  # Thu + 3
    assert workdays.add_working_days(date(2021, 8, 20), 3) == date(2021, 8, 27)
    assert workdays.add_term(date(2026, 3, 19), 10, workdays.WORKING) == date(2026, 4, 2)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day(in_force):
    assert workdays.add_working_days(date(2026, 3, 18), 0) == date(2026, 3, 18)
    assert workdays.add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 23)


def test_calendar_terms_ending_on_a_day_off_move_to_the_next_working_day(in_force):
    assert workdays.add_term(date(2026, 3, 18), 10, workdays.CALENDAR) == date(2026, 3, 30)  # Sat → Mon
    assert workdays.add_term(date(2026, 3, 20), 10, workdays.CALENDAR) == date(2026, 3, 30)  # Mon stays
    assert workdays.add_term(date(2021, 8, 14), 10, workdays.CALENDAR) == date(2021, 8, 25)  # holiday
    assert workdays.add_term(date(2026, 3, 1), 30, workdays.CALENDAR) == date(2026, 3, 31)


def test_calendar_terms_over_leap_days(in_force):
    assert workdays.add_term(date(2024, 2, 28), 2, workdays.CALENDAR) == date(2024, 3, 1)
    assert workdays.add_term(date(2023, 2, 28), 1, workdays.CALENDAR) == date(2023, 3, 1)
    assert workdays.add_term(date(2024, 1, 30), 30, workdays.CALENDAR) == date(2024, 2, 29)
    assert workdays.add_working_days(date(2028, 2, 25), 2) == date(2028, 2, 29)


def test_terms_refuse_a_negative_length_and_an_unknown_kind(in_force):
    with pytest.raises(ValueError):
        workdays.add_term(date(2026, 3, 18), -1, workdays.CALENDAR)
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 3, 18), -1)
    with pytest.raises(ValueError, match="term kind"):
        workdays.add_term(date(2026, 3, 18), 5, "banking")


def test_a_calendar_reads_the_overrides_once_per_year(in_force, community, django_assert_num_queries):
    calendar = WorkCalendar(community)
    # The overrides of 2026, and the martial-law periods once per calendar.
    with django_assert_num_queries(2):
        for day in range(1, 29):
            calendar.is_working_day(date(2026, 2, day))
        calendar.add_term(date(2026, 2, 2), 20, workdays.WORKING)
    with django_assert_num_queries(1):
        calendar.is_working_day(date(2027, 1, 4))


def test_per_year_results_are_cached(in_force):
    workdays.days_off(2026, None)
    before = workdays._days_off.cache_info().hits
    workdays.days_off(2026, None)
    assert workdays._days_off.cache_info().hits == before + 1


def test_an_explicit_martial_law_end_overrides_the_setting(in_force):
    assert WorkCalendar(martial_law_until=date(2023, 1, 1)).is_working_day(date(2023, 8, 24)) is False
    assert WorkCalendar().is_working_day(date(2023, 8, 24)) is True


def test_statutory_list_has_ukrainian_names():
    assert workdays.statutory_holidays(2026)[date(2026, 8, 24)] == "День незалежності України"

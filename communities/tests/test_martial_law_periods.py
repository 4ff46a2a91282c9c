"""Issue 11: martial law as periods (start, last day or open), editable by the sysadmin."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from communities.models import MartialLawPeriod
from communities.workdays import WorkCalendar

pytestmark = pytest.mark.django_db

# Independence Day: Monday 24.08.2026, Tuesday 24.08.2027; Christmas: Friday 25.12.2026.
INDEPENDENCE_2026, CHRISTMAS_2026, INDEPENDENCE_2027 = date(2026, 8, 24), date(2026, 12, 25), date(2027, 8, 24)


def test_a_martial_law_period_ending_and_starting_again(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None  # the table wins over the setting once it has rows
    MartialLawPeriod.objects.create(start=date(2022, 2, 24), end=date(2026, 9, 30))
    MartialLawPeriod.objects.create(start=date(2027, 6, 1))  # introduced again, open
    calendar = WorkCalendar()
    assert calendar.is_working_day(INDEPENDENCE_2026) is True  # during the first period
    assert calendar.is_working_day(CHRISTMAS_2026) is False  # between the periods: a day off
    assert calendar.is_working_day(INDEPENDENCE_2027) is True  # during the second
    assert calendar.is_working_day(date(2021, 8, 24)) is False  # before martial law


def test_an_extended_period_keeps_the_holidays_working(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None
    period = MartialLawPeriod.objects.create(start=date(2022, 2, 24), end=date(2026, 11, 2))
    assert WorkCalendar().is_working_day(CHRISTMAS_2026) is False
    period.end = date(2027, 2, 1)
    period.save()
    assert WorkCalendar().is_working_day(CHRISTMAS_2026) is True


def test_with_no_period_the_setting_is_the_fallback(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = date(2026, 9, 30)
    calendar = WorkCalendar()
    assert calendar.is_working_day(INDEPENDENCE_2026) is True
    assert calendar.is_working_day(CHRISTMAS_2026) is False


def test_the_holiday_rule_starts_with_law_2136_not_with_the_period(settings):
    # 08.03.2022 fell after martial law began (24.02) but before Law 2136-IX (24.03): a day off.
    MartialLawPeriod.objects.create(start=date(2022, 2, 24))
    assert WorkCalendar().is_working_day(date(2022, 3, 8)) is False


def test_overlapping_periods_are_refused_in_ukrainian():
    MartialLawPeriod.objects.create(start=date(2022, 2, 24), end=date(2026, 9, 30))
    with pytest.raises(ValidationError, match="перетинається"):
        MartialLawPeriod(start=date(2026, 9, 1)).full_clean()
    with pytest.raises(ValidationError, match="раніше за початок"):
        MartialLawPeriod(start=date(2027, 9, 1), end=date(2027, 8, 1)).full_clean()

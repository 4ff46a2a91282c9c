"""Issue 11: terms in months (Civil Code art. 253, art. 254 parts 3 and 5)."""

from datetime import date

import pytest

from communities import workdays
from communities.workdays import MONTHS, WorkCalendar


@pytest.fixture
def calendar(settings, db):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None
    return WorkCalendar()


def test_a_month_term_from_2_february_ends_on_2_march(calendar):
    assert calendar.add_term(date(2026, 2, 2), 1, MONTHS) == date(2026, 3, 2)  # Monday


def test_a_month_term_from_31_january_ends_on_the_last_day_of_february(calendar):
    # 2023: 28.02 is a Tuesday; 2024 (leap): 29.02 is a Thursday.
    assert calendar.add_term(date(2023, 1, 31), 1, MONTHS) == date(2023, 2, 28)
    assert calendar.add_term(date(2024, 1, 31), 1, MONTHS) == date(2024, 2, 29)
    assert calendar.add_term(date(2024, 1, 29), 1, MONTHS) == date(2024, 2, 29)
    assert calendar.add_term(date(2023, 1, 29), 1, MONTHS) == date(2023, 2, 28)


def test_a_month_term_whose_last_day_is_a_day_off_ends_on_the_next_working_day(calendar):
    # 31.01.2026 → 28.02.2026 is a Saturday → Monday 02.03.2026 (art. 254 part 5).
    assert calendar.add_term(date(2026, 1, 31), 1, MONTHS) == date(2026, 3, 2)
    # 29.02.2028 (leap) is a Tuesday: it stands.
    assert calendar.add_term(date(2028, 1, 30), 1, MONTHS) == date(2028, 2, 29)


def test_a_term_of_several_months_counts_calendar_months(calendar):
    assert calendar.add_term(date(2026, 8, 31), 6, MONTHS) == date(2027, 3, 1)  # 28.02.2027 is a Sunday
    assert calendar.add_term(date(2025, 11, 30), 3, MONTHS) == date(2026, 3, 2)  # 28.02.2026 Sat → Mon


def test_a_negative_month_term_is_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_term(date(2026, 2, 2), -1, MONTHS)


def test_the_catalogue_offers_months_as_a_term_kind():
    from catalogue.models import Service

    assert Service.TERM_MONTHS == workdays.MONTHS
    assert Service.TERM_MONTHS in dict(Service.TERM_CHOICES)

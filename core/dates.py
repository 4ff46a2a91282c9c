"""Dates read from what a person sent (a query string, a form field): strict, never an exception."""

import datetime
import re

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value):
    """The date written as YYYY-MM-DD in `value`, or None: an impossible date (2026-02-30), any
    other form (Python 3.11 also reads "20260212" and "2026-W07-1"), a number, junk of any length."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None

"""Lists paged in the database, whatever their size (issue 17).

An exact row count for page numbers costs a walk over every row of a community (50–110 ms at a
million requests), and an OFFSET reads and drops every row before the page. So the lists count at
most a window of rows past the page asked for ("понад …" beyond it), and page numbers stop at
MAX_PAGE: past it, or for a page that is not a positive whole number, the first page is shown. The
API goes deeper with a cursor (keyset: the next page starts after the last row seen).
"""

import base64
import binascii
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property

# Rows counted beyond the page asked for: the pager knows there are more without counting them all.
COUNT_WINDOW = 1000
# The deepest page a number reaches (an OFFSET of MAX_PAGE × page size rows stays cheap).
MAX_PAGE = 2000


def page_number(value, max_page=MAX_PAGE):
    """The page asked for as a number 1..max_page, or 1 for anything else (negative, huge, text)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= max_page else 1


class CappedPaginator(Paginator):
    """Django's Paginator that counts at most COUNT_WINDOW rows past the page asked for.

    `capped` tells the template that there are more rows than counted ("понад N").
    """

    def __init__(self, object_list, per_page, *, window=COUNT_WINDOW, max_page=MAX_PAGE, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.window = window
        self.max_page = max_page
        self.asked = 1
        self.capped = False

    def get_page(self, number):
        self.asked = page_number(number, self.max_page)
        return super().get_page(self.asked)

    @cached_property
    def count(self):
        limit = self.asked * self.per_page + self.window
        rows = self.object_list
        # Counting needs no order: without it PostgreSQL may count from any index (a trigram one).
        counted = (rows.order_by() if hasattr(rows, "order_by") else rows)[:limit].count()
        self.capped = counted >= limit
        return counted


def encode_cursor(created_at, pk):
    """An opaque cursor for keyset paging over (-created_at, -id): where the next page starts."""
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """(created_at, id) from encode_cursor's text, or ValueError for anything else."""
    if len(cursor) > 200:
        raise ValueError(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        created_at = datetime.fromisoformat(when)
        pk = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(cursor) from exc
    if created_at.tzinfo is None or pk < 1:
        raise ValueError(cursor)
    return created_at, pk


def after_cursor(qs, cursor, field="created_at"):
    """`qs` ordered by (-field, -id), from the row after the cursor's on (keyset)."""
    created_at, pk = decode_cursor(cursor)
    # The plain bound `field <= created_at` first: the index on (…, field, id) then starts its range
    # there (the OR alone is only a filter, read after every newer row: 500 ms at 50,000 rows deep).
    return qs.filter(**{f"{field}__lte": created_at}).filter(
        Q(**{f"{field}__lt": created_at}) | Q(**{field: created_at, "pk__lt": pk})
    )


def cursor_of(row, field="created_at"):
    """The cursor that starts a page after `row` (keyset over (-field, -id))."""
    return encode_cursor(getattr(row, field), row.pk)


class KeysetPage:
    """A page of `qs` (ordered by (-field, -id)) starting after `cursor`: its rows and the cursor of the
    next page ("" at the end). One indexed range read whatever the depth; a bad cursor is ValueError."""

    def __init__(self, qs, cursor, per_page, field="created_at"):
        rows = list(after_cursor(qs, cursor, field)[: per_page + 1])
        self.object_list = rows[:per_page]
        self.next_cursor = cursor_of(self.object_list[-1], field) if len(rows) > per_page else ""

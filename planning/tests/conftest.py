"""Fixed points for planning tests: community A's village culture house, every Tuesday 10–13."""

import datetime
from decimal import Decimal

import pytest

from planning.models import FixedPoint, Session


@pytest.fixture
def fixed_point(world):
    return FixedPoint.objects.create(
        community=world.a, settlement=world.village, name="Будинок культури с. Далеке",
        address="вул. Центральна, 12", latitude=Decimal("48.46"), longitude=Decimal("35.06"),
    )


@pytest.fixture
def session(fixed_point):
    return Session.objects.create(
        fixed_point=fixed_point, weekday=1, start=datetime.time(10), end=datetime.time(13), slot_minutes=20
    )


@pytest.fixture
def b_point(world):
    """Community B's own fixed point: community A's pages must never show it."""
    point = FixedPoint.objects.create(
        community=world.b, settlement=world.b_city, name="Клуб громади Б", address="вул. Інша, 1",
        latitude=Decimal("49.0"), longitude=Decimal("30.0"),
    )
    Session.objects.create(fixed_point=point, weekday=1, start=datetime.time(10), end=datetime.time(12))
    return point

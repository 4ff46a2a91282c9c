"""Fixtures shared by the field tests."""

import pytest

from field import tasks
from field.tests.factories import published_trip


@pytest.fixture
def no_case_files(monkeypatch):
    """Case files are the worker's business; tests of the sync rules leave them out."""
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


@pytest.fixture
def first_stop(world):
    """The first stop of a published trip of today with two accepted requests."""
    return published_trip(world).stops.order_by("position").first()

"""Fixtures of the quality tests."""

import pytest

from field import tasks


@pytest.fixture(autouse=True)
def _no_case_files(monkeypatch):
    """Case files are the worker's business; a served visit here needs none."""
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


@pytest.fixture(autouse=True)
def _martial_law(settings):
    """Martial law in force (the default): only Saturdays and Sundays are days off, so the dates the tests
    expect depend on the weekday alone."""
    settings.VALIZA_MARTIAL_LAW_UNTIL = None

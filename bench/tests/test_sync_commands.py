"""The reliability and speed commands run for real, small: a throwaway site under gunicorn, the
field client in Chromium (soak_sync) or over HTTP (bench_sync), then the database is checked."""

import io
import re

import pytest
from django.core.management import call_command


def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue().strip().splitlines()


@pytest.mark.browser  # drives the field client in chromium
def test_soak_sync_loses_and_duplicates_nothing_through_cuts_and_restarts():
    # A higher cut and restart rate than the default, so a short run meets both.
    lines = run("soak_sync", iterations=4, visits_per_day=2, seed=7, cut=0.4, restart=0.15, reload=0.2)
    assert lines[-1] == "lost=0 duplicated=0 iterations=4", "\n".join(lines)
    assert any(line.startswith("day 2: 4 visits") for line in lines)
    assert "chain_ok=True" in lines[-2]


def test_bench_sync_syncs_a_small_day_completely():
    lines = run("bench_sync", visits=2, photos_per_visit=1)
    text = "\n".join(lines)
    assert re.search(r"items=18 states=\{\"applied\": 18\} photos=2 complete=2", text), text
    assert "lost=0 duplicated=0" in text and "chain_ok=True" in text
    assert re.search(r"^sync_s=\d+\.\d+ target_s=5", lines[-1])

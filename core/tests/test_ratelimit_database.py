"""Issue 9, finding 8: without a shared cache the public rate limit lived in each process's memory, so
every gunicorn worker let a client through again. Now the counters are in the database by default,
incremented atomically: two web processes each taking three requests of a client allowed five let
exactly five through, whichever order they meet in."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import RequestFactory

from core.models import RateCounter
from core.ratelimit import hit

ROOT = Path(__file__).resolve().parents[2]

# One web process: three public requests from the same address, each counted against a limit of 5.
# All start at one moment (a file both wait for), so the increments really meet.
HITS = """
import json, os, sys, time, django
django.setup()
from django.test import RequestFactory
from core.ratelimit import hit
from django.conf import settings
assert settings.VALIZA_RATE_LIMIT_STORE == "database", settings.VALIZA_RATE_LIMIT_STORE
request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.005)
print(json.dumps([hit(request, "public-request", limit=5, window=10**9) for _ in range(3)]))
"""


def _database_url():
    """The test database as a DATABASE_URL, for another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(s["USER"] or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def _web_process(go):
    env = {k: v for k, v in os.environ.items() if k not in ("VALIZA_CACHE_URL", "VALIZA_RATE_LIMIT_STORE")}
    env.update(DJANGO_SETTINGS_MODULE="valiza.settings", DATABASE_URL=_database_url())
    return subprocess.Popen([sys.executable, "-c", HITS, str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _answers(process):
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_rate_limit_counter_in_the_database(tmp_path):
    go = tmp_path / "go"
    processes = [_web_process(go) for _ in range(2)]
    go.touch()
    answers = [_answers(p) for p in processes]
    # Six requests, three from each process: five let through, one refused.
    assert sorted(answers[0] + answers[1]) == [False] + [True] * 5, answers
    # And the counter is really shared: a third process is refused at once.
    third = _web_process(go)
    assert _answers(third) == [False, False, False]
    assert RateCounter.objects.get().count == 9


def test_the_counter_is_kept_per_client_bucket_and_window(db, settings):
    settings.VALIZA_RATE_LIMIT_STORE = "database"
    one, other = (RequestFactory().post("/", REMOTE_ADDR=ip) for ip in ("198.51.100.1", "198.51.100.2"))
    assert [hit(one, "public-request", 2, window=60) for _ in range(3)] == [True, True, False]
    assert hit(other, "public-request", 2, window=60)  # another address
    assert hit(one, "public-status", 2, window=60)  # another form
    assert RateCounter.objects.count() == 3


def test_a_new_window_starts_again_and_forgets_the_windows_that_ended(db, settings):
    import time_machine
    from django.utils import timezone

    settings.VALIZA_RATE_LIMIT_STORE = "database"
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.1")
    assert [hit(request, "public-request", 1, window=60) for _ in range(2)] == [True, False]
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61), tick=False):
        assert hit(request, "public-request", 1, window=60)
    assert RateCounter.objects.count() == 1  # the old window's row is gone

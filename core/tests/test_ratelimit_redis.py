"""With VALIZA_CACHE_URL=redis://… the public rate limit is one counter for every process of the site:
two web processes each taking three requests of a client allowed five let exactly five through."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Database 13 of the local Redis, and a key prefix of our own: parallel runs never share a counter.
REDIS_URL = os.environ.get("VALIZA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

# One web process: three public requests from the same address, each counted against a limit of 5.
HITS = """
import json, django
django.setup()
from django.test import RequestFactory
from core.ratelimit import hit
request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
print(json.dumps([hit(request, "public-request", limit=5, window=10**9) for _ in range(3)]))
"""


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis", reason="the redis package is in requirements.txt: pip install -r it")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); start redis-server or set VALIZA_TEST_REDIS_URL")
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def _web_process(prefix):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "valiza.settings", "VALIZA_CACHE_URL": REDIS_URL,
           "VALIZA_CACHE_KEY_PREFIX": prefix}
    return subprocess.Popen([sys.executable, "-c", HITS], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_processes_share_the_rate_limit_counter_in_redis(redis_prefix):
    processes = [_web_process(redis_prefix) for _ in range(2)]
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        answers.append(json.loads(out.strip().splitlines()[-1]))
    # Six requests, three from each process, in whatever order they met: five let through, one refused.
    assert sorted(answers[0] + answers[1]) == [False] + [True] * 5, answers
    # And the counter is really shared: a third process is refused at once.
    third = _web_process(redis_prefix)
    out, err = third.communicate(timeout=120)
    assert json.loads(out.strip().splitlines()[-1]) == [False, False, False], err

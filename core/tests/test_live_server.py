"""The browser tests' live server answers requests that arrive together (a page refreshing while a
photo uploads) as a real server does: on SQLite they wait for the write lock instead of failing."""

import threading
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_requests_at_once_each_get_their_answer_and_their_log_line(live_world, live_server):
    from django.conf import settings
    from django.test import Client

    from audit.models import AccessLog

    client = Client()
    client.force_login(live_world.users["coordinator"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"{live_server.url}/staff/requests/{live_world.req.pk}/"
    before = AccessLog.objects.count()
    statuses, start = [], threading.Barrier(6)

    def fetch():
        start.wait()
        for _ in range(5):
            req = urllib.request.Request(url, headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    statuses.append(resp.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 30
    # Each view of the person's record is written to the access log, none lost to a clash.
    assert AccessLog.objects.count() - before == 30

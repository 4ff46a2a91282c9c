"""prod_check's stand (bench/prod/stand.py), without servers: the plan a worker computes puts the
request taken that day on that day's trip, also on a Saturday, so the field client can sync it with
its real clock. The layout itself (gunicorn, workers, Redis) is `make prod-check`'s, not CI's."""

import datetime
import json
import os
import socket
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from bench.prod import layout, stand
from bench.s3 import MotoServer

KYIV = datetime.timezone(datetime.timedelta(hours=2))


def _request(seeded):
    from accounts.models import User
    from catalogue.models import Service
    from communities.models import Settlement
    from visits import actions as visit_actions
    from visits.models import Channel, VisitRequest

    operator = User.objects.get(username=seeded["operator"])
    services = list(Service.objects.filter(pk__in=[s["id"] for s in seeded["services"]]))
    req = VisitRequest(
        community=operator.community,
        channel=Channel.PHONE,
        applicant_name="Перевірна Ганна Олексіївна",
        applicant_birth_date=datetime.date(1938, 3, 12),
        applicant_phone="+380677654321",
        settlement=Settlement.objects.get(pk=seeded["settlement"]),
        street="вул. Садова",
        building="7",
        category_id=seeded["category"],
        evidence_available=True,
        payment_method="terminal",
        latitude="48.51",
        longitude="35.01",
        consent_at=timezone.now(),
        consent_by="заявниця",
        warning_acknowledged_at=timezone.now(),
    )
    visit_actions.create_request(
        req, [visit_actions.ServiceChoice(s, {d.pk for d in s.documents.all()}) for s in services], by=operator
    )
    return req


@pytest.mark.solver
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 12, 2, 11, 0, tzinfo=KYIV),  # a Wednesday
        datetime.datetime(2026, 12, 5, 18, 30, tzinfo=KYIV),  # a Saturday evening
    ],
)
def test_the_plan_puts_the_request_on_todays_trip(moment):
    from planning import actions as planning_actions
    from planning.models import Plan

    with time_machine.travel(moment, tick=True):
        seeded = stand.seed("a-long-enough-password")
        req = _request(seeded)
        queued = stand.plan(req.pk, time_limit_s=1)
        plan = Plan.objects.get(pk=queued["plan"])
        assert plan.state == Plan.State.PLANNING and plan.task_id  # queued for a worker
        planning_actions.run_planning(plan.pk)  # what the worker's task does
        state = stand.plan_state(plan.pk)
        assert state["state"] == "draft", state
        assert state["stops"] == [{"request": req.pk, "day": moment.date().isoformat()}]
        assert stand.publish(plan.pk) == {"state": "published"}
        req.refresh_from_db()
        assert req.status == "scheduled"


def test_the_template_database_changes_with_any_migration(tmp_path, settings):
    for app in ("one", "two"):
        (tmp_path / app / "migrations").mkdir(parents=True)
        (tmp_path / app / "migrations" / "0001_initial.py").write_text("# one\n")
    settings.BASE_DIR = tmp_path
    before = layout.migrations_hash()
    assert layout.migrations_hash() == before
    Path(tmp_path / "two" / "migrations" / "0002_more.py").write_text("# two\n")
    assert layout.migrations_hash() != before
    assert json.dumps(before)  # a plain string, part of a database name
    assert len(f"valiza_prodcheck_tmpl_{before}") <= 63


def test_with_s3_every_server_and_worker_has_the_bucket_and_each_server_its_own_upload_folder():
    prod = layout.ProdLayout(database_url="postgres://postgres@127.0.0.1:5432/h_unused", s3=True)
    try:
        for env in (prod.env, prod.a.env, prod.b.env):  # prod.env: the workers' and manage.py's
            assert env["VALIZA_STORAGE"] == "s3"
            assert env["VALIZA_S3_ENDPOINT_URL"] == prod.s3.url
            assert env["VALIZA_S3_BUCKET"] == prod.bucket_name
            assert env["VALIZA_S3_ACCESS_KEY"] and env["VALIZA_S3_SECRET_KEY"]
            assert env["DATABASE_URL"].endswith("/h_unused") and env["VALIZA_CACHE_KEY_PREFIX"] == prod.cache_prefix
        assert prod.a.env["VALIZA_UPLOAD_TMP"] != prod.b.env["VALIZA_UPLOAD_TMP"]
        assert prod.a.env["VALIZA_MEDIA_ROOT"] != prod.b.env["VALIZA_MEDIA_ROOT"]
        assert prod.s3.process is None  # nothing runs before start()
    finally:
        prod.close()
    assert prod.s3.process is None and not prod.a.dir.exists() and not prod.b.dir.exists()


def test_without_s3_the_servers_share_one_media_and_upload_folder():
    prod = layout.ProdLayout(database_url="postgres://postgres@127.0.0.1:5432/h_unused")
    try:
        assert prod.s3 is None and "VALIZA_STORAGE" not in prod.b.env
        assert prod.a.env["VALIZA_UPLOAD_TMP"] == prod.b.env["VALIZA_UPLOAD_TMP"]
        assert prod.a.env["VALIZA_MEDIA_ROOT"] == prod.b.env["VALIZA_MEDIA_ROOT"] == prod.env["VALIZA_MEDIA_ROOT"]
    finally:
        prod.close()


def test_the_s3_server_starts_takes_an_object_and_is_stopped():
    server = MotoServer()
    with server:
        bucket = server.bucket("valiza-prodcheck-test")
        bucket.client.put_object(Bucket=bucket.name, Key="media/a.txt", Body=b"abc")
        assert bucket.keys("media/") == ["media/a.txt"] and bucket.read("media/a.txt") == b"abc"
        pid = server.process.pid
    assert server.process is None
    server.stop()  # a second stop is harmless (close() after a failure)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)

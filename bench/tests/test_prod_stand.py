"""prod_check's stand (bench/prod/stand.py), without servers: the plan a worker computes puts the
request taken that day on that day's trip, also on a Saturday, so the field client can sync it with
its real clock. The layout itself (gunicorn, workers, Redis) is `make prod-check`'s, not CI's."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from bench.prod import layout, stand

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

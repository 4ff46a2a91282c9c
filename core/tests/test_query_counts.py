"""Query counts of the busiest pages, pinned in query_counts.json (NetBox's habit).

Each page is measured with two rows and again with six: the counts must be equal (an N+1 shows at
once), and equal to the pinned one, so a page that starts asking the database more is a failing
test, not a slow page in production. A change on purpose: run

    .venv/bin/python -m pytest core/tests/test_query_counts.py --update-query-counts

and commit the rewritten query_counts.json with the change.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from demo import trips
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import accept, item, laptop, post, send
from journal.tests.factories import make_case
from notifications.outbox import enqueue
from planning import actions as planning_actions
from planning.models import Plan, Unplanned
from planning.tests.test_plan_week import accepted, make_team
from visits import actions as visit_actions
from visits.models import RejectReason

PINNED = Path(__file__).with_name("query_counts.json")
FEW, MANY = 2, 6


@pytest.fixture(scope="module")
def pinned(request):
    """(pinned counts, counts measured now, whether to rewrite the file)."""
    update = request.config.getoption("--update-query-counts")
    counts = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.exists() else {}
    measured = {}
    yield counts, measured, update
    if update and measured:
        counts.update(measured)
        PINNED.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n", encoding="utf-8")


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def check(pinned, name, client, url, add_rows, **headers):
    """Count `url`'s queries with FEW rows, add rows up to MANY, count again, compare with the pin."""
    add_rows(FEW)
    _queries(client, url, **headers)  # the first request fills per-process caches (content types …)
    few = _queries(client, url, **headers)
    add_rows(MANY - FEW)
    many = _queries(client, url, **headers)
    assert few == many, f"{name}: {few} queries with {FEW} rows but {many} with {MANY}: a query per row (N+1)"
    counts, measured, update = pinned
    measured[name] = many
    if update:
        return
    assert name in counts, f"{name} has no pinned query count: run pytest with --update-query-counts"
    assert many == counts[name], (
        f"{name} now makes {many} queries, {counts[name]} are pinned in core/tests/query_counts.json. "
        "If the change is intended, run pytest core/tests/test_query_counts.py --update-query-counts "
        "and commit the file.")


def test_field_day(world, login, pinned):
    team = field_team(world)

    def add(n):
        reqs = [scheduled_request(world, services=[world.svc_reg, world.svc_cert], docs={world.doc_passport.pk})
                for _ in range(n)]
        trip = published_trip(world, team=team, requests=reqs)
        send(world.users["field_admin"], [item("visit.start", stop, {"latitude": 48.5, "longitude": 35.0})
                                          for stop in trip.stops.all()])

    client = login(world.users["field_admin"])
    laptop(client)  # the laptop's device token, shown on every load after the first
    check(pinned, "field day", client, "/api/v1/field/day", add)


def test_planning_board(world, login, pinned):
    monday = planning_actions.next_monday()
    team = make_team(world)
    plan = trips.published_trip(team, monday + datetime.timedelta(days=1), [], by=world.users["coordinator"]).plan
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.DRAFT)  # a draft also checks for stale requests

    def add(n):
        on_trip = [accepted(world) for _ in range(n)]
        trips.published_trip(make_team(world), monday + datetime.timedelta(days=2), on_trip, plan=plan)
        for _ in range(n):
            Unplanned.objects.create(plan=plan, request=accepted(world), reason="no_capacity")

    check(pinned, "planning board", login(world.users["coordinator"]),
          f"/staff/planning/?week={monday.isoformat()}&plan={plan.pk}", add)


def test_journal_list(world, login, pinned):
    def add(n):
        for i in range(n):
            make_case(world, service=world.svc_reg if i % 2 else world.svc_cert)

    check(pinned, "journal list", login(world.users["coordinator"]), "/staff/journal/", add)


def test_sms_outbox(world, login, pinned):
    made = []

    def add(n):
        for _ in range(n):
            made.append(enqueue(community=world.a, recipient="+380671234567", text="ЦНАП: перевірка.",
                                dedup_key=f"query-count:{len(made)}", related=world.req, wake=False))

    check(pinned, "sms outbox", login(world.users["coordinator"]), "/staff/outbox/", add)


def test_field_attention(world, login, pinned):
    def add(n):
        trip = published_trip(world, requests=[scheduled_request(world) for _ in range(n)])
        for stop in trip.stops.all():
            visit_actions.reject(stop.request, by=world.users["coordinator"], reason=RejectReason.WITHDRAWN)
        # Each acceptance is held: the request was withdrawn while the laptop was offline.
        send(world.users["field_admin"], [accept(world, stop) for stop in trip.stops.all()])

    check(pinned, "field attention", login(world.users["coordinator"]), "/staff/field/", add)


def test_access_log(world, login, pinned):
    users = [world.users[role] for role in ("operator", "coordinator", "field_admin")]

    def add(n):
        for i in range(n):
            AccessLog.objects.create(community=world.a, user=users[i % len(users)], action="view",
                                     object_type="visits.visitrequest", object_id=str(world.req.pk),
                                     object_label=world.req.number, path=f"/staff/requests/{world.req.pk}/")

    check(pinned, "access log", login(world.users["coordinator"]), "/staff/access-log/", add)


# What one more item of a sync batch costs: its own transaction (BEGIN, a savepoint around its effects,
# the visit row read and locked, RELEASE, the item's INSERT, COMMIT). Everything the items share (the
# stops, the team on the day, the stored items among the batch's ids) is read once per batch.
SYNC_PER_ITEM = 6


def test_sync_batch(world, login, pinned):
    team = field_team(world)
    trip = published_trip(world, team=team, requests=[scheduled_request(world) for _ in range(MANY)])
    stops = list(trip.stops.order_by("position"))
    client = login(world.users["field_admin"])
    laptop(client)

    def starts(n):
        # "At the door" at each of the first n stops, new item ids each time (as the bench sends them).
        with CaptureQueriesContext(connection) as ctx:
            response = post(client, [item("visit.start", stop, {"latitude": 48.5, "longitude": 35.0}, seq=i + 1)
                                     for i, stop in enumerate(stops[:n])])
        assert response.status_code == 200, response.content[:500]
        assert all(r["state"] == "applied" for r in response.json()["results"]), response.json()
        return len(ctx.captured_queries)

    starts(MANY)  # the visits exist from here on, and per-process caches are filled
    few, many = starts(FEW), starts(MANY)
    assert many - few == (MANY - FEW) * SYNC_PER_ITEM, (
        f"sync batch: {few} queries for {FEW} items but {many} for {MANY}: each item costs "
        f"{(many - few) / (MANY - FEW):.1f}, not {SYNC_PER_ITEM} (a query per item that could be read once per batch)")
    counts, measured, update = pinned
    measured["sync batch"] = many
    if update:
        return
    assert many == counts.get("sync batch"), (
        f"sync batch now makes {many} queries for {MANY} items, {counts.get('sync batch')} are pinned in "
        "core/tests/query_counts.json (run pytest core/tests/test_query_counts.py --update-query-counts if intended).")

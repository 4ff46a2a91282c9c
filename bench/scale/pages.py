"""bench_pages: p50/p95 of the busy staff pages on the national set (issue 17), each beside a bare view.

Every page is asked for through Django's whole stack in this process (middleware, access checks,
templates, the access log), as the logged-in staff of the largest community (and one small one);
after each page the bare view (one indexed query, no template) is asked for too, so the two are
measured in the same run under the same load. The figures leave out the network and gunicorn.
"""

import json
import statistics
import time
import tracemalloc
import uuid
from importlib import import_module

from django.conf import settings
from django.db import connection, reset_queries
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path
from django.utils import timezone

from accounts.access import public
from accounts.models import User
from accounts.roles import FIELD_ADMIN
from bench.logins import logged_in_client
from communities.models import Community
from core.paging import MAX_PAGE, cursor_of
from demo.trips import published_trip
from field.models import Device
from field.sync.devices import TOKEN_HEADER, hash_token
from planning.models import Trip
from teams.models import Suitcase, Team
from visits.models import OPEN_STATUSES, Status, VisitRequest

from .seed import PASSWORD, SLUG


@public
def bare(request):
    """One indexed query and a plain answer: what a page costs at the least on this machine."""
    pk = (
        VisitRequest.objects.filter(community_id=int(request.GET.get("c", 0)))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return HttpResponse(str(pk), content_type="text/plain")


class URLConf:
    """The site's URLs (settings.ROOT_URLCONF, read as Django reads it) and the bare view."""

    def __init__(self, root=None):
        self.root = root or settings.ROOT_URLCONF

    @property
    def urlpatterns(self):
        return [path("bench/bare/", bare), *import_module(self.root).urlpatterns]


def _client(user):
    return logged_in_client(user, raise_request_exception=False)


# The bench's field laptop: a fixed id and token, so that a second run finds the same device.
DEVICE = uuid.UUID("5ca1e000-0000-4000-8000-000000000017")
DEVICE_TOKEN = "bench-scale-field-laptop-issue-17"
TRIP_STOPS = 10


def _field(community_id):
    """The field administrator of the large community with a laptop, a team and today's published trip of
    TRIP_STOPS accepted requests (the oldest of them; made once per day, found again on a second run).
    Returns (client with the laptop's token, the trip's stop ids)."""
    community = Community.objects.get(pk=community_id)
    user, created = User.objects.get_or_create(
        username=f"scale-field-{community.slug[-4:]}", defaults={"community": community, "role": FIELD_ADMIN}
    )
    if created:
        user.set_password(PASSWORD)  # as the seeded staff: a load test may log in with it
        user.save(update_fields=["password"])
    team = Team.objects.filter(community=community, name="Виїзна команда (навантаження)").first()
    if team is None:
        suitcase = Suitcase.objects.create(community=community, name="Валіза (навантаження)")
        team = Team.objects.create(
            community=community,
            name="Виїзна команда (навантаження)",
            office=community.offices.order_by("pk").first(),
            suitcase=suitcase,
        )
        team.members.set([user])
    today = timezone.localdate()
    trip = Trip.objects.filter(team=team, day=today).first()
    if trip is None:
        accepted = list(
            VisitRequest.objects.filter(community=community, status=Status.ACCEPTED).order_by("created_at", "pk")[:TRIP_STOPS]
        )
        trip = published_trip(team, today, accepted)
    client = _client(user)
    now = timezone.now()
    Device.objects.update_or_create(
        pk=DEVICE,
        defaults={
            "community": community,
            "user": user,
            "token_hash": hash_token(DEVICE_TOKEN),
            "session_key": client.session.session_key,
            "first_seen": now,
            "last_seen": now,
            "approved_at": now,
            "pending": False,
            "revoked_at": None,
        },
    )
    client.defaults[f"HTTP_{TOKEN_HEADER.upper().replace('-', '_')}"] = DEVICE_TOKEN
    return client, list(trip.stops.order_by("position").values_list("pk", flat=True))


def _sync_batch(stops):
    """A POST of a small batch as the laptop sends it: "at the door" for each of the trip's first five
    stops (new item ids each time; a second start of a visit changes nothing, as on a reloaded page)."""
    seq = iter(range(1, 10**9))

    def send(client):
        at = timezone.now().isoformat()
        items = [
            {
                "id": str(uuid.uuid4()),
                "seq": next(seq),
                "kind": "visit.start",
                "stop_id": stop,
                "at": at,
                "data": {"latitude": 48.5, "longitude": 35.0},
            }
            for stop in stops[:5]
        ]
        body = json.dumps({"device_id": str(DEVICE), "sent_at": at, "items": items})
        return client.post("/api/v1/field/sync", body, content_type="application/json")

    return send


def _pages(big, small):
    """[(name, client, url)] of the pages the issue names."""
    coordinator = User.objects.get(username=f"scale-coordinator-{big:04d}")
    small_operator = User.objects.get(username=f"scale-operator-{small:04d}")
    staff, other = _client(coordinator), _client(small_operator)
    mine = VisitRequest.objects.filter(community_id=coordinator.community_id, status__in=OPEN_STATUSES)
    with_phone = mine.exclude(applicant_phone="").order_by("-created_at").values_list("pk", flat=True).first()
    without_phone = (
        mine.filter(applicant_phone="", requester_phone="").order_by("-created_at").values_list("pk", flat=True).first()
    )
    # The row after the deepest numbered page: the list goes on from there by cursor (keyset).
    deep = VisitRequest.objects.filter(community_id=coordinator.community_id).order_by("-created_at", "-id")[
        min(MAX_PAGE * 25, max(0, VisitRequest.objects.filter(community_id=coordinator.community_id).count() - 1))
    ]
    pages = [
        ("request list, first page", staff, "/staff/requests/"),
        ("request list, page 200", staff, "/staff/requests/?page=200"),
        ("request list, by cursor past 2000", staff, f"/staff/requests/?after={cursor_of(deep)}"),
        *[(f"request list, {value}", staff, f"/staff/requests/?status={value}") for value in Status.values],
        ("request list, name search", staff, "/staff/requests/?q=%D0%9A%D0%BE%D0%B2%D0%B0%D0%BB%D0%B5%D0%BD%D0%BA%D0%BE"),
        ("request list, small community", other, "/staff/requests/"),
        ("request detail, with a phone", staff, f"/staff/requests/{with_phone}/"),
        ("request detail, no phone", staff, f"/staff/requests/{without_phone}/"),
        ("journal, all", staff, "/staff/journal/"),
        ("journal, late", staff, "/staff/journal/?when=late"),
        ("planning board", staff, "/staff/planning/"),
        ("access log", staff, "/staff/access-log/"),
        ("api list", staff, "/api/v1/requests/"),
        ("api list, page 200", staff, "/api/v1/requests/?page=200"),
        ("api detail", staff, f"/api/v1/requests/{with_phone}"),
    ]
    field, stops = _field(coordinator.community_id)
    pages += [
        ("field day", field, "/api/v1/field/day"),
        ("sync batch", field, _sync_batch(stops)),
    ]
    return pages, coordinator.community_id, (staff, other)


def _api_memory(client):
    """Peak of Python memory (KB, tracemalloc) while the API list of the client's community is made."""
    client.get("/api/v1/requests/")  # warm: imports and caches are not the list's
    tracemalloc.start()
    try:
        response = client.get("/api/v1/requests/")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024, response.status_code


def _ms(client, url):
    """Milliseconds and status of a GET of `url`, or of `url(client)` (a POST the page makes itself)."""
    started = time.perf_counter()
    response = url(client) if callable(url) else client.get(url)
    return (time.perf_counter() - started) * 1000, response.status_code


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(*, rounds=30, warmup=2, big=0, small=None, only=None, log=print):
    """`only`: names (or parts of names) of the pages to measure; all when empty."""
    if not Community.objects.filter(slug=SLUG.format(big)).exists():
        raise ValueError("no scale set here: run seed_scale first")
    if small is None:
        small = Community.objects.filter(slug__startswith="scale-").count() - 1
    with override_settings(ROOT_URLCONF=URLConf(), ALLOWED_HOSTS=["testserver"], DEBUG=False):
        pages, community_id, (staff, other) = _pages(big, small)
        if only:
            pages = [page for page in pages if any(part in page[0] for part in only)]
            if not pages:
                raise ValueError(f"no page named like {', '.join(only)}")
        bare_url = f"/bench/bare/?c={community_id}"
        anon = Client()
        times = {name: [] for name, _c, _u in pages}
        bare_times = {name: [] for name, _c, _u in pages}
        queries, status = {}, {}
        for name, client, url in pages:
            for _ in range(warmup):
                _ms(client, url)
                _ms(anon, bare_url)
            with CaptureQueriesContext(connection) as ctx:
                _ms(client, url)
            queries[name] = len(ctx.captured_queries)
            reset_queries()
        # Round robin: every page once per round, each followed by the bare view.
        for _ in range(rounds):
            for name, client, url in pages:
                ms, status[name] = _ms(client, url)
                times[name].append(ms)
                bare_times[name].append(_ms(anon, bare_url)[0])
        mem_large, mem_large_status = _api_memory(staff)
        mem_small, mem_small_status = _api_memory(other)
    log(f"{'page':34} {'p50_ms':>8} {'p95_ms':>8} {'bare_p50':>9} {'bare_p95':>9} {'queries':>8} status")
    for name, _c, _u in pages:
        log(
            f"{name:34} {statistics.median(times[name]):8.1f} {_p(times[name], 0.95):8.1f} "
            f"{statistics.median(bare_times[name]):9.1f} {_p(bare_times[name], 0.95):9.1f} {queries[name]:8d} "
            f"{status[name]}"
        )
    worst = max(pages, key=lambda p: _p(times[p[0]], 0.95))[0]
    all_bare = [ms for values in bare_times.values() for ms in values]
    bad = [name for name, code in status.items() if code != 200]
    if mem_large_status != 200 or mem_small_status != 200:
        bad.append("api memory")
    if bad:
        log(f"NOT 200: {', '.join(bad)}")
    rows = VisitRequest.objects.filter(community_id=community_id).count()
    small_rows = VisitRequest.objects.filter(community__slug=SLUG.format(small)).count()
    log(f"api_mem_large_kb={mem_large:.0f} api_mem_small_kb={mem_small:.0f} (requests: {rows} and {small_rows})")
    log(
        f"pages={len(pages)} worst_p95_ms={_p(times[worst], 0.95):.1f} worst_page={worst.replace(' ', '_')} "
        f"bare_p95_ms={_p(all_bare, 0.95):.1f}"
    )
    return {"worst": worst, "bad": bad}

"""Personas and data every test uses (STYLE.md §6): one user per role in community A, and an
outsider community B with its own coordinator and request.

Also the suite's ground rules (README, "Tests and CI"):
- Every test that is not a browser test runs at one frozen moment: the process's own "now" when
  the run began, so `faketime` (make test-dates) moves the whole suite to a chosen day and hour.
- The world is built once per run and committed; each test gets its own copy of the Python objects
  and its database changes roll back. Transactional tests empty the database and build their own.
- Markers `browser` (chromium, or a live server sharing real time) and `solver` (PyVRP) are set or
  checked here: a test that starts either without its marker fails.
"""

import copy
import datetime
import os
import subprocess
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "test-pass-123"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Planning tests stop searching once the solver has converged (see planning/solver.py).
SOLVER_NO_IMPROVEMENT = 2000

# The moment every non-browser test sees, taken once as the run starts. Browser tests are not
# frozen: chromium and the live server's thread share the real clock.
FROZEN_AT = datetime.datetime.now(datetime.UTC)
BROWSER_FIXTURES = {"browser", "page", "live_server", "live_world"}

# Browser fixtures (browser, page, live_world, staff_login) for every app's tests.
pytest_plugins = ["core.tests.browser"]


def pytest_addoption(parser):
    parser.addoption("--update-query-counts", action="store_true",
                     help="rewrite core/tests/query_counts.json with the query counts measured now")


def frozen():
    """The suite's frozen clock (time-machine), as a context manager."""
    # A timestamp, not the aware datetime: time-machine would set the process's zone (TZ) to the
    # datetime's (UTC), and date.today() or a naive now() would then differ from a server's.
    return time_machine.travel(FROZEN_AT.timestamp(), tick=False)


_collecting = frozen()


def pytest_sessionstart(session):
    # Module-level dates in test files (a `MONDAY = next_monday()`) are taken at the frozen moment too.
    _collecting.start()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"Non-browser tests run at {timezone.localtime(FROZEN_AT):%Y-%m-%d %H:%M:%S %Z, %A} "
                            "(frozen).")


def pytest_collection_finish(session):
    _collecting.stop()


WORLD, EMPTY, TRANSACTIONAL = "world", "empty", "transactional"


def _database_use(item):
    """How a test uses the database: on the shared world, on an empty database inside a transaction,
    transactional (commits, and empties the database at its end), or not at all (None)."""
    from pytest_django.plugin import validate_django_db

    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if (marker and validate_django_db(marker)[0]) or "transactional_db" in names or "live_server" in names:
        return TRANSACTIONAL
    if "world" in names:
        return WORLD
    if marker or "db" in names:
        return EMPTY
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES & set(item.fixturenames):
            item.add_marker("browser")
        # The clock first, then the database as the test expects it, then everything else.
        first = ["_frozen_time"] + (["_session_world"] if _database_use(item) else [])
        for name in first:
            if name in item.fixturenames:
                item.fixturenames.remove(name)
        item.fixturenames[:0] = first
    # Tests on the world first, then those on an empty database, so the world is built once and
    # removed once; pytest-django then puts transactional tests after both (a stable sort).
    items.sort(key=lambda item: _database_use(item) != WORLD)


def _refuse(what, marker):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"This test {what} but is not marked `{marker}`: add @pytest.mark.{marker} "
                           "(see README, Tests and CI).")
    return refuse


@pytest.fixture
def _frozen_time(request, monkeypatch):
    """Freeze the clock for a non-browser test, and refuse chromium and the solver to a test that does
    not say it uses them (so `-m "not browser"` and `-m "not solver"` leave out exactly those)."""
    if not request.node.get_closest_marker("solver"):
        monkeypatch.setattr("planning.solver.pyvrp_solve", _refuse("runs the PyVRP solver", "solver"))
    if request.node.get_closest_marker("browser"):
        yield
        return
    from playwright.sync_api._context_manager import PlaywrightContextManager

    monkeypatch.setattr(PlaywrightContextManager, "__enter__", _refuse("starts a browser", "browser"))
    popen = subprocess.Popen.__init__

    def no_chromium(self, args, *rest, **kwargs):
        if "chromium" in " ".join(map(str, [args] if isinstance(args, (str, bytes, os.PathLike)) else args)):
            _refuse("starts chromium", "browser")()
        popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", no_chromium)
    with frozen():
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_ENABLED = False
    # The test client and the live server speak plain http (production's cookies are HTTPS-only).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _force_login_is_both_steps(monkeypatch):
    """`client.force_login` stands for a login with password and code (accounts/tests/second_factor.py)."""
    from django.test.client import ClientMixin

    from accounts.tests.second_factor import force_login_both_steps

    monkeypatch.setattr(ClientMixin, "force_login", force_login_both_steps)


@pytest.fixture(autouse=True)
def _solver_stops_when_converged(settings):
    settings.VALIZA_SOLVER_NO_IMPROVEMENT = SOLVER_NO_IMPROVEMENT


@pytest.fixture(autouse=True)
def _no_internet_maps(settings):
    """Tests never fetch from the internet: no map tiles (the default is OpenStreetMap's) and no geocoder
    server, whatever the environment says, unless a test turns one on (a host the browser blocks, a
    local server)."""
    settings.VALIZA_MAP_TILE_URL = ""
    settings.VALIZA_MAP_TILE_ATTRIBUTION = ""
    settings.VALIZA_GEOCODER_URL = ""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:"]
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class World:
    """Community A with everything, community B with the minimum to prove isolation."""


def build_world():
    from accounts import roles
    from accounts.models import User
    from catalogue.models import Provider, Service, ServiceDocument
    from communities.models import Community, Office, Settlement
    from eligibility.models import EligibilityCategory
    from eligibility.rules import ensure_evidence_catalogue, ensure_mandatory_categories, switch_on_usual_categories

    w = World()
    w.a = Community.objects.create(name="Громада А", slug="gromada-a", phone="0 800 111 111")
    w.b = Community.objects.create(name="Громада Б", slug="gromada-b")
    for c in (w.a, w.b):
        ensure_mandatory_categories(c)
    ensure_evidence_catalogue()  # a transactional test's flush empties what the migration loaded
    # Community A's council added the usual categories; B has only what the law requires.
    switch_on_usual_categories(w.a, decision_number="12/3", decision_date=date(2025, 1, 15))
    for c in (w.a, w.b):
        Office.objects.create(community=c, name=f"ЦНАП {c.name}", address="вул. Соборна, 1",
                              latitude=Decimal("48.5"), longitude=Decimal("35.0"))
    w.city = Settlement.objects.create(community=w.a, name="Місто", latitude=Decimal("48.5"),
                                       longitude=Decimal("35.0"))
    w.village = Settlement.objects.create(community=w.a, name="Далеке", is_remote=True)
    w.b_city = Settlement.objects.create(community=w.b, name="Інше місто")
    w.cat = {c.kind: c for c in EligibilityCategory.objects.filter(community=w.a)}
    w.b_cat = {c.kind: c for c in EligibilityCategory.objects.filter(community=w.b)}
    prov = Provider.objects.create(name="Відділ реєстрації", community=w.a)
    national = Provider.objects.create(name="ДМС")
    w.svc_reg = Service.objects.create(code="RES-REG", name_uk="Реєстрація місця проживання",
                                       provider=prov, is_paid=True, fee=Decimal("25.50"), minutes=20)
    w.doc_passport = ServiceDocument.objects.create(service=w.svc_reg, name="Паспорт", order=0)
    w.doc_receipt = ServiceDocument.objects.create(service=w.svc_reg, name="Квитанція", order=1)
    w.svc_cert = Service.objects.create(code="RES-CERT", name_uk="Довідка про зареєстрованих",
                                        provider=prov, minutes=10)
    w.svc_bio = Service.objects.create(code="PASS-BIO", name_uk="Паспорт ID-картка", provider=national,
                                       mobile_allowed=False)
    w.users = {}
    for role, _label in roles.ROLE_CHOICES:
        w.users[role] = User.objects.create_user(
            username=role, password=PASSWORD, role=role, first_name=role.title(),
            community=None if role == roles.SYSADMIN else w.a,
            is_staff=role == roles.SYSADMIN,
        )
    # Issue 12: the starosta answers for the remote village (not the city of world.req); the partner
    # specialist belongs to the national provider, so the cases of the community's own are not theirs.
    w.users[roles.STAROSTA].settlements.set([w.village])
    w.users[roles.PARTNER].provider = national
    w.users[roles.PARTNER].save(update_fields=["provider"])
    w.b_coordinator = User.objects.create_user(username="b-coordinator", password=PASSWORD,
                                               role=roles.COORDINATOR, community=w.b)
    # The world's two requests are its data, not events: their "request received" SMS (issue 13) would
    # put a message and a wake-up of the sender into every test. The world starts with an empty outbox.
    with mock.patch("visits.notify.request_received"):
        w.req = make_request(w, applicant_name="Коваленко Марія Іванівна")
        w.b_req = make_request(w, community=w.b, settlement=w.b_city, category=w.b_cat["disability_1"],
                               applicant_name="Чужа Людина", applicant_phone="+380501112233")
    return w


def make_request(w, *, community=None, services=None, docs=None, by=None, **fields):
    from visits import actions
    from visits.models import Channel, VisitRequest

    community = community or w.a
    values = dict(
        community=community, channel=Channel.PHONE, applicant_name="Шевчук Іван Петрович",
        applicant_birth_date=date(1940, 5, 1), applicant_phone="+380671234567",
        settlement=w.city, street="вул. Шевченка", building="10", flat="5",
        category=w.cat["disability_1"], evidence_available=True,
        consent_at=timezone.now(), consent_by="Шевчук Іван Петрович",
        warning_acknowledged_at=timezone.now(), latitude=Decimal("48.51"), longitude=Decimal("35.01"),
    )
    values.update(fields)
    req = VisitRequest(**values)
    if services is None:
        services = [w.svc_cert]
    docs = docs or set()
    choices = [actions.ServiceChoice(s, {d.pk for d in s.documents.all() if d.pk in docs}) for s in services]
    if any(s.is_paid for s in services) and not req.payment_method:
        req.payment_method = "terminal"
    return actions.create_request(req, choices, by=by)


def before_cutoff(req):
    """Date a request's acceptance a week and a day back: before the cut-off of any week a test plans
    (issue 10: a request accepted after a week's cut-off waits for the following week)."""
    from visits.models import VisitRequest

    req.accepted_at = timezone.now() - datetime.timedelta(days=8)
    VisitRequest.objects.filter(pk=req.pk).update(accepted_at=req.accepted_at)
    return req


_session = {"world": None}  # the committed world of this run; None once a flush removed it


def _world_in_db(w):
    from accounts.models import User

    return w is not None and User.objects.filter(pk=w.b_coordinator.pk, username="b-coordinator").exists()


@pytest.fixture
def _session_world(request, django_db_setup, django_db_blocker):
    """Before a test's own transaction: the committed world for a test that uses `world`, an empty
    database for any other (a transactional test builds its own world, and empties it at its end)."""
    from django.core.management import call_command
    from django.test import override_settings

    with django_db_blocker.unblock():
        present = _world_in_db(_session["world"])
        if _database_use(request.node) != WORLD:
            if present:
                call_command("flush", verbosity=0, interactive=False)
            _session["world"] = None
            return None
        if not present:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS), frozen():
                _session["world"] = build_world()
    return _session["world"]


@pytest.fixture
def world(db, _session_world):
    if _session_world is None:  # a transactional test: its own world, committed
        return build_world()
    # The rows are shared by the whole run; the objects are this test's own.
    return copy.deepcopy(_session_world)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def intake_post_data(w, **overrides):
    """A valid intake form as the operator would post it."""
    data = {
        "channel": "phone", "for_someone_else": "0",
        "applicant_name": "Бондаренко Ганна Олексіївна", "applicant_birth_date": "12.03.1938",
        "applicant_phone": "067 765 43 21", "settlement": str(w.city.pk), "street": "вул. Садова",
        "building": "7", "flat": "12", "category": str(w.cat["disability_1"].pk),
        "evidence_available": "on", "services": [str(w.svc_reg.pk)],
        f"doc_{w.doc_passport.pk}": "1", "payment_method": "terminal",
        "preferred_weekdays": ["1", "3"], "window_start": "10:00", "window_end": "14:00",
        "consent": "on", "warning_acknowledged": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}

"""Personas and data every test uses (STYLE.md §6): one user per role in community A, and an
outsider community B with its own coordinator and request."""

import os
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "test-pass-123"

# Browser fixtures (browser, page, live_world, staff_login) for every app's tests.
pytest_plugins = ["core.tests.browser"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False


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
    from eligibility.rules import ensure_mandatory_categories

    w = World()
    w.a = Community.objects.create(name="Громада А", slug="gromada-a", phone="0 800 111 111")
    w.b = Community.objects.create(name="Громада Б", slug="gromada-b")
    for c in (w.a, w.b):
        ensure_mandatory_categories(c)
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
    w.b_coordinator = User.objects.create_user(username="b-coordinator", password=PASSWORD,
                                               role=roles.COORDINATOR, community=w.b)
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


@pytest.fixture
def world(db):
    return build_world()


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

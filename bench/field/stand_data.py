"""Data for `bench_sync` and `soak_sync`: a community with one field administrator whose team has a
published trip today, and the check of what reached the database. Run in the throwaway site's
process (`manage.py field_bench_data …`), never against a real community's database.
"""

import datetime
from collections import Counter
from decimal import Decimal

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts import roles
from accounts.models import User
from catalogue.models import Provider, Service, ServiceDocument
from communities.models import Community, Office, Settlement
from demo import trips
from eligibility.models import EligibilityCategory
from eligibility.rules import ensure_mandatory_categories
from teams.models import Suitcase, Team
from visits import actions as visit_actions
from visits.models import Channel, VisitRequest

SLUG = "bench"


def _world():
    community, created = Community.objects.get_or_create(slug=SLUG, defaults={"name": "Тестова громада (стенд)"})
    if created:
        ensure_mandatory_categories(community)
        Office.objects.create(community=community, name="ЦНАП стенду", address="вул. Соборна, 1",
                              latitude=Decimal("48.5"), longitude=Decimal("35.0"))
        Settlement.objects.create(community=community, name="Стендове", latitude=Decimal("48.5"),
                                  longitude=Decimal("35.0"))
        provider = Provider.objects.create(
            community=community, name="Відділ реєстрації місця проживання", edrpou="12345678",
            iban="UA213223130000026007233566001", payment_recipient="Відділ реєстрації стенду")
        paid = Service.objects.create(code="BENCH-REG", name_uk="Реєстрація місця проживання", provider=provider,
                                      is_paid=True, fee=Decimal("25.50"), minutes=20)
        for order, name in enumerate(("Паспорт громадянина України", "Квитанція про сплату")):
            ServiceDocument.objects.create(service=paid, name=name, order=order)
        free = Service.objects.create(code="BENCH-CERT", name_uk="Довідка про склад сім'ї", provider=provider,
                                      minutes=10)
        ServiceDocument.objects.create(service=free, name="Паспорт громадянина України", order=0)
        admin = User.objects.create_user(username="bench-field", role=roles.FIELD_ADMIN, community=community,
                                         first_name="Оксана", last_name="Польова")
        User.objects.create_user(username="bench-coordinator", role=roles.COORDINATOR, community=community,
                                 first_name="Ірина", last_name="Координаторка")
        team = Team.objects.create(community=community, name="Команда стенду", office=community.offices.get(),
                                   suitcase=Suitcase.objects.create(community=community, name="Валіза стенду"))
        team.members.add(admin)
    return community


@transaction.atomic
def seed_trip(visits):
    """A new published trip for today with `visits` stops, each a request for both services."""
    community = _world()
    admin = User.objects.get(username="bench-field")
    coordinator = User.objects.get(username="bench-coordinator")
    team = Team.objects.get(community=community)
    settlement = Settlement.objects.get(community=community)
    category = EligibilityCategory.objects.filter(community=community).first()
    services = list(Service.objects.filter(code__startswith="BENCH-").order_by("code"))
    today = timezone.localdate()
    first = VisitRequest.objects.filter(community=community).count()
    requests = []
    for i in range(visits):
        n = first + i + 1
        req = VisitRequest(
            community=community, channel=Channel.PHONE, applicant_name=f"Мешканець Стендовий {n}",
            applicant_birth_date=datetime.date(1940, 1, 1) + datetime.timedelta(days=n),
            applicant_phone=f"+38067{4000000 + n}", settlement=settlement, street="вул. Садова",
            building=str(n), flat=str(n % 40 + 1), intercom=f"{n}К", category=category, evidence_available=True,
            payment_method="terminal", latitude=Decimal("48.5") + Decimal(n % 100) / 1000,
            longitude=Decimal("35.0"), consent_at=timezone.now(), consent_by="заявник",
            warning_acknowledged_at=timezone.now(),
        )
        choices = [visit_actions.ServiceChoice(s, {d.pk for d in s.documents.all()}) for s in services]
        visit_actions.create_request(req, choices, by=coordinator)
        visit_actions.accept(req, by=coordinator)
        requests.append(req)
    # Asked for days ago, as a week's planning has them: the laptop's times today come after the request.
    VisitRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        created_at=timezone.now() - datetime.timedelta(days=10))
    # A soak "day" is a new trip on today's date: the earlier ones step aside as a revised plan would.
    trip = trips.published_trip(team, today, requests, by=coordinator, supersede=True, leave=datetime.time(8),
                                   hours=10, first_after=0, every=20, stay=20, window=(0, 120))
    stops = [{"stop_id": stop.pk, "request_id": stop.request_id, "services": [
        {"service_id": s.pk, "paid": s.is_paid, "fee": str(s.fee),
         "documents": [d.pk for d in s.documents.all()]} for s in services]}
        for stop in trip.stops.order_by("position")]
    return {"trip_id": trip.pk, "stops": stops, "username": admin.username}


def session_for(username):
    """A logged-in session for `username`, as the login form would make it."""
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.create()
    return store.session_key


def check(expected):
    """Compare what the client did (`expected`: a list per stop) with the database.

    Each stop's expectation: {"stop_id", "outcome", "accepted": [service ids], "payments": [service ids],
    "photos": n, "acts": n}. `lost` counts every expected thing that is not there; `duplicated` counts
    every thing there more often than once (or beyond what was done).
    """
    from field.models import AcceptedService, Attachment, IncidentAct, Payment, SyncItem, Visit
    from journal.models import Case, JournalEntry

    lost = duplicated = 0
    details = []
    visits = {v.stop_id: v for v in Visit.objects.filter(stop_id__in=[e["stop_id"] for e in expected])}
    for e in expected:
        visit = visits.get(e["stop_id"])
        if visit is None:
            missing = 1 + len(e["accepted"]) + len(e["payments"]) + e["photos"] + e["acts"]
            lost += missing
            details.append(f"stop {e['stop_id']}: no visit ({missing} things lost)")
            continue
        if e.get("outcome") and visit.outcome != e["outcome"]:
            lost += 1
            details.append(f"stop {e['stop_id']}: outcome {visit.outcome!r} != {e['outcome']!r}")
        accepted = Counter(AcceptedService.objects.filter(visit=visit).values_list("service_id", flat=True))
        cases = Counter(Case.objects.filter(request_id=visit.request_id).values_list("service_id", flat=True))
        for sid in e["accepted"]:
            if not accepted[sid] or not cases[sid]:
                lost += 1
                details.append(f"stop {e['stop_id']}: service {sid} not registered")
        duplicated += sum(n - 1 for n in accepted.values() if n > 1) + sum(n - 1 for n in cases.values() if n > 1)
        payments = Counter(Payment.objects.filter(visit=visit).values_list("service_id", flat=True))
        lost += sum(1 for sid in e["payments"] if not payments[sid])
        duplicated += sum(n - 1 for n in payments.values() if n > 1)
        photos = Attachment.objects.filter(visit=visit, kind=Attachment.Kind.PHOTO,
                                           state=Attachment.State.COMPLETE).count()
        if photos < e["photos"]:
            lost += e["photos"] - photos
            details.append(f"stop {e['stop_id']}: {photos}/{e['photos']} photos complete")
        duplicated += max(0, photos - e["photos"])
        acts = IncidentAct.objects.filter(visit=visit).count()
        lost += max(0, e["acts"] - acts)
        duplicated += max(0, acts - e["acts"])
    # One registration entry per case, and no device sequence number applied under two UUIDs.
    duplicated += sum(row["n"] - 1 for row in JournalEntry.objects.filter(event=JournalEntry.REGISTERED)
                      .values("case_id").annotate(n=Count("id")).filter(n__gt=1))
    duplicated += sum(row["n"] - 1 for row in SyncItem.objects.values("device_id", "device_seq")
                      .annotate(n=Count("id")).filter(n__gt=1))
    items = Counter(SyncItem.objects.values_list("state", flat=True))
    from journal import chain

    verdicts = [chain.verify(pk) for pk in Community.objects.values_list("pk", flat=True)]
    return {"lost": lost, "duplicated": duplicated, "details": details[:20], "items": dict(items),
            "chain_ok": all(v.ok for v in verdicts), "entries": sum(v.entries for v in verdicts),
            "cases": Case.objects.count(), "visits": Visit.objects.count()}

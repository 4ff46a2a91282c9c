"""A year of a large city for the reports' benchmark (issue 14, "Scale"): `manage.py seed_reports`.

The city of the planning benchmarks (bench.planning.city: 7 districts and villages around, as Kryvyi
Rih) with four offices and teams, a catalogue of twelve services of four providers, and for every
working day of the last 365 days the week's published plan, its trips, stops, visits (a few not at
home), the cases accepted at them, the survey calls after them and the complaints of the year.

Written with bulk_create in batches, not through the actions (which lock and append one case at a
time): the keys are computed as the actions compute them. Case numbers are `<office>-<year>-<n>`
from each office's yearly sequence (JournalSequence is left at the last number given), hand-over
and provider's deadlines come from the community's WorkCalendar (memoised per day), and the journal
is one valid hash chain per community: entries in the order things happened, each with the same
payload, salted field hashes, content hash and link as journal.chain.append makes. The salts come from
a seeded generator rather than `secrets` (the data is made up and must be reproducible); `verify_journal`
checks the chain as it checks a real one.

Proportions (seed 004 and the CNAP's reports): services weighted as a social-protection heavy mobile
office is asked for them; categories mostly by age and disability group I; 5 % of requests from remote
villages; 4 % of visits find nobody at home (false calls); 5 % of hand-overs late, 6 % of decisions
past the term, 4 % refused; 70 % of served visits get a survey call, 65 % of those answer, 96 % of the
answers rate 4–5; about 2 complaints per 1,000 requests.
"""

import datetime
import heapq
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from bench.planning.city import DISTRICTS, VILLAGES
from catalogue.models import Provider, Service
from communities.models import Community, Office, Settlement
from communities.workdays import WorkCalendar
from core.text import match_key
from eligibility.models import EligibilityCategory
from eligibility.rules import ensure_mandatory_categories, switch_on_usual_categories
from field.models import AcceptedService, Outcome, Visit
from journal import chain
from journal.models import Case, CaseState, Delivery, JournalChainHead, JournalEntry, JournalSequence
from planning.models import Plan, PlanningWeek, Stop, Trip
from quality.models import Complaint, SurveyTask
from teams.models import Team
from visits.models import Channel, RequestedService, Status, VisitRequest, address_key

SLUG = "bench-reports"
BATCH = 2000
# (code, name, provider, term, kind, fee, weight): what a mobile office is asked for, most first.
SERVICES = [
    ("SOC-SUBS", "Призначення житлової субсидії", "Управління соціального захисту", 10, "working", None, 22),
    ("SOC-AID", "Державна соціальна допомога особам з інвалідністю", "Управління соціального захисту", 10, "working", None, 12),
    (
        "SOC-CARE",
        "Компенсація фізичній особі, яка надає соціальні послуги",
        "Управління соціального захисту",
        10,
        "working",
        None,
        8,
    ),
    ("PFU-PENS", "Перерахунок пенсії", "Пенсійний фонд", 10, "working", None, 14),
    ("PFU-CERT", "Довідка про доходи пенсіонера", "Пенсійний фонд", 5, "working", None, 9),
    ("RES-REG", "Реєстрація місця проживання", "Відділ реєстрації", 1, "working", Decimal("25.50"), 10),
    ("RES-CERT", "Довідка про зареєстрованих осіб", "Відділ реєстрації", 1, "working", None, 7),
    ("RES-DEREG", "Зняття із задекларованого місця проживання", "Відділ реєстрації", 1, "working", Decimal("25.50"), 3),
    (
        "PROP-REG",
        "Державна реєстрація права власності на нерухоме майно",
        "Державний реєстратор",
        5,
        "working",
        Decimal("680.00"),
        5,
    ),
    ("PROP-EXTR", "Витяг з Державного реєстру речових прав", "Державний реєстратор", 1, "working", Decimal("80.00"), 4),
    ("LAND-EXTR", "Витяг з Державного земельного кадастру", "Державний реєстратор", 10, "calendar", None, 3),
    ("SOC-BURIAL", "Допомога на поховання", "Управління соціального захисту", 10, "working", None, 3),
]
# (kind, weight) of the categories a request claims; kinds without a category in the community are skipped.
CATEGORIES = [("age", 45), ("disability_1", 30), ("lkk", 10), ("immobile", 8), ("remote", 5), ("hospital", 2)]
OFFICES = ["Покровський", "Металургійний", "Довгинцівський", "Інгулецький"]
FIRST = [
    "Іван",
    "Марія",
    "Петро",
    "Ганна",
    "Микола",
    "Олена",
    "Василь",
    "Надія",
    "Григорій",
    "Людмила",
    "Олександр",
    "Тетяна",
    "Степан",
    "Валентина",
    "Михайло",
    "Катерина",
]
LAST = [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевчук",
    "Поліщук",
    "Бойко",
    "Мельник",
    "Лисенко",
    "Руденко",
    "Савченко",
    "Петренко",
    "Марченко",
    "Гончаренко",
]
STREETS = [
    "вул. Соборна",
    "вул. Шевченка",
    "просп. Металургів",
    "вул. Героїв АТО",
    "вул. Садова",
    "вул. Лермонтова",
    "вул. Мирна",
    "вул. Зарічна",
    "вул. Паркова",
    "вул. Незалежності",
]


@dataclass
class Seeded:
    community: Community
    requests: int = 0
    visits: int = 0
    cases: int = 0
    entries: int = 0
    surveys: int = 0
    complaints: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


class _Chain:
    """One community's chain built in memory, as journal.chain.append would build it, flushed in batches."""

    def __init__(self, community, rng):
        self.community, self.rng = community, rng
        self.sequence, self.last_hash, self.pending, self.total = 0, "", [], 0

    def append(self, case_pk, number, event, payload, at, by_id):
        payload = json.loads(chain.canonical({"event": event, "case": number, **payload}))
        salts = {key: f"{self.rng.getrandbits(128):032x}" for key in payload}
        digest = chain.content_hash(payload, salts)
        self.sequence += 1
        link = chain.link_hash(self.last_hash, digest, at, self.sequence)
        self.pending.append(
            JournalEntry(
                community_id=self.community.pk,
                case_id=case_pk,
                sequence=self.sequence,
                event=event,
                payload=payload,
                recorded_at=at,
                by_id=by_id,
                prev_hash=self.last_hash,
                salts=salts,
                content_hash=digest,
                hash=link,
            )
        )
        self.last_hash = link
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        JournalEntry.objects.bulk_create(self.pending, batch_size=BATCH)
        self.total += len(self.pending)
        self.pending = []

    def close(self):
        self.flush()
        JournalChainHead.objects.update_or_create(
            community=self.community, defaults={"last_sequence": self.sequence, "last_hash": self.last_hash}
        )


def _weighted(rng, items, weights, k):
    return rng.choices(items, weights=weights, k=k)


def _world():
    community = Community.objects.create(
        name="Кривий Ріг (бенчмарк звітів)", slug=SLUG, phone="0 800 500 000", address="просп. Металургів, 1"
    )
    ensure_mandatory_categories(community)
    switch_on_usual_categories(community, decision_number="1/1", decision_date=datetime.date(2025, 1, 15))
    settlements = [
        Settlement.objects.create(community=community, name=name, latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
        for name, lat, lon, _share in DISTRICTS
    ]
    settlements += [
        Settlement.objects.create(
            community=community, name=name, is_remote=True, latitude=Decimal(str(lat)), longitude=Decimal(str(lon))
        )
        for name, lat, lon in VILLAGES
    ]
    weights = [share * 0.95 for *_rest, share in DISTRICTS] + [0.05 / len(VILLAGES)] * len(VILLAGES)
    offices = [
        Office.objects.create(
            community=community,
            name=f"ЦНАП {name}",
            address="вул. Соборна, 1",
            latitude=Decimal("47.9"),
            longitude=Decimal("33.4"),
        )
        for name in OFFICES
    ]
    providers, services = {}, []
    for code, name, provider, term, kind, fee, _w in SERVICES:
        if provider not in providers:
            providers[provider] = Provider.objects.create(name=provider, community=community)
        services.append(
            Service.objects.create(
                code=f"BR-{code}",
                name_uk=name,
                provider=providers[provider],
                term_days=term,
                term_kind=kind,
                is_paid=fee is not None,
                fee=fee or Decimal(0),
                minutes=20,
            )
        )
    cats = {c.kind: c for c in EligibilityCategory.objects.filter(community=community)}
    categories = [(cats[kind], w) for kind, w in CATEGORIES if kind in cats] or [(None, 1)]
    coordinator = User.objects.create_user(
        username=f"{SLUG}-coordinator", role=roles.COORDINATOR, community=community, password=None
    )
    admins = [
        User.objects.create_user(
            username=f"{SLUG}-admin-{i}",
            role=roles.FIELD_ADMIN,
            community=community,
            first_name=f"Адміністратор {i}",
            password=None,
        )
        for i in range(len(offices))
    ]
    quality = User.objects.create_user(username=f"{SLUG}-quality", role=roles.QUALITY, community=community, password=None)
    teams = [Team.objects.create(community=community, name=f"Команда {o.name}", office=o) for o in offices]
    return {
        "community": community,
        "settlements": settlements,
        "settlement_weights": weights,
        "offices": offices,
        "services": services,
        "categories": categories,
        "coordinator": coordinator,
        "admins": admins,
        "quality": quality,
        "teams": teams,
    }


def _working_days(calendar, start, end):
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            yield day
        day += datetime.timedelta(days=1)


def seed_year(*, cases=200_000, seed=7, end=None, log=print):
    """Build the year ending yesterday (or `end`) with about `cases` cases; returns a Seeded summary.
    Refuses when the benchmark community already exists (run `--reset` to drop it first)."""
    import time

    started = time.monotonic()
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    end = end or timezone.localdate() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=364)
    with transaction.atomic():
        w = _world()
        community = w["community"]
        calendar = WorkCalendar(community)
        days = list(_working_days(calendar, start, end))
        # ~1.3 services per request: cases per day spread evenly over the working days, ±20 %.
        per_day = cases / max(len(days), 1)
        handover_due = {}
        provider_due = {}
        weights = [s[6] for s in SERVICES]
        cat_items, cat_weights = zip(*w["categories"], strict=True)
        sequences = defaultdict(int)
        numbers_used = set()
        book = _Chain(community, rng)
        pending = []  # heap of (recorded_at, tiebreak, case_pk, number, event, payload, by_id)
        tiebreak = 0
        out = Seeded(community)
        left = cases
        complaints = []
        for day_index, day in enumerate(days):
            if left <= 0:
                break
            todays = min(left, max(1, round(per_day * rng.uniform(0.8, 1.2)))) if day_index < len(days) - 1 else left
            monday = day - datetime.timedelta(days=day.weekday())
            week, _new = PlanningWeek.objects.get_or_create(
                community=community,
                monday=monday,
                defaults={
                    "cutoff_at": datetime.datetime.combine(monday - datetime.timedelta(days=4), datetime.time(10), tzinfo=tz),
                    "publish_by": datetime.datetime.combine(monday - datetime.timedelta(days=4), datetime.time(14), tzinfo=tz),
                },
            )
            plan = Plan.objects.filter(week=week).first() or Plan.objects.create(
                week=week, version=1, state=Plan.State.PUBLISHED, time_limit_s=10
            )
            trips = Trip.objects.bulk_create(
                [
                    Trip(
                        plan=plan,
                        team=team,
                        day=day,
                        leave_at=datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=tz),
                        return_at=datetime.datetime.combine(day, datetime.time(17), tzinfo=tz),
                    )
                    for team in w["teams"]
                ]
            )
            # Requests of the day: each with 1–3 services, so that the cases come to `todays`.
            service_lists = []
            n = 0
            while n < todays:
                k = min(todays - n, rng.choices((1, 2, 3), weights=(75, 20, 5))[0])
                service_lists.append(list(dict.fromkeys(_weighted(rng, w["services"], weights, k))))
                n += len(service_lists[-1])
            # ~4 % of visits find nobody at home (false calls): extra requests, without cases.
            absent = [False] * len(service_lists)
            for _i in range(sum(rng.random() < 0.04 for _ in service_lists)):
                service_lists.append(_weighted(rng, w["services"], weights, 1))
                absent.append(True)
            requests, stops = [], []
            for i, services in enumerate(service_lists):
                settlement = rng.choices(w["settlements"], weights=w["settlement_weights"])[0]
                name = f"{rng.choice(LAST)} {rng.choice(FIRST)} {rng.choice(FIRST)}ович"
                street, building = rng.choice(STREETS), str(rng.randint(1, 120))
                number = None
                while number is None or number in numbers_used:
                    number = f"{rng.randrange(10**8):08d}"
                numbers_used.add(number)
                created = datetime.datetime.combine(
                    day - datetime.timedelta(days=rng.randint(3, 12)),
                    datetime.time(rng.randint(8, 16), rng.randint(0, 59)),
                    tzinfo=tz,
                )
                requests.append(
                    VisitRequest(
                        community=community,
                        number=f"{number[:4]}-{number[4:]}",
                        status=Status.ACCEPTED if absent[i] else Status.SERVED,
                        channel=rng.choice(Channel.values),
                        applicant_name=name,
                        applicant_birth_date=datetime.date(rng.randint(1930, 1960), 1, 1),
                        applicant_phone=f"+38067{rng.randrange(10**7):07d}",
                        settlement=settlement,
                        street=street,
                        building=building,
                        flat=str(rng.randint(1, 90)) if rng.random() < 0.6 else "",
                        latitude=settlement.latitude,
                        longitude=settlement.longitude,
                        category=rng.choices(cat_items, weights=cat_weights)[0],
                        evidence_available=True,
                        eligibility="eligible",
                        consent_at=created,
                        consent_by=name,
                        warning_acknowledged_at=created,
                        created_at=created,
                        accepted_at=created,
                        name_key=match_key(name),
                        address_key=address_key(settlement.pk, street, building, ""),
                        payment_method="terminal" if any(s.is_paid for s in services) else "",
                    )
                )
            VisitRequest.objects.bulk_create(requests, batch_size=BATCH)
            RequestedService.objects.bulk_create(
                [
                    RequestedService(request=r, service=s)
                    for r, services in zip(requests, service_lists, strict=True)
                    for s in services
                ],
                batch_size=BATCH,
            )
            for i, req in enumerate(requests):
                trip = trips[i % len(trips)]
                position = i // len(trips) + 1
                window_start = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz) + datetime.timedelta(
                    minutes=25 * (position - 1) % 420
                )
                arrival = window_start + datetime.timedelta(minutes=rng.choice((-5, 0, 10, 20, 40, 90)))
                stops.append(
                    Stop(
                        trip=trip,
                        position=position,
                        request=req,
                        arrival=arrival,
                        start=arrival,
                        end=arrival + datetime.timedelta(minutes=20),
                        window_start=window_start,
                        window_end=window_start + datetime.timedelta(hours=1),
                    )
                )
            Stop.objects.bulk_create(stops, batch_size=BATCH)
            visits = [
                Visit(
                    stop=stop,
                    community=community,
                    request=stop.request,
                    started_at=stop.arrival,
                    finished_at=stop.end,
                    outcome=Outcome.NOT_AT_HOME if absent[i] else Outcome.SERVED,
                    recorded_by=w["admins"][i % len(trips)],
                )
                for i, stop in enumerate(stops)
            ]
            Visit.objects.bulk_create(visits, batch_size=BATCH)
            out.requests += len(requests)
            out.visits += len(visits)
            # Cases, numbered per office and year in acceptance order.
            new_cases, accepted_at_visit = [], {}
            for i, (req, services, stop) in enumerate(zip(requests, service_lists, stops, strict=True)):
                if absent[i]:
                    continue
                office = w["offices"][i % len(trips)]
                for n_service, service in enumerate(services):
                    accepted = stop.arrival + datetime.timedelta(minutes=5 + n_service)
                    if day not in handover_due:
                        handover_due[day] = calendar.handover_deadline(day)
                    key = (day, service.term_days, service.term_kind)
                    if key not in provider_due:
                        provider_due[key] = calendar.add_term(day, service.term_days, service.term_kind)
                    accepted_at_visit[len(new_cases)] = visits[i]
                    new_cases.append(
                        Case(
                            community=community,
                            office=office,
                            request=req,
                            service=service,
                            applicant_name=req.applicant_name,
                            accepted_at=accepted,
                            accepted_by=visits[i].recorded_by,
                            handover_due=handover_due[day],
                            provider_due=provider_due[key],
                            term_count=service.term_days,
                            term_kind=service.term_kind,
                            preferred_delivery=rng.choice((Delivery.POST, Delivery.OFFICE, Delivery.REPEAT_VISIT)),
                            fee_paid=service.fee if service.is_paid else None,
                        )
                    )
            # The service accepted at the door that became each case (field.AcceptedService, as the field
            # client's sync makes it): the dashboard counts services and teams through it.
            for position, case in enumerate(new_cases):
                case._visit = accepted_at_visit[position]
            new_cases.sort(key=lambda c: c.accepted_at)
            for case in new_cases:
                sequences[(case.office_id, day.year)] += 1
                case.number = f"{case.office_id}-{day.year}-{sequences[(case.office_id, day.year)]:06d}"
            _lifecycle(new_cases, rng, now, tz, w)
            Case.objects.bulk_create(new_cases, batch_size=BATCH)
            AcceptedService.objects.bulk_create(
                [AcceptedService(visit=case._visit, service=case.service, case=case, documents=[]) for case in new_cases],
                batch_size=BATCH,
            )
            out.cases += len(new_cases)
            left -= len(new_cases)
            # The chain in the order things happened: earlier cases' later events between the acceptances.
            for case in new_cases:
                while pending and pending[0][0] < case.accepted_at:
                    at, _t, *entry = heapq.heappop(pending)
                    book.append(*entry[:3], entry[3], at, entry[4])
                book.append(
                    case.pk, case.number, JournalEntry.REGISTERED, _registered(case), case.accepted_at, case.accepted_by.pk
                )
                for at, event, payload in _later_events(case):
                    tiebreak += 1
                    heapq.heappush(pending, (at, tiebreak, case.pk, case.number, event, payload, w["coordinator"].pk))
            # Survey calls after served visits, and complaints.
            surveys = []
            for i, visit in enumerate(visits):
                if absent[i] or rng.random() >= 0.7:
                    continue
                call_from = visit.finished_at + datetime.timedelta(days=1)
                answered = call_from < now and rng.random() < 0.65
                surveys.append(
                    SurveyTask(
                        community=community,
                        visit=visit,
                        request=visit.request,
                        served_by=visit.recorded_by,
                        phone=visit.request.applicant_phone,
                        call_from=call_from,
                        created_at=visit.finished_at,
                        state=SurveyTask.State.ANSWERED
                        if answered
                        else (SurveyTask.State.NO_ANSWER if call_from < now else SurveyTask.State.OPEN),
                        attempts=1 if answered else 3,
                        closed_at=call_from if answered or call_from < now else None,
                        rating=rng.choices((5, 4, 3, 2, 1), weights=(80, 16, 2, 1, 1))[0] if answered else None,
                        came_on_time=rng.random() < 0.93 if answered else None,
                    )
                )
            SurveyTask.objects.bulk_create(surveys, batch_size=BATCH)
            out.surveys += len(surveys)
            for case in new_cases:
                if rng.random() < 0.0016:
                    complaints.append(
                        Complaint(
                            community=community,
                            channel="phone",
                            received_on=day + datetime.timedelta(days=2),
                            request=case.request,
                            case=case,
                            person_name=case.applicant_name,
                            text="Довго чекаю на результат послуги.",
                            due_on=day + datetime.timedelta(days=32),
                            created_at=datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(11), tzinfo=tz),
                        )
                    )
            if day_index % 20 == 0:
                log(f"  {day:%d.%m.%Y}: {out.cases} cases, {out.requests} requests")
        while pending:
            at, _t, *entry = heapq.heappop(pending)
            book.append(*entry[:3], entry[3], at, entry[4])
        book.close()
        Complaint.objects.bulk_create(complaints, batch_size=BATCH)
        out.complaints = len(complaints)
        JournalSequence.objects.bulk_create([JournalSequence(office_id=o, year=y, last=n) for (o, y), n in sequences.items()])
        out.entries = book.total
    out.seconds = time.monotonic() - started
    return out


def _at(day, hour, tz):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)


def _lifecycle(cases, rng, now, tz, w):
    """What happened to each case after acceptance, by the dates things happened; nothing after `now`."""
    for case in cases:
        case.state = CaseState.ACCEPTED
        handed = case.handover_due + datetime.timedelta(days=rng.randint(1, 3) if rng.random() < 0.05 else 0)
        if _at(handed, 10, tz) > now:
            continue
        case.state, case.handed_over_on, case.handed_over_at = CaseState.HANDED_OVER, handed, _at(handed, 10, tz)
        case.handed_over_by = w["coordinator"]
        case.provider_official = "Приймальня суб'єкта надання"
        term = max((case.provider_due - handed).days, 0)
        decided = (
            handed + datetime.timedelta(days=rng.randint(0, term))
            if rng.random() >= 0.06
            else (case.provider_due + datetime.timedelta(days=rng.randint(1, 10)))
        )
        if _at(decided, 15, tz) > now:
            continue
        case.state, case.decided_on, case.decided_at = CaseState.DECIDED, decided, _at(decided, 15, tz)
        case.decided_by, case.granted = w["coordinator"], rng.random() >= 0.04
        case.decision_number = f"{rng.randint(1, 9999)}"
        if not case.granted:
            case.refusal_reason = "Не подано всіх документів, потрібних для послуги."
        delivered = decided + datetime.timedelta(days=rng.randint(1, 5))
        if _at(delivered, 12, tz) > now:
            continue
        delivery = case.preferred_delivery or Delivery.OFFICE
        case.state, case.result_delivery = CaseState.RESULT_DELIVERED, delivery
        case.result_delivered_on, case.result_delivered_at = delivered, _at(delivered, 12, tz)
        case.result_delivered_by = w["coordinator"]
        if delivery == Delivery.POST:
            case.delivery_address = str(case.request.street)
            case.tracking_number = f"05{rng.randrange(10**11):011d}"
        else:
            case.issued_to, case.issued_document = case.applicant_name, "паспорт"
            case.result_received_on = delivered


def _registered(case):
    return {
        "number": case.number,
        "provisional_number": None,
        "request": case.request.number,
        "service": case.service.code,
        "office": case.office_id,
        "applicant": case.applicant_name,
        "accepted_at": chain.timestamp(case.accepted_at),
        "device_accepted_at": None,
        "handover_due": case.handover_due.isoformat(),
        "provider_due": case.provider_due.isoformat(),
        "term": f"{case.term_count} {case.term_kind}",
    }


def _later_events(case):
    """The case's entries after registration, with the payloads journal.actions writes."""
    events = []
    if case.handed_over_at:
        events.append(
            (
                case.handed_over_at,
                JournalEntry.HANDED_OVER,
                {
                    "at": chain.timestamp(case.handed_over_at),
                    "on": case.handed_over_on.isoformat(),
                    "late": case.handed_over_on > case.handover_due,
                    "official": case.provider_official,
                },
            )
        )
    if case.decided_at:
        events.append(
            (
                case.decided_at,
                JournalEntry.DECIDED,
                {
                    "granted": case.granted,
                    "reason": case.refusal_reason,
                    "on": case.decided_on.isoformat(),
                    "number": case.decision_number,
                    "late": case.decided_on > case.provider_due,
                },
            )
        )
    if case.result_delivered_at:
        details = (
            {"delivery_address": case.delivery_address, "tracking_number": case.tracking_number}
            if case.result_delivery == Delivery.POST
            else {"issued_to": case.issued_to, "issued_document": case.issued_document}
        )
        events.append(
            (
                case.result_delivered_at,
                JournalEntry.RESULT_DELIVERED,
                {
                    "delivery": case.result_delivery,
                    "at": chain.timestamp(case.result_delivered_at),
                    "on": case.result_delivered_on.isoformat(),
                    **details,
                },
            )
        )
    return events


def drop(log=print):
    """Remove the benchmark community and everything seeded for it (PROTECT relations in order)."""
    community = Community.objects.filter(slug=SLUG).first()
    if community is None:
        return False
    with transaction.atomic():
        cid = community.pk
        Complaint.objects.filter(community_id=cid).delete()
        SurveyTask.objects.filter(community_id=cid).delete()
        # The journal refuses deletes through its models (evidence); a seeded benchmark is not evidence.
        JournalEntry.objects.filter(community_id=cid)._raw_delete(JournalEntry.objects.db)
        JournalChainHead.objects.filter(community_id=cid).delete()
        AcceptedService.objects.filter(visit__community_id=cid).delete()
        Case.objects.filter(community_id=cid).delete()
        Visit.objects.filter(community_id=cid).delete()
        PlanningWeek.objects.filter(community_id=cid).delete()
        VisitRequest.objects.filter(community_id=cid).delete()
        Team.objects.filter(community_id=cid).delete()
        JournalSequence.objects.filter(office__community_id=cid).delete()
        User.objects.filter(community_id=cid).delete()
        Service.objects.filter(provider__community_id=cid).delete()
        Provider.objects.filter(community_id=cid).delete()
        Office.objects.filter(community_id=cid).delete()
        community.delete()
    log(f"dropped {SLUG}")
    return True

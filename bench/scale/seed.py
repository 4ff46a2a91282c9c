"""The national data set of issue 17: ~1,500 communities, a million requests, written in bulk.

Proportions as measured in the issue: 85 % of the requests in one large city, 14 % in the next twenty
communities, the rest spread over all the others. Every request has one or two services with their
document checklist, a history of status changes, and the served ones a journal case each; about
half of them were opened by staff (access log). Keys are the ones the models compute (number,
name_key, address_key). On PostgreSQL rows go in with COPY (psycopg), elsewhere with executemany;
primary keys are given here so that rows of one batch can point at each other without a round trip.
"""

import datetime
import functools
import itertools
import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLog
from catalogue.models import Provider, Service, ServiceDocument
from communities.models import Community, Office, Settlement
from core.text import match_key
from eligibility.models import EligibilityCategory
from journal.models import Case, CaseState, JournalSequence
from visits.models import (
    OPEN_STATUSES,
    ConsentHow,
    RequestedDocument,
    RequestedService,
    Status,
    StatusChange,
    VisitRequest,
    address_key,
)

SLUG = "scale-{:04d}"
PASSWORD = "valiza-scale-2026"
BATCH = 20_000
# Requests still open are of the last weeks; older ones were served or refused.
OPEN_DAYS = 60

SURNAMES = [
    "Коваленко",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевчук",
    "Поліщук",
    "Мельник",
    "Бойко",
    "Лисенко",
    "Руденко",
    "Савченко",
    "Петренко",
    "Марченко",
    "Мороз",
    "Клименко",
    "Павленко",
    "Кравчук",
    "Гончаренко",
    "Левченко",
    "Харченко",
    "Карпенко",
    "Ковальчук",
    "Ткачук",
]
FIRST = [
    "Марія",
    "Ганна",
    "Олена",
    "Надія",
    "Галина",
    "Валентина",
    "Іван",
    "Петро",
    "Микола",
    "Василь",
    "Ольга",
    "Тетяна",
    "Людмила",
    "Михайло",
    "Григорій",
    "Віра",
    "Любов",
    "Степан",
]
PATRONYMIC = ["Іванівна", "Петрівна", "Миколаївна", "Василівна", "Іванович", "Петрович", "Степанович"]
STREETS = [
    "вул. Шевченка",
    "вул. Садова",
    "вул. Лісова",
    "вул. Миру",
    "вул. Зелена",
    "вул. Центральна",
    "вул. Молодіжна",
    "вул. Польова",
    "вул. Шкільна",
    "просп. Соборний",
    "вул. Українська",
]
# (status, weight): most requests of past years were served.
STATUSES = [
    (Status.SERVED, 60),
    (Status.REJECTED, 8),
    (Status.NEW, 8),
    (Status.ACCEPTED, 8),
    (Status.SCHEDULED, 6),
    (Status.NEEDS_INFO, 4),
    (Status.PARTLY_SERVED, 4),
    (Status.ON_HOLD, 2),
]


# Values the database driver takes as they are (no field preparation per row): psycopg adapts dates
# and aware datetimes itself; elsewhere (SQLite) those go through the field as Django would send them.
PLAIN = frozenset({str, int, bool, float, type(None)})
PLAIN_PG = PLAIN | {datetime.date, datetime.datetime}


def _columns(model):
    return [f for f in model._meta.concrete_fields]


class Writer:
    """Rows of one model, written in batches: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model):
        self.model = model
        self.fields = _columns(model)
        self.rows = []
        self.written = 0
        # Defaults prepared once: most of a request's seventy columns keep them.
        self.defaults = [f.get_db_prep_save(f.get_default(), connection) for f in self.fields]

        self.index = {f.attname: (i, f) for i, f in enumerate(self.fields)}
        self.plain = PLAIN_PG if connection.vendor == "postgresql" else PLAIN

    def add(self, **values):
        # Per row only the values given are touched; plain Python values (text, numbers, dates,
        # aware datetimes) go to the driver as they are, which adapts them as Django would.
        row = list(self.defaults)
        index, plain = self.index, self.plain
        for name, value in values.items():
            i, f = index[name]
            row[i] = value if type(value) in plain else f.get_db_prep_save(value, connection)
        self.rows.append(row)

    def flush(self):
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", self.rows)
        self.written += len(self.rows)
        self.rows = []


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(models):
    sql = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def share(n_requests, n_communities):
    """How many requests each community gets: 85 % the first, 14 % the next twenty, 1 % the rest."""
    if n_communities == 1:
        return [n_requests]
    big = round(n_requests * 0.85)
    middle = min(20, n_communities - 1)
    rest = n_communities - 1 - middle
    middle_total = round(n_requests * (0.14 if rest else 0.15))
    counts = [big] + [middle_total // middle] * middle + [0] * rest
    left = n_requests - sum(counts)
    for i in range(left):
        counts[1 + middle + (i % rest) if rest else 1 + (i % middle)] += 1
    return counts


def _numbers(n, rng):
    """n distinct request numbers 1234-5678, none already taken."""
    taken = set(VisitRequest.objects.values_list("number", flat=True))
    out = set()
    while len(out) < n:
        digits = f"{rng.randrange(10**8):08d}"
        number = f"{digits[:4]}-{digits[4:]}"
        if number not in taken:
            out.add(number)
    numbers = list(out)
    rng.shuffle(numbers)
    return numbers


def _drop_indexes(models):
    """Drop the secondary indexes of `models`' tables (PostgreSQL) and return the statements that make
    them again: one build at the end is many times faster than keeping them up to date row by row."""
    if connection.vendor != "postgresql":
        return []
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _fast_session():
    """PostgreSQL: no wait for the disk at each commit, and (where allowed) no per-row checks of
    foreign keys, which this generator keeps consistent itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            pass  # not a superuser: foreign keys are checked row by row, slower but the same rows


def seed(n_communities, n_requests, *, seed=2026, log=print):
    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    if Community.objects.filter(slug__startswith="scale-").exists():
        raise ValueError("the scale set is already here")

    # --- the country: communities with their settlements, an office, staff, categories, a catalogue.
    with transaction.atomic():
        communities = Community.objects.bulk_create(
            Community(name=f"Громада {i:04d} (навантаження)", slug=SLUG.format(i)) for i in range(n_communities)
        )
        settlements = Settlement.objects.bulk_create(
            Settlement(community=c, name=f"Село {j}" if j else "Центр", latitude=48.5 + j / 100, longitude=35.0 + i / 1000)
            for i, c in enumerate(communities)
            for j in range(10 if i == 0 else 2)
        )
        by_community = {}
        for s in settlements:
            by_community.setdefault(s.community_id, []).append(s)
        offices = Office.objects.bulk_create(
            Office(community=c, name="ЦНАП", address="вул. Центральна, 1", latitude=48.5, longitude=35.0) for c in communities
        )
        office_of = {o.community_id: o for o in offices}
        categories = EligibilityCategory.objects.bulk_create(
            EligibilityCategory(community=c, kind=EligibilityCategory.DISABILITY_1, name="Особи з інвалідністю I групи")
            for c in communities
        )
        category_of = {cat.community_id: cat for cat in categories}
        password = make_password(PASSWORD)
        users = User.objects.bulk_create(
            User(username=f"scale-{role}-{i:04d}", community=c, role=role, password=password)
            for i, c in enumerate(communities)
            for role in ("operator", "coordinator")
        )
        staff_of = {}
        for u in users:
            staff_of.setdefault(u.community_id, []).append(u)
        provider = Provider.objects.create(name="Суб'єкт надання (навантаження)")
        services = [
            Service.objects.create(code=f"scale-{k}", name_uk=f"Послуга {k} (навантаження)", provider=provider, term_days=10)
            for k in range(6)
        ]
        documents = {s.pk: ServiceDocument.objects.create(service=s, name="Паспорт громадянина України") for s in services}
    log(f"communities={n_communities} in {time.monotonic() - started:.1f}s")

    _fast_session()
    bulk = [VisitRequest, RequestedService, RequestedDocument, StatusChange, Case, AccessLog]
    indexes = _drop_indexes(bulk)
    counts = share(n_requests, n_communities)
    numbers = _numbers(n_requests, rng)
    req_w, rs_w, doc_w = Writer(VisitRequest), Writer(RequestedService), Writer(RequestedDocument)
    hist_w, case_w, log_w = Writer(StatusChange), Writer(Case), Writer(AccessLog)
    writers = (req_w, rs_w, doc_w, hist_w, case_w, log_w)
    ids = {m: _next_id(m) for m in (VisitRequest, RequestedService, RequestedDocument, StatusChange, Case, AccessLog)}
    statuses, weights = zip(*STATUSES, strict=True)
    cum_weights = list(itertools.accumulate(weights))
    # A few thousand distinct names: each name's key is computed once.
    name_key = functools.lru_cache(maxsize=None)(match_key)
    case_year = {}
    k = 0
    span = 3 * 365 * 24 * 3600
    for community, n in zip(communities, counts, strict=True):
        places = by_community[community.pk]
        operator, coordinator = staff_of[community.pk]
        category = category_of.get(community.pk)
        office = office_of[community.pk]
        for _ in range(n):
            pk = ids[VisitRequest]
            ids[VisitRequest] += 1
            created = now - datetime.timedelta(seconds=rng.randrange(span))
            name = f"{rng.choice(SURNAMES)} {rng.choice(FIRST)} {rng.choice(PATRONYMIC)}"
            place = places[0] if rng.random() < 0.7 else rng.choice(places)
            street, building, flat = rng.choice(STREETS), str(rng.randrange(1, 120)), str(rng.randrange(0, 200) or "")
            phone = f"+38067{rng.randrange(10**7):07d}" if rng.random() < 0.8 else ""
            neighbour = rng.random() < 0.3
            status = rng.choices(statuses, cum_weights=cum_weights)[0]
            if status in (*OPEN_STATUSES, Status.PARTLY_SERVED) and created < now - datetime.timedelta(days=OPEN_DAYS):
                # Requests of past months were decided and served long ago: only recent ones are open.
                status = Status.SERVED if rng.random() < 0.85 else Status.REJECTED
            req_w.add(
                id=pk,
                community_id=community.pk,
                number=numbers[k],
                status=status,
                channel="phone",
                reject_reason="not_eligible" if status == Status.REJECTED else "",
                applicant_name=name,
                applicant_birth_date=datetime.date(1930 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                applicant_phone=phone,
                requester_name="Сусідка Олена" if neighbour else "",
                requester_phone=f"+38050{rng.randrange(10**7):07d}" if neighbour else "",
                requester_relation="neighbour" if neighbour else "",
                settlement_id=place.pk,
                street=street,
                building=building,
                flat=flat,
                category_id=category.pk if category else None,
                evidence_available=True,
                eligibility="eligible",
                eligible_by_id=category.pk if category else None,
                consent_at=created,
                consent_by=name,
                warning_acknowledged_at=created,
                person_consent_at=None if neighbour else created,
                person_consent_how="" if neighbour else ConsentHow.FILED,
                person_consent_name="" if neighbour else name,
                created_by_id=operator.pk,
                created_at=created,
                updated_at=created,
                accepted_at=(
                    created + datetime.timedelta(days=1)
                    if status not in (Status.NEW, Status.NEEDS_INFO, Status.REJECTED)
                    else None
                ),
                name_key=name_key(name),
                address_key=address_key(place.pk, street, building, flat),
            )
            k += 1
            # A partly served request had two services, one done.
            chosen = rng.sample(services, 2 if status == Status.PARTLY_SERVED else 1 + (rng.random() < 0.5))
            for index, service in enumerate(chosen):
                rs_pk = ids[RequestedService]
                ids[RequestedService] += 1
                served = status == Status.SERVED or (status == Status.PARTLY_SERVED and index == 0)
                done = min(created + datetime.timedelta(days=7), now) if served else None
                rs_w.add(id=rs_pk, request_id=pk, service_id=service.pk, done_at=done)
                doc_w.add(
                    id=ids[RequestedDocument],
                    requested_service_id=rs_pk,
                    document_id=documents[service.pk].pk,
                    name="Паспорт громадянина України",
                    has=rng.random() < 0.8,
                )
                ids[RequestedDocument] += 1
                if done:
                    year = done.year
                    seq = case_year[(office.pk, year)] = case_year.get((office.pk, year), 0) + 1
                    state = CaseState.RESULT_DELIVERED if done < now - datetime.timedelta(days=30) else CaseState.ACCEPTED
                    case_w.add(
                        id=ids[Case],
                        community_id=community.pk,
                        office_id=office.pk,
                        request_id=pk,
                        service_id=service.pk,
                        applicant_name=name,
                        number=f"{office.pk}-{year}-{seq:06d}",
                        accepted_at=done,
                        accepted_by_id=operator.pk,
                        state=state,
                        handover_due=(done + datetime.timedelta(days=1)).date(),
                        provider_due=(done + datetime.timedelta(days=11)).date(),
                    )
                    ids[Case] += 1
            changes = [Status.NEW] + ([status] if status != Status.NEW else [])
            prev = ""
            for step, to in enumerate(changes):
                hist_w.add(
                    id=ids[StatusChange],
                    request_id=pk,
                    from_status=prev,
                    to_status=to,
                    by_id=coordinator.pk,
                    at=created + datetime.timedelta(hours=step),
                )
                ids[StatusChange] += 1
                prev = to
            if rng.random() < 0.5:
                log_w.add(
                    id=ids[AccessLog],
                    community_id=community.pk,
                    user_id=coordinator.pk,
                    at=created + datetime.timedelta(hours=2),
                    action="view",
                    object_type="visitrequest",
                    object_id=str(pk),
                    object_label=numbers[k - 1],
                    ip="127.0.0.1",
                    path=f"/staff/requests/{pk}/",
                )
                ids[AccessLog] += 1
            if len(req_w.rows) >= BATCH:
                # Parents before children: a row's foreign keys point at rows already written.
                for writer in writers:
                    writer.flush()
            if k % 100_000 == 0:
                log(f"requests={k} in {time.monotonic() - started:.1f}s")
    for writer in writers:
        writer.flush()
    # The journal's yearly numbering goes on after the seeded cases (journal.actions._next_number).
    JournalSequence.objects.bulk_create(
        [JournalSequence(office_id=office_pk, year=year, last=last) for (office_pk, year), last in case_year.items()]
    )
    _reset_sequences(bulk)
    log(f"rows written in {time.monotonic() - started:.1f}s; indexes={len(indexes)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in indexes:
                cursor.execute(statement)
            cursor.execute("SET session_replication_role = DEFAULT")
            # As autovacuum would leave them: statistics, and the visibility map for index-only scans.
            for model in bulk:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    elapsed = time.monotonic() - started
    log(
        f"requests={req_w.written} services={rs_w.written} documents={doc_w.written} history={hist_w.written} "
        f"cases={case_w.written} access_log={log_w.written} seconds={elapsed:.1f}"
    )
    return {"requests": req_w.written, "cases": case_w.written, "seconds": elapsed}

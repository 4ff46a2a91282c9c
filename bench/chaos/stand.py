"""Work for `chaos_worker` to kill the worker in, and the check of how it all ended. Run inside the
throwaway site (`manage.py chaos_data …`), never against a real community's database.

Each round queues what a busy day queues: a planning run (a week of its own, one to two seconds of
search), ten SMS, and a visit's two accepted services with a document photo — the sync's way: the
cases are registered and their files asked for in one transaction, the photo asks again when it is
complete.
"""

import datetime
import hashlib
import io
import json
import random
import time
import uuid
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from bench.field import stand_data
from communities.models import Settlement
from eligibility.models import EligibilityCategory
from teams.models import Team, TeamShift
from visits import actions as visit_actions
from visits.models import Channel, VisitRequest

POOL = 12  # accepted requests every planning run plans
SMS_PER_ROUND = 10


def seed():
    """The stand's community (bench/field/stand_data.py) with working hours and a pool to plan."""
    community = stand_data._world()
    team = Team.objects.get(community=community)
    for weekday in range(5):
        TeamShift.objects.get_or_create(team=team, weekday=weekday,
                                        defaults={"start": datetime.time(8), "end": datetime.time(17)})
    for n in range(POOL):
        _request(community, n, accepted=True)
    return {"community": community.slug, "pool": POOL}


def _request(community, n, *, accepted):
    from catalogue.models import Service

    coordinator = User.objects.get(username="bench-coordinator")
    services = list(Service.objects.filter(code__startswith="BENCH-").order_by("code"))
    req = VisitRequest(
        community=community, channel=Channel.PHONE, applicant_name=f"Мешканка Хаосу {n}",
        applicant_birth_date=datetime.date(1938, 1, 1) + datetime.timedelta(days=n), applicant_phone=f"+38067{5000000 + n}",
        settlement=Settlement.objects.get(community=community), street="вул. Лугова", building=str(n + 1),
        category=EligibilityCategory.objects.filter(community=community).first(), evidence_available=True,
        payment_method="terminal", latitude=Decimal("48.45") + Decimal(n % 30) / 500,
        longitude=Decimal("34.95") + Decimal(n % 7) / 200, consent_at=timezone.now(), consent_by="заявниця",
        warning_acknowledged_at=timezone.now(),
    )
    visit_actions.create_request(req, [visit_actions.ServiceChoice(s, {d.pk for d in s.documents.all()})
                                       for s in services], by=coordinator)
    if accepted:
        visit_actions.accept(req, by=coordinator)
    return req, services


def queue_round(number, seed=0):
    """Queue one round's work; returns what was queued."""
    from notifications.outbox import enqueue
    from planning import actions as planning_actions
    from planning import tasks as planning_tasks

    rng = random.Random(f"{seed}-{number}")
    community = stand_data._world()
    coordinator = User.objects.get(username="bench-coordinator")
    monday = planning_actions.next_monday() + datetime.timedelta(weeks=number)
    week = planning_actions.week_for(community, monday)
    with transaction.atomic():
        plan = planning_actions.start_planning(week, by=coordinator, time_limit_s=rng.choice((1, 2)))
        planning_tasks.enqueue_planning(plan)
    for i in range(SMS_PER_ROUND):
        enqueue(community=community, recipient=f"+38050{7000000 + number * SMS_PER_ROUND + i}",
                text=f"ЦНАП: візит {number}.{i} у вівторок між 10:00 і 12:00.", dedup_key=f"chaos:{number}:{i}")
    cases = _accepted_visit(community, number)
    return {"round": number, "plan": plan.pk, "cases": cases}


def _accepted_visit(community, number):
    """A visit with both services accepted, as the sync records it, and a photo uploaded after."""
    from demo import trips
    from field import attachments
    from field import tasks as field_tasks
    from field.models import AcceptedService, Visit
    from journal import actions as journal_actions

    admin = User.objects.get(username="bench-field")
    team = Team.objects.get(community=community)
    req, services = _request(community, 1000 + number, accepted=True)
    trip = trips.published_trip(team, timezone.localdate(), [req], by=admin)
    stop = trip.stops.get()
    with transaction.atomic():
        visit = Visit.objects.create(stop=stop, community=community, request=req, started_at=timezone.now(),
                                     recorded_by=admin)
        cases = journal_actions.register_cases(req, services, by=admin, preferred_delivery="post")
        for case, service in zip(cases, services, strict=True):
            AcceptedService.objects.create(visit=visit, service=service, case=case, documents=[
                {"document_id": d.pk, "name": d.name, "present": True, "sheets": 2} for d in service.documents.all()])
        field_tasks.schedule_case_files([c.pk for c in cases])
    body = _photo(number)
    att = attachments.declare(visit, {
        "attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg", "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest()}, user=admin, device=None, service=services[0],
        taken_at=timezone.now())
    attachments.receive_chunk(att, 0, body)  # complete: asks for the case's files again
    return [c.pk for c in cases]


def _photo(number):
    from PIL import Image

    img = Image.effect_noise((800, 600), 40 + number % 20).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def wait_for(kind, timeout):
    """Wait until the worker is in the middle of `kind` of work (a planning run searching, an SMS
    being sent, a case-file build going); True if it is, False after `timeout` seconds."""
    from journal.models import CaseFileBuild
    from notifications.models import OutboxMessage, State
    from planning.models import Plan

    since = timezone.now()
    busy = {
        "planning": lambda: Plan.objects.filter(state=Plan.State.PLANNING, progress__gt=0).exists(),
        "sms": lambda: OutboxMessage.objects.filter(state=State.SENDING).exists(),
        # A build that started after this wait began and has not finished.
        "files": lambda: CaseFileBuild.objects.filter(last_attempt_at__gte=since, last_error="").filter(
            Q(built_at__isnull=True) | Q(built_at__lt=F("last_attempt_at"))).exists(),
    }[kind]
    pause = 0.002 if kind == "sms" else 0.02  # an SMS is "sending" for a few milliseconds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if busy():
            return True
        time.sleep(pause)
    return False


def status():
    """How much work is still open (chaos_worker waits for all of it to end)."""
    from django_tasks_db.models import DBTaskResult

    from journal.models import CaseFileBuild
    from notifications.models import OutboxMessage, State
    from planning.models import Plan

    return {
        "planning": Plan.objects.filter(state=Plan.State.PLANNING).count(),
        "sms_open": OutboxMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).count(),
        "files_open": CaseFileBuild.objects.filter(next_try_at__isnull=False).count() + len(_missing_files()),
        "tasks_open": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
    }


def _missing_files():
    """Field-accepted cases without their inventory, or with a complete photo and no photos PDF."""
    from field.models import Attachment
    from journal.models import Case, CaseFile

    missing = []
    for case in Case.objects.filter(accepted_service__isnull=False).prefetch_related("files").select_related(
            "accepted_service"):
        kinds = {f.kind for f in case.files.all()}
        photos = Attachment.objects.filter(visit_id=case.accepted_service.visit_id, service_id=case.service_id,
                                           kind=Attachment.Kind.PHOTO, state=Attachment.State.COMPLETE).exists()
        if CaseFile.Kind.INVENTORY not in kinds or (photos and CaseFile.Kind.PHOTOS not in kinds):
            missing.append(case.number)
    return missing


def _sms_lines():
    """The file gateway's lines by idempotency key; a line torn by a kill is counted apart."""
    path = settings.VALIZA_SMS_FILE
    keys, torn = Counter(), 0
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                keys[json.loads(line)["key"]] += 1
            except (ValueError, KeyError):
                torn += 1
    return keys, torn


def check():
    """How every piece of work ended."""
    from django_tasks_db.models import DBTaskResult

    from notifications.models import OutboxMessage, State
    from planning.models import Plan

    plans = Counter(Plan.objects.exclude(state=Plan.State.PUBLISHED).values_list("state", flat=True))
    lines, torn = _sms_lines()
    messages = list(OutboxMessage.objects.values_list("idempotency_key", "state", "outcome_unknown"))
    sms = Counter()
    for key, state, unknown in messages:
        n = lines.get(str(key), 0)
        if state == State.SENT:
            sms["sent"] += 1
            sms["sent_without_line"] += n == 0
        elif state == State.FAILED and unknown:
            sms["may_have_arrived"] += 1
            sms["may_have_arrived_and_went"] += n > 0
        else:
            sms[f"open_{state}"] += 1
            sms["sent_in_other_state"] += n > 0
    known = {str(k) for k, _s, _u in messages}
    missing = _missing_files()
    tasks = Counter(DBTaskResult.objects.values_list("status", flat=True))
    return {
        "plans": dict(plans), "stuck": plans.get(Plan.State.PLANNING, 0),
        "sms": dict(sms), "duplicated_sms": sum(n - 1 for n in lines.values() if n > 1),
        "sms_unknown_lines": sum(n for k, n in lines.items() if k not in known), "sms_torn_lines": torn,
        "cases": len(_accepted_case_ids()), "missing_files": len(missing), "missing_cases": missing[:10],
        "tasks": dict(tasks), "reaped": dict(Counter(DBTaskResult.objects.filter(
            exception_class_path="core.worker.WorkerLost").values_list("task_path", flat=True))),
        # A task claimed by two workers: the queue's claim failed (never expected).
        "claimed_twice": sum(1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids) > 1),
    }


def _accepted_case_ids():
    from journal.models import Case

    return list(Case.objects.filter(accepted_service__isnull=False).values_list("pk", flat=True))

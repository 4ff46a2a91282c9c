"""Who may open what: every URL of the project, for every role and for an anonymous visitor,
against one explicit table.

The table is the specification. A URL that exists but is not in the table fails the suite (deny by
default: a new page or API route must be declared here), and so does a table entry whose URL is
gone. Only Django admin's own pages are left out; the admin is checked separately below.
"""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from accounts.access import public, staff_required
from conftest import PASSWORD, intake_post_data
from valiza.urls import urlpatterns as project_urlpatterns
from visits.models import Status, StatusChange

ANONYMOUS = "anonymous"
ROLES = ["operator", "coordinator", "field_admin", "partner", "technician", "sysadmin", "quality", "starosta", "communications"]
EVERYONE = [ANONYMOUS, *ROLES]

# Who holds which capability (accounts.roles), written out again on purpose: a change of the
# roles must be a change of this table too.
REQUEST_STAFF = {"operator", "coordinator"}  # requests.view, requests.intake
DECIDERS = {"coordinator"}  # requests.decide
AUDITORS = {"coordinator"}  # audit.view
PLANNERS = {"operator", "coordinator"}  # planning.view
PLAN_MANAGERS = {"coordinator"}  # planning.manage
OUTBOX = {"coordinator"}  # outbox.view, outbox.retry
JOURNAL = {"operator", "coordinator", "partner"}  # journal.view (a partner: own provider's cases only)
JOURNAL_MANAGERS = {"coordinator"}  # journal.manage
FIELD_WORKERS = {"field_admin", "partner"}  # field.work (a partner: own provider's stops only)
FIELD_REVIEWERS = {"coordinator"}  # field.review
VIDEO_VIEWERS = {"coordinator"}  # field.video
STAROSTAS = {"starosta"}  # starosta.submit
PEOPLE_MANAGERS = {"coordinator"}  # people.manage
DECLARERS = {"operator", "coordinator", "field_admin", "partner"}  # people.declare
FIELD_WORK = FIELD_WORKERS
TWO_STEP = {"coordinator", "sysadmin", "quality"}  # roles.SECOND_FACTOR_REQUIRED: their logins include a code
ENROL = "/staff/account/second-factor/?next=%2Fstaff%2F"
FIELD_REVIEW = FIELD_REVIEWERS
QUALITY = {"quality", "coordinator"}  # quality.survey, quality.feedback, quality.complaints, quality.proposals
RATED = {"operator", "coordinator", "field_admin", "partner", "quality"}  # quality.ratings (own; the head all)
INDICATORS = {"coordinator", "quality"}  # indicators.view
EQUIPMENT = {"technician", "coordinator"}  # equipment.view
EQUIPMENT_MANAGERS = {"technician"}  # equipment.manage
CAMPAIGN = {"communications", "coordinator"}  # campaign.manage
REPORTS = {"coordinator", "quality"}  # reports.manage
FAILURE_REPORTERS = {"field_admin", "technician", "coordinator"}  # equipment.report


@dataclass(frozen=True)
class Redirect:
    to: str  # a path; "{pk}" is the request's id


LOGIN = "login"  # 302 to the staff login page, coming back afterwards


def everyone(outcome):
    return dict.fromkeys(EVERYONE, outcome)


def staff(allowed, ok=200):
    """A staff page: anonymous to the login page, roles without the capability 403."""
    return {ANONYMOUS: LOGIN, **{role: ok if role in allowed else 403 for role in ROLES}}


def api(allowed, ok=200):
    """An API route: anonymous 401, roles without the capability 403."""
    return {ANONYMOUS: 401, **{role: ok if role in allowed else 403 for role in ROLES}}


# URL name (pages) or API route -> method -> who -> outcome.
ACCESS = {
    # Staff accounts
    "accounts:login": {"GET": {ANONYMOUS: 200, **dict.fromkeys(ROLES, Redirect("/staff/"))}},
    "accounts:logout": {"GET": everyone(405), "POST": everyone(Redirect("/staff/login/"))},
    "accounts:home": {"GET": {
        ANONYMOUS: LOGIN,
        "operator": Redirect("/staff/requests/"), "coordinator": Redirect("/staff/requests/"),
        "field_admin": 200, "partner": 200, "technician": 200, "sysadmin": 200,
        "quality": Redirect("/staff/quality/"),
        "starosta": Redirect("/staff/starosta/"),
        "communications": Redirect("/staff/campaign/"),
    }},
    # One's own account: password, the second factor (accounts/second_factor.py). These personas have
    # given their code (or owe none), so the code step sends them on; recovery codes need an app first.
    "accounts:second_factor": {"GET": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, Redirect("/staff/"))},
                               "POST": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, Redirect("/staff/"))}},
    "accounts:account": {"GET": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 200)}},
    "accounts:password_change": {"GET": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 200)},
                                 "POST": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 200)}},
    "accounts:enrol": {"GET": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 200)},
                       "POST": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, 200)}},
    "accounts:recovery_codes": {
        "GET": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, Redirect(ENROL)), **dict.fromkeys(TWO_STEP, 200)},
        "POST": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, Redirect(ENROL)),
                 **dict.fromkeys(TWO_STEP, Redirect("/staff/account/recovery-codes/?next=%2Fstaff%2F"))},
    },
    # Requests: personal data
    "visits:list": {"GET": staff(REQUEST_STAFF)},
    "visits:create": {"GET": staff(REQUEST_STAFF)},
    "visits:check": {"GET": staff(REQUEST_STAFF, ok=405), "POST": staff(REQUEST_STAFF)},
    "visits:detail": {"GET": staff(REQUEST_STAFF)},
    "visits:edit": {"GET": staff(REQUEST_STAFF)},
    # The operator's pin on the request's map (issue 10)
    "visits:locate": {"GET": staff(REQUEST_STAFF, ok=405),
                      "POST": staff(REQUEST_STAFF, ok=Redirect("/staff/requests/{pk}/#location"))},
    # Issue 13: the person asked for no SMS (or for SMS again)
    "visits:sms": {"GET": staff(REQUEST_STAFF, ok=405),
                   "POST": staff(REQUEST_STAFF, ok=Redirect("/staff/requests/{pk}/#sms"))},
    "visits:decide": {"GET": staff(DECIDERS, ok=405),
                      "POST": staff(DECIDERS, ok=Redirect("/staff/requests/{pk}/"))},
    "audit:access_log": {"GET": staff(AUDITORS)},
    # Who changed staff accounts' roles and communities, and logins of the community's staff
    "accounts:team_changes": {"GET": staff(AUDITORS)},
    # Citizens' pages
    "public:index": {"GET": everyone(200)},
    "public:community": {"GET": everyone(200)},
    "public:request": {"GET": everyone(200)},
    "public:request_done": {"GET": everyone(200)},
    "public:status": {"GET": everyone(200)},
    "public:privacy": {"GET": everyone(200)},
    # Planning
    "planning:board": {"GET": staff(PLANNERS)},
    "planning:plan_week": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    "planning:pin": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    "planning:progress": {"GET": staff(PLANNERS)},
    "planning:approve": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    "planning:cancel": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    # GET: the confirmation (how many SMS go to whom); POST with confirm=1 publishes.
    "planning:publish": {"GET": staff(PLAN_MANAGERS), "POST": staff(PLAN_MANAGERS, ok=302)},
    "planning:include_late": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    # planning.sheet: the field administrator only for a published trip of their own team (not this one).
    "planning:route_sheet": {"GET": {**staff(PLANNERS), "field_admin": 404}},
    # A session's bookings on a day (names, phones: access-logged); the coordinator cancels one with a reason.
    "planning:session_bookings": {"GET": staff(PLANNERS)},
    "planning:cancel_booking": {"GET": staff(PLAN_MANAGERS, ok=405), "POST": staff(PLAN_MANAGERS, ok=302)},
    # SMS outbox: phones and visit times of the whole community
    "notifications:outbox": {"GET": staff(OUTBOX)},
    "notifications:retry": {"GET": staff(OUTBOX, ok=405), "POST": staff(OUTBOX, ok=302)},
    # Fixed points: citizens book a slot
    "points:list": {"GET": everyone(200)},
    "points:detail": {"GET": everyone(200)},
    "points:book": {"GET": everyone(200)},
    "points:booked": {"GET": everyone(200)},
    # A citizen's booking by its number + phone: find, cancel, move (issue 12)
    "points:manage": {"GET": everyone(200), "POST": everyone(200)},
    # Journal of cases: personal data and the legal deadlines
    "journal:list": {"GET": staff(JOURNAL)},
    # Issue 13: provider terms, the per-provider overview, refusals by ground (no names on them)
    "journal:terms": {"GET": staff(JOURNAL)},
    "journal:providers": {"GET": staff(JOURNAL)},
    "journal:refusals": {"GET": staff(JOURNAL)},
    # Issue 14: the journal on paper (no period yet: its form) and the day's hand-over list
    "journal:paper": {"GET": staff(JOURNAL)},
    "journal:handover_list": {"GET": staff(JOURNAL)},
    "journal:received": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:choose_delivery": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:repeat_visit": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    # The world's case is of the community's own provider; the partner belongs to another one: 404.
    "journal:detail": {"GET": {**staff(JOURNAL), "partner": 404}},
    "journal:hand_over": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:decision": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:result": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:close": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:suspend": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:resume": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:extend": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:note": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    "journal:correct": {"GET": staff(JOURNAL_MANAGERS, ok=405), "POST": staff(JOURNAL_MANAGERS, ok=302)},
    # The offline field client: the shell needs field.work; its service worker and manifest carry
    # no personal data and must load (update checks) whoever is logged in or not.
    "field:shell": {"GET": staff(FIELD_WORKERS)},
    "field:sw": {"GET": everyone(200)},
    "field:manifest": {"GET": everyone(200)},
    # The case's files from the field (intake inventory, document photos as one PDF)
    "journal:inventory_pdf": {"GET": {**staff(JOURNAL), "partner": 404}},
    "journal:photos_pdf": {"GET": {**staff(JOURNAL), "partner": 404}},
    # What the field client sent: a document photo, a session video (coordinator only), an act
    "field_files:photo": {"GET": {**staff(JOURNAL), "partner": 404}},
    "field_files:video": {"GET": staff(VIDEO_VIEWERS)},
    "field_files:act": {"GET": staff(FIELD_REVIEWERS)},
    # Field sync: held items show what devices sent about people; devices can be revoked
    "field_staff:attention": {"GET": staff(FIELD_REVIEW)},
    "field_staff:apply": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    "field_staff:close": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    "field_staff:close_act": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    "field_staff:devices": {"GET": staff(FIELD_REVIEW)},
    "field_staff:payments": {"GET": staff(FIELD_REVIEW)},  # payments report: names requests, logged (issue 11)
    "field_staff:live_today": {"GET": staff(PLANNERS)},  # the board's live part (today's stops)
    "field_staff:settings": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    "field_staff:approve": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    "field_staff:revoke": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    # Case files that could not be built: build them again
    "field_staff:retry_case_files": {"GET": staff(FIELD_REVIEW, ok=405), "POST": staff(FIELD_REVIEW, ok=302)},
    # After the visit (issue 13): survey calls, feedback, complaints, proposals, ratings of staff
    "quality:queue": {"GET": staff(QUALITY)},
    "quality:survey": {"GET": staff(QUALITY)},
    "quality:feedback": {"GET": staff(QUALITY)},
    "quality:complaints": {"GET": staff(QUALITY)},
    "quality:complaint_new": {"GET": staff(QUALITY)},
    "quality:complaint": {"GET": staff(QUALITY)},
    "quality:complaint_assign": {"GET": staff(QUALITY, ok=405), "POST": staff(QUALITY, ok=302)},
    "quality:complaint_answer": {"GET": staff(QUALITY, ok=405), "POST": staff(QUALITY, ok=302)},
    "quality:proposals": {"GET": staff(QUALITY)},
    "quality:proposal": {"GET": staff(QUALITY)},
    "quality:ratings": {"GET": staff(RATED)},
    # The feedback link's form: no login, the signed token is the key
    "feedback:form": {"GET": everyone(200)},
    # Issue 12: the public schedule per community and settlement, its printed notice (no personal data)
    "schedule:community": {"GET": everyone(200)},
    "schedule:settlement": {"GET": everyone(200)},
    "schedule:notice": {"GET": everyone(200)},
    # Issue 14: the indicators of the community (counts only); public statistics and open data
    "indicators:dashboard": {"GET": staff(INDICATORS)},
    # Issue 15: milestones, drafted posts, consent to publicity (an empty POST: the form again, 400)
    "campaign:milestones": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    "campaign:draft": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    # Issue 14: periodic reports (an empty POST: the form again, 400); a published one makes a new version
    "reports:list": {"GET": staff(REPORTS)},
    "reports:new": {"GET": staff(REPORTS), "POST": staff(REPORTS, ok=400)},
    "reports:detail": {"GET": staff(REPORTS)},
    "reports:pdf": {"GET": staff(REPORTS)},
    "reports:publish": {"GET": staff(REPORTS, ok=405), "POST": staff(REPORTS, ok=302)},
    "reports:rebuild": {"GET": staff(REPORTS, ok=405), "POST": staff(REPORTS, ok=302)},
    # The calendar of occasions: the month (a POST makes a new feed address), the dates, a reminder's post;
    # the iCalendar feed is opened by calendar apps with its secret address alone: unknown, 404 for all
    "campaign:calendar": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=Redirect("/staff/campaign/calendar/"))},
    "campaign:ical": {"GET": everyone(404)},
    "campaign:occasions": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    "campaign:post": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    # Issue 15: partners, the mailing (an empty POST: the form again, 400), the printed notice, draft photos
    # (an empty POST to add or remove one: back to the draft, nothing changed)
    "campaign:partners": {"GET": staff(CAMPAIGN)},
    "campaign:partner_new": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    "campaign:partner_edit": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    "campaign:mailings": {"GET": staff(CAMPAIGN)},
    "campaign:mailing_new": {"GET": staff(CAMPAIGN), "POST": staff(CAMPAIGN, ok=400)},
    "campaign:mailing": {"GET": staff(CAMPAIGN)},
    "campaign:printed": {"GET": staff(CAMPAIGN)},
    "campaign:notice": {"GET": staff(CAMPAIGN)},
    "campaign:photo_add": {"GET": staff(CAMPAIGN, ok=405), "POST": staff(CAMPAIGN, ok=302)},
    "campaign:photo": {"GET": staff(CAMPAIGN)},
    "campaign:photo_remove": {"GET": staff(CAMPAIGN, ok=405), "POST": staff(CAMPAIGN, ok=302)},
    "stats:page": {"GET": everyone(200)},
    "stats:json": {"GET": everyone(200)},
    "stats:csv": {"GET": everyone(200)},
    # The starosta's own requests and schedule, and their request form (a valid one saves: back to the list)
    "starosta:home": {"GET": staff(STAROSTAS)},
    "starosta:new": {"GET": staff(STAROSTAS), "POST": staff(STAROSTAS, ok=Redirect("/staff/starosta/"))},
    # Issue 16: orders, training, instructions (a POST choosing nothing: back to the page with a message)
    "people:index": {"GET": staff(PEOPLE_MANAGERS), "POST": staff(PEOPLE_MANAGERS, ok=Redirect("/staff/people/"))},
    # One's own conflicts of interest (an empty POST: the form again with its messages)
    "people:my_conflicts": {"GET": staff(DECLARERS), "POST": staff(DECLARERS)},
    # Issue 16: the kit, its checks, upkeep, costs and reminders (the technician keeps them, the head sees them);
    # a field administrator reports a device that failed on the way.
    "equipment:devices": {"GET": staff(EQUIPMENT)},
    "equipment:device_new": {"GET": staff(EQUIPMENT_MANAGERS)},
    "equipment:device": {"GET": staff(EQUIPMENT)},
    "equipment:maintenance": {"GET": staff(EQUIPMENT_MANAGERS, ok=405), "POST": staff(EQUIPMENT_MANAGERS)},
    "equipment:checklists": {"GET": staff(EQUIPMENT)},
    "equipment:checklist": {"GET": staff(EQUIPMENT_MANAGERS), "POST": staff(EQUIPMENT_MANAGERS, ok=302)},
    "equipment:report": {"GET": staff(FAILURE_REPORTERS)},
    "equipment:costs": {"GET": staff(EQUIPMENT)},
    "equipment:expense_new": {"GET": staff(EQUIPMENT_MANAGERS, ok=405), "POST": staff(EQUIPMENT_MANAGERS)},
    "equipment:costs_export": {"GET": staff(EQUIPMENT)},
    "equipment:reminders": {"GET": staff(EQUIPMENT)},
    "equipment:reminder_done": {"GET": staff(EQUIPMENT_MANAGERS, ok=405), "POST": staff(EQUIPMENT_MANAGERS, ok=302)},
    # API
    "api/v1/": {"GET": everyone(404)},  # django-ninja's root: only marks where the API lives
    # The schema and its docs list every endpoint that serves personal data: staff of any role (issue 9).
    "api/v1/openapi.json": {"GET": staff(set(ROLES))},
    "api/v1/docs": {"GET": staff(set(ROLES))},
    "api/v1/catalogue/services": {"GET": everyone(200)},
    "api/v1/requests/": {"GET": api(REQUEST_STAFF)},
    "api/v1/requests/<int:pk>": {"GET": api(REQUEST_STAFF)},
    "api/v1/requests/<int:pk>/decision": {"GET": everyone(405), "POST": api(DECIDERS)},
    # Resumable upload of the field client's photos and videos: the declaring field administrator only
    # (a partner on the field work did not declare this one: 404, like another user's)
    "api/v1/field/attachments/<att_id>": {"GET": {**api(FIELD_WORKERS), "partner": 404},
                                          "PUT": {**api(FIELD_WORKERS), "partner": 404},
                                          "POST": everyone(405)},
    # The field client: the day's trips of the user's own team (personal data), and the outbox sync.
    "api/v1/field/day": {"GET": api(FIELD_WORK)},
    "api/v1/field/sync": {"GET": everyone(405), "POST": api(FIELD_WORK)},
    "api/v1/indicators/": {"GET": api(INDICATORS)},
}

API_NAMESPACE = "api-1"
SKIPPED_NAMESPACES = {"admin"}


def _walk(resolver, prefix="", namespaces=()):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, ":".join([*namespaces, entry.name or ""]), namespaces, entry


def project_urls():
    """{table key: (url name for reverse(), its argument names)} for every URL of the project."""
    urls = {}
    for route, name, namespaces, entry in _walk(get_resolver()):
        if set(namespaces) & SKIPPED_NAMESPACES or ("/" + route).startswith(settings.STATIC_URL):
            continue
        key = route if API_NAMESPACE in namespaces or not entry.name else name
        urls[key] = (name, set(entry.pattern.converters))
    return urls


def test_every_url_of_the_project_is_declared_in_the_access_table(db):
    urls = set(project_urls())
    assert not urls - set(ACCESS), f"URLs nobody declared who may open: {sorted(urls - set(ACCESS))}"
    assert not set(ACCESS) - urls, f"declared URLs that no longer exist: {sorted(set(ACCESS) - urls)}"


def test_the_table_covers_every_role_and_the_anonymous_visitor():
    for key, methods in ACCESS.items():
        for method, outcomes in methods.items():
            assert set(outcomes) == set(EVERYONE), (key, method)


def _planning_objects(world):
    """A drafted plan with one trip, a failed SMS and a fixed point, made once per world."""
    if hasattr(world, "trip"):
        return
    from django.utils import timezone

    from notifications.models import OutboxMessage
    from planning import actions
    from planning.models import FixedPoint, Plan, Session, SessionBooking, Stop, Trip
    from teams.models import Team

    week = actions.week_for(world.a, actions.next_monday())
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.DRAFT)
    team = Team.objects.create(community=world.a, name="Команда", office=world.a.offices.get())
    leave = timezone.now()
    world.trip = Trip.objects.create(plan=plan, team=team, day=week.monday, leave_at=leave, return_at=leave)
    Stop.objects.create(trip=world.trip, position=1, request=world.req, arrival=leave, start=leave, end=leave,
                        window_start=leave, window_end=leave)
    world.week, world.plan = week, plan
    world.sms = OutboxMessage.objects.create(community=world.a, recipient="+380671234567", text="Тест",
                                             kind="schedule", state="failed", dedup_key="matrix")
    world.point = FixedPoint.objects.create(community=world.a, settlement=world.village, name="Будинок культури",
                                            address="вул. Центральна, 1", latitude=48.4, longitude=35.2)
    world.session = Session.objects.create(fixed_point=world.point, weekday=week.monday.weekday(),
                                           start=datetime.time(10), end=datetime.time(12))
    world.booking = SessionBooking.objects.create(
        community=world.a, session=world.session, date=week.monday, start=datetime.time(10),
        applicant_name="Записана Людина", applicant_birth_date=datetime.date(1950, 1, 2), phone="+380671234500",
        consent_at=leave, warning_acknowledged_at=leave)


def _journal_case(world):
    """One registered case of community A, made once per world."""
    if not hasattr(world, "case"):
        from journal import actions

        world.case = actions.register_cases(world.req, [world.svc_cert], by=world.users["field_admin"])[0]
    return world.case


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    # Photos, videos and case files made for the table go to a temporary folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VALIZA_UPLOAD_TMP = tmp_path / "uploads"


# Every client sends a device id, as the field client does (the upload API requires one).
MATRIX_DEVICE = "5f0c1a52-7c1e-4d5e-9a57-2d0f4b7e1c11"


def _field_objects(world):
    """A visit of community A with a case, its files built, a photo, a video, an act and an upload
    in progress declared by the field administrator; made once per world."""
    if not hasattr(world, "field"):
        from django.utils import timezone

        from field import documents
        from field.models import IncidentAct
        from field.tests.attachment_helpers import declare, jpeg_bytes, upload_all, visit_with_cases, webm_bytes

        visit, cases = visit_with_cases(world)
        photo = upload_all(declare(visit, jpeg_bytes(), service=cases[0].service), jpeg_bytes())
        video = upload_all(declare(visit, webm_bytes(), kind="video", content_type="video/webm"), webm_bytes())
        act = IncidentAct.objects.create(visit=visit, kind=IncidentAct.Kind.OTHER, description="Опис",
                                         witness_name="Свідок", witness_role="сусід", happened_at=timezone.now())
        documents.build_case_files(cases[0].pk)
        uploading = declare(visit, jpeg_bytes(color=(1, 1, 1)))
        world.field = {"case": cases[0], "photo": photo, "video": video, "act": act, "uploading": uploading}
    return world.field


def _sync_objects(world):
    """A device of community A and an item it sent that waits for the coordinator, made once per world."""
    if not hasattr(world, "sync_item"):
        from django.utils import timezone

        from field.models import Device, SyncItem

        now = timezone.now()
        world.device = Device.objects.create(id=MATRIX_DEVICE, community=world.a, user=world.users["field_admin"],
                                             first_seen=now, last_seen=now)
        world.sync_item = SyncItem.objects.create(
            id="5a0c7e4e-1f7b-4d7e-9d51-3b1f0c2a9e01", community=world.a, device=world.device,
            user=world.users["field_admin"], kind="visit.start", payload={"junk": True}, received_at=now,
            state=SyncItem.State.QUARANTINED, code="invalid", message="Дані неправильні.")


def _quality_objects(world):
    """A survey call of a served visit, a complaint and a proposal of community A, made once per world."""
    if not hasattr(world, "survey"):
        from quality import actions

        visit = _field_objects(world)["case"].accepted_service.visit
        world.survey = actions.visit_outcome_recorded(visit, served=True)
        world.complaint = actions.register_complaint(world.a, channel="phone", received_on=world.survey.created_at.date(),
                                                     text="Скарга", person_name="Коваленко Марія", by=None)
        world.proposal = actions.register_proposal(world.a, channel="phone", received_on=world.complaint.received_on,
                                                   text="Пропозиція", by=None)
    return world


def _equipment_objects(world):
    """A team of community A with a suitcase holding a laptop, and a reminder, made once per world."""
    if not hasattr(world, "kit_team"):
        from django.utils import timezone

        from equipment.models import Device, Reminder
        from teams.models import Suitcase, Team

        suitcase = Suitcase.objects.create(community=world.a, name="Валіза")
        world.kit_team = Team.objects.create(community=world.a, name="Команда з валізою",
                                             office=world.a.offices.get(), suitcase=suitcase)
        world.kit_device = Device.objects.create(community=world.a, suitcase=suitcase, kind="laptop", serial="M-1")
        world.reminder = Reminder.objects.create(community=world.a, key="matrix", kind="warranty", text="Тест")
        world.kit_day = timezone.localdate()


def _report(world, built):
    """A report of community A (built, with its PDF, when the test reads the PDF), made once per world."""
    if not hasattr(world, "report"):
        from reports import actions, periods
        from reports.models import Kind, Report

        start, end = periods.bounds(Kind.YEAR, periods.FIRST_YEAR)
        world.report = Report.objects.create(community=world.a, kind=Kind.YEAR, start=start, end=end,
                                             state="done" if not built else "queued")
        if built:
            actions.build(world.report.pk)
    return world.report
def _campaign_photo(world):
    """A photo of the campaign draft, its file in this test's MEDIA_ROOT."""
    from django.core.files.base import ContentFile

    from campaign.models import DraftPhoto
    from field.tests.attachment_helpers import jpeg_bytes

    return DraftPhoto.objects.create(draft=world.campaign_draft, file=ContentFile(jpeg_bytes(), name="m.jpg"),
                                     content_type="image/jpeg")


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def _url(world, key):
    name, params = project_urls()[key]
    values = {"pk": world.req.pk, "slug": world.a.slug}
    if name.startswith("quality:"):
        q = _quality_objects(world)
        values["pk"] = q.survey.pk if name == "quality:survey" else \
            q.proposal.pk if name == "quality:proposal" else q.complaint.pk
    if name == "feedback:form":
        from quality.feedback import make_token

        values["token"] = make_token(world.req)
    if name.startswith(("planning:", "notifications:", "points:")):
        _planning_objects(world)
        values.update(week_pk=world.week.pk, request_pk=world.req.pk)
        values["pk"] = {"planning:route_sheet": world.trip.pk, "notifications:retry": world.sms.pk,
                        "points:detail": world.point.pk,
                        "planning:cancel_booking": world.booking.pk}.get(name, world.plan.pk)
        values.update(session_pk=world.session.pk, day=world.week.monday.isoformat())
    if name in ("schedule:settlement", "schedule:notice"):
        values["pk"] = world.village.pk
    if name.startswith("journal:"):
        values["pk"] = _journal_case(world).pk
    if name in ("journal:inventory_pdf", "journal:photos_pdf"):
        values["pk"] = _field_objects(world)["case"].pk
    if name.startswith("field_files:"):
        values["pk"] = _field_objects(world)[name.removeprefix("field_files:")].pk
    if key == "api/v1/field/attachments/<att_id>":
        values["att_id"] = str(_field_objects(world)["uploading"].pk)
    if name.startswith("equipment:"):
        _equipment_objects(world)
        values.update(pk=world.reminder.pk if name == "equipment:reminder_done" else world.kit_device.pk,
                      team_pk=world.kit_team.pk, day=world.kit_day.isoformat(), subject="suitcase", stage="before")
    if name == "campaign:draft" or name.startswith("campaign:photo"):
        if not hasattr(world, "campaign_draft"):  # made once per world
            from campaign.actions import record_preparation

            world.campaign_draft = record_preparation(world.a, "memorandum", timezone_today()).draft
        values["pk"] = world.campaign_draft.pk
    if name.startswith("reports:") and "pk" in params:
        values["pk"] = _report(world, built=name == "reports:pdf").pk
    if name == "campaign:ical":
        values["token"] = "no-such-token"
    if name == "campaign:post":
        if not hasattr(world, "campaign_post"):  # made once per world
            from campaign.models import Occasion, OccasionPost

            occasion = Occasion.objects.create(community=world.a, title="День громади", month=1, day=1)
            world.campaign_post = OccasionPost.objects.create(
                occasion=occasion, occasion_on=timezone_today(), site_text="Текст", social_text="Текст",
                figures={"since": "2026-01-01", "until": "2026-01-01"},
            )
        values["pk"] = world.campaign_post.pk
    if name in ("campaign:photo", "campaign:photo_remove"):
        values["pk"] = _campaign_photo(world).pk
    if name == "campaign:partner_edit":
        from campaign.models import Partner

        values["pk"] = Partner.objects.create(community=world.a, name="Спілка ветеранів", kind="veterans").pk
    if name == "campaign:mailing":
        from campaign.models import Mailing

        values["pk"] = Mailing.objects.create(community=world.a, reason="other", subject="Тема", body="Текст").pk
    if name == "campaign:notice":
        values.update(size="a4", fmt="html")
    if name == "field_staff:live_today":
        _planning_objects(world)
        values["pk"] = world.plan.pk
    elif name == "field_staff:close_act":
        values["pk"] = _field_objects(world)["act"].pk
    elif name.startswith("field_staff:"):
        _sync_objects(world)
        values["pk"] = world.device.pk if name in ("field_staff:revoke", "field_staff:approve") else world.sync_item.pk
        values["case_pk"] = _journal_case(world).pk
    return reverse(name, kwargs={p: values[p] for p in params})


def _post_data(world, key, device_id=""):
    """What an authorised user would send to the POST endpoints: (data, content type)."""
    if key == "visits:check":
        return intake_post_data(world), None
    if key == "starosta:new":
        return intake_post_data(world, settlement=str(world.village.pk), requester_phone="067 111 22 33",
                                applicant_phone="067 222 33 44"), None
    if key == "visits:decide":
        return {"action": Status.ACCEPTED}, None
    if key == "visits:locate":
        return {"latitude": "48.51", "longitude": "35.01"}, None
    if key == "api/v1/requests/<int:pk>/decision":
        return json.dumps({"status": Status.ACCEPTED}), "application/json"
    if key == "api/v1/field/sync":
        from django.utils import timezone

        return json.dumps({"device_id": device_id, "sent_at": timezone.now().isoformat(), "items": []}), \
            "application/json"
    if key == "planning:plan_week":
        return {"time_limit_s": "1"}, None
    if key == "planning:pin":
        return {"remove": "1"}, None
    if key == "api/v1/field/attachments/<att_id>":
        return b"", "application/octet-stream"  # an empty chunk at offset 0: accepted, changes nothing
    return {}, None


def _client(world, who):
    """The role's browser; a field worker's laptop has its device token, got the real way (the first
    load of a day issues it) and shown on every request from then on."""
    from field.tests.syncing import laptop

    client = Client(raise_request_exception=False)
    client.field_device_id = ""
    if who != ANONYMOUS:
        client.force_login(world.users[who])
    if who in FIELD_WORK:
        assert laptop(client).status_code == 200
    return client


def _mismatch(response, expected, url, world):
    status = response.status_code
    if expected == LOGIN:
        location = response.get("Location", "")
        parts = urlsplit(location)
        if status != 302 or parts.path != "/staff/login/" or parse_qs(parts.query).get("next") != [url]:
            return f"expected a redirect to the login page and back, got {status} {location}"
    elif isinstance(expected, Redirect):
        target = expected.to.format(pk=world.req.pk)
        if status != 302 or response.get("Location") != target:
            return f"expected a redirect to {target}, got {status} {response.get('Location', '')}"
    elif status != expected:
        return f"expected {expected}, got {status}"
    return None


DECISIONS = {"visits:decide", "api/v1/requests/<int:pk>/decision"}
CASES = [(key, method) for key, methods in ACCESS.items() for method in methods]


@pytest.mark.parametrize(("key", "method"), CASES, ids=[f"{k} {m}" for k, m in CASES])
def test_each_url_answers_each_role_as_the_table_says(world, key, method):
    url = _url(world, key)
    problems = []
    for who, expected in ACCESS[key][method].items():
        client = _client(world, who)
        history = StatusChange.objects.filter(request=world.req).count()
        if method == "GET":
            response = client.get(url)
        elif method == "PUT":
            data, content_type = _post_data(world, key, client.field_device_id)
            response = client.put(url + "?offset=0", data, content_type=content_type)
        else:
            data, content_type = _post_data(world, key, client.field_device_id)
            kwargs = {"content_type": content_type} if content_type else {}
            response = client.post(url, data, **kwargs)
        problem = _mismatch(response, expected, url, world)
        if problem:
            problems.append(f"{who}: {method} {url}: {problem}")
        if key in DECISIONS and method == "POST":
            problems += _decision_effect(world, who, expected, history, f"{method} {url}")
    assert not problems, "\n".join(problems)


def _decision_effect(world, who, expected, history_before, label):
    """A refused decision changes nothing; an allowed one is really taken (then undone for the
    next role)."""
    req = world.req
    changed = StatusChange.objects.filter(request=req).count() - history_before
    req.refresh_from_db()
    allowed = expected not in (LOGIN, 401, 403, 404, 405)
    if not allowed:
        return [f"{who}: {label} was refused, yet the request changed"] if changed else []
    if changed != 1 or req.status != Status.ACCEPTED:
        return [f"{who}: {label} was allowed, yet no decision was recorded"]
    type(req).objects.filter(pk=req.pk).update(status=Status.NEW)
    return []


# -- the admin site ---------------------------------------------------------------------------

NON_STAFF = [role for role in ROLES if role != "sysadmin"]


@pytest.mark.parametrize("who", [ANONYMOUS, *NON_STAFF])
def test_the_admin_site_refuses_everyone_but_the_system_administrator(world, who):
    client = _client(world, who)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/communities/community/",
                f"/admin/accounts/user/{world.users['operator'].pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302, (who, url, response.status_code)
        assert response["Location"].startswith("/admin/login/"), (who, url)


@pytest.mark.parametrize("who", NON_STAFF)
def test_a_role_without_staff_status_cannot_log_in_to_the_admin_site(world, who):
    client = Client(raise_request_exception=False)
    response = client.post("/admin/login/?next=/admin/", {"username": who, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with the error
    assert client.get("/admin/").status_code == 302


def test_the_system_administrator_reaches_the_admin_site(world):
    assert _client(world, "sysadmin").get("/admin/").status_code == 200


# -- deny by default --------------------------------------------------------------------------

def _undeclared(request):
    return HttpResponse("open")


@public
def _declared_public(request):
    return HttpResponse("open")


@staff_required("requests.view")
def _declared_staff(request):
    return HttpResponse("open")


# The project's URLs (its error pages name them) plus three views to try the middleware with.
urlpatterns = [
    path("undeclared/", _undeclared),
    path("declared-public/", _declared_public),
    path("declared-staff/", _declared_staff),
    *project_urlpatterns,
]
handler403 = "core.views.permission_denied"


@pytest.mark.urls("core.tests.test_access_matrix")
@pytest.mark.parametrize("who", EVERYONE)
def test_a_view_that_declares_no_access_is_closed_to_everyone(world, who):
    client = _client(world, who)
    assert client.get("/undeclared/").status_code == 403
    assert client.get("/declared-public/").status_code == 200
    expected = 200 if who in REQUEST_STAFF else 302 if who == ANONYMOUS else 403
    assert client.get("/declared-staff/").status_code == expected

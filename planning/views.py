"""The planning board: the pool, "plan the week", trips per day and team, pins, approve, publish."""

import datetime
import logging

from django.contrib import messages
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from accounts.roles import has_capability
from audit.log import PRINT, record_access_many
from core import maps
from core.dates import iso_date
from equipment import readiness
from teams import rosters
from visits.models import RequestedService, Status, StatusChange, VisitRequest

from . import actions, bookings, build, pdf, tasks
from .forms import PinForm, PlanForm, StaffCancelForm
from .models import Pin, Plan, PlanningWeek, Session, SessionBooking, Stop, Trip, Unplanned

logger = logging.getLogger(__name__)


def _monday(value):
    """The Monday of the week `?week=` names (next week when it names none), or None when it names
    no real date (2026-02-30, "0", junk) or one no plan can have."""
    if not value:
        return actions.next_monday()
    day = iso_date(value)
    if day is None or not 2000 <= day.year <= 2100:
        return None
    return day - datetime.timedelta(days=day.weekday())


def _week(user, pk):
    return get_object_or_404(PlanningWeek, pk=pk, community_id=user.community_id)


def _plan(user, pk):
    return get_object_or_404(Plan.objects.select_related("week"), pk=pk, week__community_id=user.community_id)


@staff_required("planning.view")
def board(request):
    monday = _monday(request.GET.get("week"))
    if monday is None:
        return render(request, "400.html", {"message": _(
            "Такого тижня немає: у посиланні неправильна дата. Дата має бути справжньою, у форматі РРРР-ММ-ДД, "
            "наприклад 2026-05-11.")}, status=400)
    week = actions.week_for(request.user.community, monday)
    week.community = request.user.community  # the same row, read already: not a query again for the week
    plans = list(week.plans.select_related("created_by", "approved_by", "published_by"))
    shown = None
    if request.GET.get("plan", "").isdigit():
        shown = next((p for p in plans if p.pk == int(request.GET["plan"])), None)
    shown = shown or (plans[0] if plans else None)
    trips = []
    unplanned = []
    if shown:
        trips = list(
            Trip.objects.filter(plan=shown).select_related("team__office", "vehicle", "suitcase").prefetch_related(
                Prefetch("stops", queryset=Stop.objects.select_related(
                    "request__settlement", "session__fixed_point__settlement").prefetch_related(
                    Prefetch("request__services", queryset=RequestedService.objects.select_related("service"))
                ))
            )
        )
        for i, trip in enumerate(trips):
            trip.colour = i % TRIP_COLOURS
        unplanned = list(
            Unplanned.objects.filter(plan=shown).select_related("request__settlement", "session__fixed_point")
        )
        _count_bookings(trips, unplanned)
        _session_outcomes(shown, trips)
        # The board names each person on a trip or left unplanned, with the address.
        record_access_many(request, [s.request for t in trips for s in t.stops.all() if s.request]
                           + [u.request for u in unplanned if u.request])
    # The suitcases' readiness on the week's working days: the notes and the kit panel read it (issue 16).
    kit = readiness.kit(week.community, build.working_days(week))
    # What this week's planning takes: never a request another week's published trip holds.
    pool = build.pool(week)
    # The board lists the first of each list (issue 17: a national city has thousands partly served);
    # the rest are found by the request list's filter.
    counts, partly_pks, locate_pks = _pool_at_a_glance(pool)
    partly = _partly_served(partly_pks)
    late = list(build.late(week).select_related("settlement").only(*_LISTED, "accepted_at", "settlement__name")
                .order_by("accepted_at", "pk")[:LIST_SHOWN + 1])
    # Requests the planner cannot place, or places only roughly: each with a link to its map (issue 10).
    to_locate = list(VisitRequest.objects.filter(pk__in=locate_pks).select_related("settlement")
                     .only(*_LISTED, "settlement__name")
                     .annotate(placed=ExpressionWrapper(Q(latitude__isnull=False), output_field=BooleanField()))
                     .order_by("placed", "created_at", "pk"))
    record_access_many(request, partly[:LIST_SHOWN] + late[:LIST_SHOWN] + to_locate[:TO_LOCATE_SHOWN])
    _link(partly[:LIST_SHOWN] + late[:LIST_SHOWN] + to_locate[:TO_LOCATE_SHOWN])
    stale, new = actions.stale_requests(shown) if shown and shown.state == Plan.State.DRAFT else ([], [])
    return render(request, "planning/board.html", {
        "week": week, "plans": plans, "plan": shown, "trips": trips, "unplanned": unplanned,
        "reason_labels": actions.REASON_LABELS, "pool_count": counts["pool"], "no_location": counts["no_location"],
        "to_locate": to_locate[:TO_LOCATE_SHOWN], "to_locate_more": len(to_locate) > TO_LOCATE_SHOWN,
        "pins": {p.request_id: p for p in Pin.objects.filter(week=week).select_related("team")},
        "plan_form": PlanForm(initial={"time_limit_s": 10}),
        # Only the trips' stops offer to pin: no trips, no team list to read.
        "pin_form": _pin_form(week) if trips else None,
        "prev_week": monday - datetime.timedelta(days=7), "next_week": monday + datetime.timedelta(days=7),
        "stale": stale, "new_in_pool": new, "partly": partly[:LIST_SHOWN], "partly_more": len(partly) > LIST_SHOWN,
        "late": late[:LIST_SHOWN], "late_more": len(late) > LIST_SHOWN,
        "can_manage": has_capability(request.user, "planning.manage"),
        # A run that failed or was cancelled: the latest version offers to run again at once.
        "can_rerun": bool(shown and shown == plans[0] and shown.state in (Plan.State.FAILED, Plan.State.CANCELLED)
                          and has_capability(request.user, "planning.manage")),
        "map_data": _map_data(trips) if trips else None,
        "team_notes": team_notes(week, kit),
        # The kit: each suitcase's broken devices and its pre-trip check on each working day (issue 16).
        "kit": kit.rows,
        # Today's trips of the plan in force: the board shows each stop's state as the laptops sync.
        "live_today": bool(shown and shown.state == Plan.State.PUBLISHED
                           and any(t.day == timezone.localdate() for t in trips)),
    })


def team_notes(week, kit=None):
    """What the board says about the week's teams: who does not travel on a day and why, and who
    travels without someone who works in another team that day (teams/rosters.py decides). `kit` is
    the week's readiness.Kit when the caller has it already."""
    kit = kit or readiness.kit(week.community, build.working_days(week))
    team_days = rosters.plan_days(rosters.teams_for_rosters(week.community), kit.days, kit.unready)
    return [entry for day in sorted(team_days) for entry in team_days[day] if entry.off or entry.notes]


# The board lists this many requests to locate; the rest are found by the request list's filter.
TO_LOCATE_SHOWN = 50
# The board lists this many partly served and late requests, the oldest first (issue 17).
LIST_SHOWN = 50


def _pool_at_a_glance(pool):
    """One reading of the pool (issue 17: each reading walks thousands of a big city's requests): its
    counts, the pks of the oldest LIST_SHOWN + 1 partly served (some services done at an earlier visit)
    and of the first TO_LOCATE_SHOWN + 1 to locate (no place on the map first, then approximate ones).
    One query: the pool is a CTE read three times (PostgreSQL materialises a CTE used more than once),
    and only the counts and ~100 pks come back, not a row per request (~8,400 in a big city)."""
    sql, params = pool.order_by().values_list(
        "pk", "created_at", "latitude", "longitude", "location_approximate").query.sql_with_params()
    services = RequestedService._meta
    request_col = services.get_field("request").column
    done_col = services.get_field("done_at").column
    # Each LIMITed part sits in a subquery of its own: SQLite allows no ORDER BY/LIMIT in a UNION's parts.
    # The partly served: the pool is sorted first and the "has a done service" probes stop at the
    # LIST_SHOWN + 1st found (a few hundred, not ~8,400). On PostgreSQL, OFFSET 0 keeps the sorted pool a
    # subquery of its own (else it is merged and every row probed before sorting); SQLite does not merge
    # it, and knows no OFFSET without LIMIT.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    rows = _fetch(
        f'WITH "pool" ("pk", "created_at", "lat", "lon", "approx") AS ({sql}) '
        'SELECT 0, COUNT(*), COUNT(CASE WHEN "lat" IS NULL THEN 1 END) FROM "pool" '
        'UNION ALL SELECT * FROM (SELECT 1, "pk", 0 FROM (SELECT "pk", "created_at" FROM "pool" '
        f'ORDER BY "created_at", "pk"{fence}) "sorted" WHERE EXISTS (SELECT 1 FROM "{services.db_table}" "rs" '
        f'WHERE "rs"."{request_col}" = "sorted"."pk" AND "rs"."{done_col}" IS NOT NULL) '
        'ORDER BY "created_at", "pk" LIMIT %s) "partly" '
        'UNION ALL SELECT * FROM (SELECT 2, "pk", 0 FROM "pool" WHERE "lat" IS NULL OR "lon" IS NULL OR "approx" '
        'ORDER BY CASE WHEN "lat" IS NULL THEN 0 ELSE 1 END, "created_at", "pk" LIMIT %s) "locate"',
        (*params, LIST_SHOWN + 1, TO_LOCATE_SHOWN + 1),
    )
    counts = next({"pool": r[1], "no_location": r[2]} for r in rows if r[0] == 0)
    return counts, [r[1] for r in rows if r[0] == 1], [r[1] for r in rows if r[0] == 2]


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _partly_served(pks):
    """The pool's requests with some services done at an earlier visit (`pks`, from _pool_at_a_glance):
    the board says what is still to do and why (the reason the door gave, in the request's history)."""
    # Only the columns the list and the access log read (the board runs this on every load); the reason
    # is the comment of the latest change to partly served, read with the rows, not a query of its own.
    reason = (StatusChange.objects.filter(request=OuterRef("pk"), to_status=Status.PARTLY_SERVED)
              .order_by("-at", "-pk").values("comment")[:1])
    rows = list(
        VisitRequest.objects.filter(pk__in=pks).select_related("settlement").only(*_LISTED, "settlement__name")
        .annotate(reason=Subquery(reason)).prefetch_related(
            Prefetch("services", to_attr="to_do", queryset=RequestedService.objects.filter(done_at__isnull=True)
                     .select_related("service").only("request_id", "service__name_uk", "service__name_en").order_by("pk")),
        ).order_by("created_at", "pk")
    )
    for req in rows:
        req.rest = [rs.service for rs in req.to_do]
        # Here rather than a {% blocktranslate count %} per row of the template, which costs several times more.
        req.rest_label = ngettext("лишилася %(n)s послуга", "лишилося послуг: %(n)s", len(req.rest)) % {
            "n": len(req.rest)}
        req.partly_reason = req.reason or ""
    return rows


# What the board's lists of requests show (number, name, address, where it is on the map) and the access
# log records (community_id).
_LISTED = ("community_id", "number", "applicant_name", "settlement", "street", "building", "flat",
           "latitude", "longitude", "location_approximate", "location_source")


def _link(requests):
    """Set `url` on each request: its page. One reverse() for the lot: each checks its result against the
    route's pattern (~40 µs), and the board's lists link up to ~150 requests on every load."""
    head, tail = reverse("visits:detail", args=[0]).rsplit("0", 1)
    for r in requests:
        r.url = f"{head}{r.pk}{tail}"


def _pin_form(week):
    form = PinForm(week=week)
    # The board repeats the team list at every stop: read it from the database once, not per stop.
    # (iter(): list() of the choices themselves asks their len() first, a COUNT query of its own.)
    form.fields["team"].choices = list(iter(form.fields["team"].choices))
    return form


def _count_bookings(trips, unplanned):
    """Set `booked` on each session stop and unplanned session: how many people booked that
    session on that day (one query for the whole board). People booked an unplanned session too:
    the coordinator must see how many would come in vain."""
    items = [(stop, stop.session_id, trip.day) for trip in trips for stop in trip.stops.all() if stop.session_id]
    items += [(u, u.session_id, u.date) for u in unplanned if u.session_id]
    if not items:
        return
    counts = {
        (row["session_id"], row["date"]): row["n"]
        for row in SessionBooking.objects.filter(
            session_id__in={i[1] for i in items}, date__in={i[2] for i in items}, cancelled=False
        ).values("session_id", "date").annotate(n=Count("pk"))
    }
    for obj, session_id, day in items:
        obj.booked = counts.get((session_id, day), 0)


def _session_outcomes(plan, trips):
    """Set on each session stop `changed` (booking numbers made, cancelled or moved after the plan was
    made: the team meets other people than the plan showed) and `outcome` (served, no-shows, walk-ins,
    as the laptops synced them; None before any). The people are the field app's rows, read by their
    relation names (planning does not import field, a layer above it)."""
    stops = [s for t in trips for s in t.stops.all() if s.session_id]
    if not stops:
        return
    changed = bookings.changed_session_stops(plan)
    served = Q(visits__outcome__in=("served", "partly_served"))
    counts = {row["pk"]: row for row in Stop.objects.filter(pk__in=[s.pk for s in stops]).values("pk").annotate(
        served=Count("visits", filter=served, distinct=True),
        no_shows=Count("attendees", filter=Q(attendees__no_show_at__isnull=False), distinct=True),
        walk_ins=Count("attendees", filter=Q(attendees__walk_in=True), distinct=True),
        people=Count("attendees", distinct=True))}
    for stop in stops:
        stop.changed = changed.get(stop.pk, [])
        row = counts.get(stop.pk)
        stop.outcome = row if row and row["people"] else None


# static/css/valiza.css gives each of .trip-colour-0 … -9 its colour, for the map and the list alike.
TRIP_COLOURS = 10


def _point(place):
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return [float(place.latitude), float(place.longitude)]


def _map_data(trips):
    """What static/js/board-map.js draws: the offices, and each trip's numbered stops joined by a line
    from its office and back. Request numbers and times only: names and addresses stay in the list."""
    offices = {}
    days = {}
    out = []
    settlements = {}
    for trip in trips:
        office = trip.team.office
        offices[office.pk] = {"id": office.pk, "name": office.name, "address": office.address, "at": _point(office)}
        days[trip.day.isoformat()] = formats.date_format(trip.day, "l, d.m")
        stops = []
        for stop in trip.stops.all():
            place = stop.request or (stop.session.fixed_point if stop.session else None)
            at = _point(place)
            if at is None:
                continue
            window = f"{timezone.localtime(stop.window_start):%H:%M}–{timezone.localtime(stop.window_end):%H:%M}"
            what = _("заявка %(n)s") % {"n": stop.request.number} if stop.request else str(stop.session.fixed_point)
            settlement = (stop.request or stop.session.fixed_point).settlement
            settlements.setdefault(settlement.pk, (settlement, []))[1].append(at)
            stops.append({"n": stop.position, "at": at, "window": window, "what": what,
                          "settlement": settlement.name,
                          "approximate": bool(stop.request and stop.request.location_approximate)})
        out.append({
            "id": trip.pk, "colour": trip.colour, "day": trip.day.isoformat(),
            "label": f"{days[trip.day.isoformat()]} — {trip.team}", "office": office.pk, "stops": stops,
        })
    # Each settlement's name, at its centre (or amid its stops when the centre is not known).
    named = []
    for settlement, points in settlements.values():
        at = _point(settlement) or [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]
        named.append({"name": settlement.name, "at": at})
    return {
        "tiles": maps.tiles(), "settlements": sorted(named, key=lambda s: s["name"]),
        "offices": list(offices.values()), "trips": out,
        "days": [{"value": k, "label": v} for k, v in sorted(days.items())],
    }


def _back(week, plan=None):
    url = f"/staff/planning/?week={week.monday.isoformat()}"
    return redirect(url + (f"&plan={plan.pk}" if plan else ""))


@staff_required("planning.manage")
@require_POST
def plan_week(request, week_pk):
    week = _week(request.user, week_pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(week)
    try:
        plan = actions.start_planning(week, by=request.user, time_limit_s=form.cleaned_data["time_limit_s"])
    except actions.PlanningError as exc:
        messages.error(request, str(exc))
        return _back(week)
    tasks.enqueue_planning(plan)
    return _back(week, plan)


@staff_required("planning.view")
def plan_progress(request, pk):
    plan = _plan(request.user, pk)
    if plan.state != Plan.State.PLANNING:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "planning/_progress.html", {"plan": plan})


@staff_required("planning.manage")
@require_POST
def plan_cancel(request, pk):
    return _plan_step(request, pk, actions.cancel_planning,
                      _("Розрахунок скасовано. Тиждень вільний — можна спланувати знову."))


def _plan_step(request, pk, step, done):
    plan = _plan(request.user, pk)
    try:
        step(plan, by=request.user)
    except actions.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(plan.week, plan)


@staff_required("planning.manage")
@require_POST
def plan_approve(request, pk):
    return _plan_step(request, pk, actions.approve, _("План затверджено. Тепер його можна оприлюднити."))


@staff_required("planning.manage")
def plan_publish(request, pk):
    """"Оприлюднити" asks first: a page that says how many SMS go to whom, and a button that
    publishes (a POST without the confirmation only shows the page again). Works without JavaScript."""
    plan = _plan(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _plan_step(request, pk, actions.publish,
                          _("План оприлюднено. Людям надсилаються SMS з датою і часом візиту."))
    if request.method == "POST":
        return redirect("planning:publish", pk=plan.pk)
    approved = plan.state == Plan.State.APPROVED
    return render(request, "planning/publish_confirm.html", {
        "plan": plan, "week": plan.week, "approved": approved,
        "counts": actions.publish_preview(plan) if approved else None,
    })


@staff_required("planning.manage")
@require_POST
def include_late(request, week_pk, request_pk):
    week = _week(request.user, week_pk)
    req = get_object_or_404(VisitRequest, pk=request_pk, community_id=request.user.community_id)
    try:
        actions.include_late(week, req, by=request.user)
    except actions.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Заявку %(n)s включено до цього тижня. Сплануйте тиждень, щоб вона потрапила "
                                    "в план.") % {"n": req.number})
    return _back(week)


@staff_required("planning.manage")
@require_POST
def pin_request(request, week_pk, request_pk):
    week = _week(request.user, week_pk)
    req = get_object_or_404(VisitRequest, pk=request_pk, community_id=request.user.community_id)
    if request.POST.get("remove"):
        Pin.objects.filter(week=week, request=req).delete()
        messages.success(request, _("Закріплення знято. Сплануйте тиждень заново."))
        return _back(week)
    form = PinForm(request.POST, week=week)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(week)
    Pin.objects.update_or_create(week=week, request=req, defaults={
        "team": form.cleaned_data["team"], "day": form.cleaned_data["day"], "start": form.cleaned_data["start"],
    })
    messages.success(request, _("Заявку %(n)s закріплено. Сплануйте тиждень заново, щоб перебудувати решту.")
                     % {"n": req.number})
    return _back(week)




@staff_required("planning.sheet")
def route_sheet(request, pk):
    """A trip's route sheet as PDF: what the team takes on the road.

    It prints names, addresses, intercom codes and phones, and a printed copy leaves the system, so
    every download is written to the access log, one entry per person on the sheet: the log answers
    "who saw this person's data" by the request, and a sheet is one more copy each time it is taken.
    """
    trip = get_object_or_404(
        Trip.objects.select_related("plan__week__community", "team__office", "vehicle", "suitcase"),
        pk=pk, plan__week__community_id=request.user.community_id,
    )
    if not has_capability(request.user, "planning.view"):
        # A field administrator: only a published trip of a team they belong to.
        own = trip.team_id in rosters.member_teams(request.user, trip.day)
        if not own or trip.plan.state != Plan.State.PUBLISHED:
            raise Http404
    stops = pdf.trip_stops(trip)
    try:
        body = pdf.route_sheet_pdf(trip, printed_by=request.user, stops=stops)
    except (ImportError, OSError):
        # WeasyPrint without its Debian libraries (`make system-libs`), or a font file gone.
        logger.exception("route sheet for trip %s could not be made", trip.pk)
        messages.error(request, _("Маршрутний лист не вдалося створити: на сервері бракує бібліотек для PDF. "
                                  "Повідомте адміністратора системи."))
        return _back(trip.plan.week, trip.plan)
    record_access_many(request, [s.request for s in stops if s.request]
                       + [b for s in stops for b in getattr(s, "bookings", [])], action=PRINT)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="route-sheet-{trip.day.isoformat()}-{trip.pk}.pdf"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _session_day(user, session_pk, day_value):
    session = get_object_or_404(Session.objects.select_related("fixed_point"), pk=session_pk,
                                fixed_point__community_id=user.community_id)
    day = iso_date(day_value)
    if day is None:
        raise Http404
    return session, day


@staff_required("planning.view")
def session_bookings(request, session_pk, day):
    """Who booked a fixed-point session on a day (active and cancelled, in slot order); the coordinator
    cancels one with a reason the citizen gets by SMS. Every booking shown is access-logged."""
    session, the_day = _session_day(request.user, session_pk, day)
    rows = list(SessionBooking.objects.for_user(request.user).filter(session=session, date=the_day)
                # `attendee`: what the laptop recorded at the reception (field.Attendee, by its relation name).
                .select_related("service", "cancelled_by", "attendee__request").order_by("cancelled", "start", "pk"))
    record_access_many(request, rows)
    return render(request, "planning/session_bookings.html", {
        "session": session, "day": the_day, "bookings": rows, "cancel_form": StaffCancelForm(),
        "can_manage": has_capability(request.user, "planning.manage"),
        "back_week": the_day - datetime.timedelta(days=the_day.weekday()),
    })


@staff_required("planning.manage")
@require_POST
def cancel_booking(request, pk):
    booking = get_object_or_404(SessionBooking.objects.for_user(request.user), pk=pk)
    back = redirect("planning:session_bookings", session_pk=booking.session_id, day=booking.date.isoformat())
    form = StaffCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    try:
        bookings.cancel(booking, by=request.user, reason=form.cleaned_data["reason"])
    except bookings.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Запис %(n)s скасовано; людині надіслано SMS з причиною. Цей час знову вільний.")
                         % {"n": booking.number})
    return back

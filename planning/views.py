"""The planning board: the pool, "plan the week", trips per day and team, pins, approve, publish."""

import datetime

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import has_capability
from core.access import staff_required
from visits.models import RequestedService, Status, VisitRequest

from . import actions, tasks
from .forms import PinForm, PlanForm
from .models import Pin, Plan, PlanningWeek, SessionBooking, Stop, Trip, Unplanned


def _monday(value):
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return actions.next_monday()
    return day - datetime.timedelta(days=day.weekday())


def _week(user, pk):
    return get_object_or_404(PlanningWeek, pk=pk, community_id=user.community_id)


def _plan(user, pk):
    return get_object_or_404(Plan.objects.select_related("week"), pk=pk, week__community_id=user.community_id)


@staff_required("planning.view")
def board(request):
    monday = _monday(request.GET.get("week"))
    week = actions.week_for(request.user.community, monday)
    plans = list(week.plans.select_related("created_by", "approved_by", "published_by"))
    shown = None
    if request.GET.get("plan", "").isdigit():
        shown = next((p for p in plans if p.pk == int(request.GET["plan"])), None)
    shown = shown or (plans[0] if plans else None)
    trips = []
    unplanned = []
    if shown:
        trips = list(
            Trip.objects.filter(plan=shown).select_related("team", "vehicle", "suitcase").prefetch_related(
                Prefetch("stops", queryset=Stop.objects.select_related(
                    "request__settlement", "session__fixed_point"
                ).prefetch_related(
                    Prefetch("request__services", queryset=RequestedService.objects.select_related("service"))
                ))
            )
        )
        unplanned = list(
            Unplanned.objects.filter(plan=shown).select_related("request__settlement", "session__fixed_point")
        )
        _count_bookings(trips, unplanned)
    pool = VisitRequest.objects.filter(community=request.user.community, status=Status.ACCEPTED)
    stale, new = actions.stale_requests(shown) if shown and shown.state == Plan.State.DRAFT else ([], [])
    return render(request, "planning/board.html", {
        "week": week, "plans": plans, "plan": shown, "trips": trips, "unplanned": unplanned,
        "reason_labels": actions.REASON_LABELS, "pool_count": pool.count(),
        "no_location": pool.filter(latitude__isnull=True).count(),
        "pins": {p.request_id: p for p in Pin.objects.filter(week=week).select_related("team")},
        "plan_form": PlanForm(initial={"time_limit_s": 10}), "pin_form": PinForm(week=week),
        "prev_week": monday - datetime.timedelta(days=7), "next_week": monday + datetime.timedelta(days=7),
        "stale": stale, "new_in_pool": new,
        "can_manage": has_capability(request.user, "planning.manage"),
    })


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
def plan_approve(request, pk):
    plan = _plan(request.user, pk)
    try:
        actions.approve(plan, by=request.user)
    except actions.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("План затверджено. Тепер його можна оприлюднити."))
    return _back(plan.week, plan)


@staff_required("planning.manage")
@require_POST
def plan_publish(request, pk):
    plan = _plan(request.user, pk)
    try:
        actions.publish(plan, by=request.user)
    except actions.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("План оприлюднено. Людям надсилаються SMS з датою і часом візиту."))
    return _back(plan.week, plan)


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



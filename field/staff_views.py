"""The coordinator's pages for the field sync: items that wait for a decision, case files that could
not be built, and the devices.

Every write goes through field.sync (review.resolve_apply, review.resolve_close, devices.approve_device,
devices.revoke_device), the community's field settings form, or field.case_files (retry).
"""

import datetime
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from audit.log import VIEW, record_access_many
from communities.models import Community
from journal.models import Case
from planning.models import Plan, Stop, Trip
from visits.models import Status

from . import acts, case_files, day, payments_report
from .models import Attendee, Device, IncidentAct, Outcome, SyncItem
from .sync import review
from .sync.devices import approve_device, revoke_device
from .sync.errors import ReviewError

KIND_LABELS = dict(SyncItem.Kind.choices)
SHOWN = 200


def _decorate(items, community):
    for item in items:
        item.kind_label = KIND_LABELS.get(item.kind, item.kind or _("невідома дія"))
        item.sent = json.dumps(item.payload, ensure_ascii=False, indent=2, sort_keys=True)
        item.can_apply = item.state in (SyncItem.State.CONFLICT, SyncItem.State.REFUSED)
        item.sent_at = item.received_at - datetime.timedelta(seconds=item.clock_offset_s)
        # Both times, and the two the coordinator may apply it with, when the laptop's clock is in doubt.
        item.clock = review.clock_problem(item, community) if item.can_apply else None
        if item.clock is not None:
            item.trip_day_time = review.trip_day_time(item) if item.stop else None
    return items


@staff_required("field.review")
def attention(request):
    resolved = request.GET.get("show") == "resolved"
    if resolved:
        items = (SyncItem.objects.filter(community_id=request.user.community_id, state=SyncItem.State.RESOLVED)
                 .select_related("user", "device", "resolved_by", "stop__trip__team", "stop__request")
                 .order_by("-resolved_at")[:SHOWN])
    else:
        items = review.attention(request.user.community_id)[:SHOWN]
    items = _decorate(list(items), request.user.community)
    # What the device sent names people (the request, witnesses): each one shown is logged.
    requests = {item.stop.request_id: item.stop.request for item in items if item.stop and item.stop.request_id}
    record_access_many(request, list(requests.values()), VIEW)
    return render(request, "field/staff/attention.html", {
        "items": items, "resolved": resolved, "total": len(items), "limit": SHOWN,
        "case_file_failures": list(case_files.failures(request.user.community_id)[:SHOWN]),
    })


@staff_required("field.review")
@require_POST
def retry_case_files(request, case_pk):
    case = get_object_or_404(Case, pk=case_pk, community_id=request.user.community_id)
    case_files.retry(case, by=request.user)
    messages.success(request, _("Документи справи %(n)s будуються знову. Перевірте за кілька хвилин.")
                     % {"n": case.number})
    return redirect("field_staff:attention")


def _item(request, pk):
    # Another community's item answers 404, exactly like one that does not exist.
    return get_object_or_404(SyncItem, pk=pk, community_id=request.user.community_id)


@staff_required("field.review")
@require_POST
def apply_item(request, pk):
    item = _item(request, pk)
    try:
        review.resolve_apply(item, request.user, when=request.POST.get("when", ""))
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Дію застосовано. Результат видно в журналі справ і в заявці."))
    return redirect("field_staff:attention")


@staff_required("field.review")
@require_POST
def close_item(request, pk):
    item = _item(request, pk)
    try:
        review.resolve_close(item, request.user, request.POST.get("note", ""))
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Дію закрито з вашою приміткою."))
    return redirect("field_staff:attention")


@staff_required("field.review")
@require_POST
def close_act(request, pk):
    """The coordinator closes an incident act; its visit's videos may then be purged (issue 11)."""
    act = get_object_or_404(IncidentAct.objects.select_related("visit"), pk=pk,
                            visit__community_id=request.user.community_id)
    try:
        acts.close(act, by=request.user, note=request.POST.get("note", "")[:2000])
    except acts.ActError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Акт закрито. Відеозапис візиту буде видалено, коли мине строк зберігання."))
    return redirect("visits:detail", pk=act.visit.request_id)


class FieldSettingsForm(forms.ModelForm):
    """The community's rules for field laptops, set by the coordinator."""

    class Meta:
        model = Community
        fields = ("field_devices_need_approval", "field_clock_before_hours", "field_clock_after_hours")


@staff_required("field.review")
def devices(request):
    rows = list(Device.objects.filter(community_id=request.user.community_id)
                .select_related("user", "revoked_by", "approved_by").order_by("revoked_at", "-pending", "-last_seen"))
    return render(request, "field/staff/devices.html", {
        "devices": rows, "settings_form": FieldSettingsForm(instance=request.user.community)})


@staff_required("field.review")
@require_POST
def field_settings(request):
    form = FieldSettingsForm(request.POST, instance=Community.objects.get(pk=request.user.community_id))
    if form.is_valid():
        # Only these fields: the sysadmin may be editing the community's other settings meanwhile.
        form.save(commit=False).save(update_fields=list(FieldSettingsForm.Meta.fields))
        messages.success(request, _("Правила для ноутбуків виїзду збережено."))
    else:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Правила не збережено: %(why)s") % {"why": problems})
    return redirect("field_staff:devices")


def _device(request, pk):
    # Another community's device answers 404, exactly like one that does not exist.
    return get_object_or_404(Device, pk=pk, community_id=request.user.community_id)


@staff_required("field.review")
@require_POST
def approve(request, pk):
    try:
        approve_device(_device(request, pk), request.user)
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Ноутбук підтверджено: на ньому можна завантажити виїзди."))
    return redirect("field_staff:devices")


@staff_required("field.review")
@require_POST
def revoke(request, pk):
    try:
        revoke_device(_device(request, pk), request.user, request.POST.get("reason", ""))
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Доступ пристрою відкликано, вхід на ньому завершено. Нові дії з нього не "
                                    "прийматимуться."))
    return redirect("field_staff:devices")


def session_counts(stops):
    """{session stop id: (served, no-shows, walk-ins)} as the laptops synced them (one query)."""
    ids = [s.pk for s in stops if s.session_id]
    if not ids:
        return {}
    counts = {}
    for attendee in Attendee.objects.filter(stop_id__in=ids).select_related("request").only(
            "stop_id", "walk_in", "no_show_at", "request__status"):
        served, absent, walk_ins = counts.get(attendee.stop_id, (0, 0, 0))
        done = attendee.request_id is not None and attendee.request.status in (Status.SERVED, Status.PARTLY_SERVED)
        counts[attendee.stop_id] = (served + done, absent + (attendee.no_show_at is not None),
                                    walk_ins + attendee.walk_in)
    return counts


def stop_progress(stop, visit, session=None):
    """(state, text) of one stop as the laptops reported it: waiting, started or its outcome; for a
    fixed-point session, how many were served, did not come and came without booking."""
    if stop.session_id:
        if not session:
            return "session", _("прийом за графіком")
        served, absent, walk_ins = session
        return "session", _("прийом за графіком: обслуговано %(s)d, не прийшли %(a)d, без запису %(w)d") % {
            "s": served, "a": absent, "w": walk_ins}
    if visit is None or (visit.started_at is None and not visit.outcome):
        return "waiting", _("ще не розпочато")
    who = day.worker_name(visit.recorded_by)
    by = _(" (%(who)s)") % {"who": who} if who else ""
    if visit.outcome:
        at = visit.finished_at or visit.started_at
        label = str(Outcome(visit.outcome).label)
        if at:
            label = _("%(outcome)s о %(time)s") % {"outcome": label, "time": f"{timezone.localtime(at):%H:%M}"}
        return visit.outcome, label + by
    return "started", _("розпочато о %(time)s") % {"time": f"{timezone.localtime(visit.started_at):%H:%M}"} + by


@staff_required("planning.view")
def live_today(request, pk):
    """The board's live part: today's trips of a published plan, each stop's state as the laptops
    synced it. Polled by htmx; request numbers and states only (names stay in the board's list)."""
    plan = get_object_or_404(Plan, pk=pk, week__community_id=request.user.community_id)
    today = timezone.localdate()
    trips = list(Trip.objects.filter(plan=plan, day=today).select_related("team").order_by("leave_at", "pk"))
    stops = list(Stop.objects.filter(trip__in=trips).select_related("request", "session__fixed_point")
                 .order_by("trip_id", "position"))
    visits = day.visits_of_stops(stops)
    sessions = session_counts(stops)
    rows = {}
    for stop in stops:
        state, text = stop_progress(stop, visits.get(stop.pk), sessions.get(stop.pk))
        rows.setdefault(stop.trip_id, []).append({"stop": stop, "state": state, "text": text})
    for trip in trips:
        trip.live_rows = rows.get(trip.pk, [])
        trip.done = sum(1 for r in trip.live_rows if r["state"] not in ("waiting", "started", "session"))
    return render(request, "field/staff/_live_today.html", {
        "plan": plan, "trips": trips, "checked_at": timezone.localtime(), "poll_s": settings.VALIZA_BOARD_LIVE_SECONDS,
    })


def _report_day(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return None


@staff_required("field.review")
def payments(request):
    """Payments per day, team, provider and method: expected vs recorded, receipts, differences; XLSX."""
    today = timezone.localdate()
    first = _report_day(request.GET.get("from"), today - datetime.timedelta(days=7))
    last = _report_day(request.GET.get("to"), today)
    problem = ""
    if first is None or last is None or first > last or (last - first).days > 366:
        # Bad input changes nothing: the last week is shown with a clear message.
        problem = _("Період не зрозумілий: вкажіть дати «з» і «по» (не більше року). Показано останній тиждень.")
        first, last = today - datetime.timedelta(days=7), today
    rows = payments_report.rows(request.user.community_id, first, last)
    # Each row names a request (a person's record): every one shown is logged.
    record_access_many(request, list({r["request"].pk: r["request"] for r in rows}.values()), VIEW)
    if request.GET.get("format") == "xlsx" and not problem:
        response = HttpResponse(payments_report.xlsx(rows), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="oplaty-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
        return response
    return render(request, "field/staff/payments.html", {
        "rows": rows, "totals": payments_report.totals(rows), "first": first, "last": last, "problem": problem})

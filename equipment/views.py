"""The technician's pages (issue 16): the kit of each suitcase, the pre-trip and after-trip
checklists, the upkeep log, running costs and reminders; the field administrator's failure report.
Every write goes through equipment.actions; every row is of the user's community (else 404)."""

import datetime

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from accounts.roles import has_capability
from core.dates import iso_date
from core.forms import parse_id
from teams import rosters
from teams.models import Team

from . import actions, costs, readiness
from .forms import ChecklistForm, DeviceForm, ExpenseForm, FailureForm, MaintenanceForm
from .models import Checklist, Device, Expense, Reminder


def _can_manage(user):
    return has_capability(user, "equipment.manage")


@staff_required("equipment.view")
def devices(request):
    community = request.user.community
    suitcases = readiness.suitcases_with_devices(community)
    for suitcase in suitcases:
        suitcase.problems = readiness.device_problems(suitcase)
    shelf = Device.objects.filter(community=community, suitcase__isnull=True).order_by("kind", "serial")
    return render(
        request,
        "equipment/devices.html",
        {
            "suitcases": suitcases,
            "shelf": shelf,
            "can_manage": _can_manage(request.user),
            "open_reminders": Reminder.objects.filter(community=community, done_at__isnull=True).count(),
        },
    )


def _save_device(request, form, created):
    if form.is_valid():
        device = form.save(commit=False)
        if "state" in form.changed_data or created:
            device.state_since = timezone.localdate()
        try:
            device.save()
        except IntegrityError:  # the same serial saved at the same moment from another window
            form.add_error("serial", _("Пристрій з таким серійним номером уже є в громаді."))
            return None
        messages.success(request, _("Пристрій збережено."))
        return redirect("equipment:device", pk=device.pk)
    return None


@staff_required("equipment.manage")
def device_new(request):
    form = DeviceForm(request.POST if request.method == "POST" else None, community=request.user.community)
    if request.method == "POST":
        done = _save_device(request, form, created=True)
        if done:
            return done
    return render(request, "equipment/device_form.html", {"form": form})


@staff_required("equipment.view")
def device(request, pk):
    device = get_object_or_404(Device.objects.select_related("suitcase"), pk=pk, community=request.user.community_id)
    can_manage = _can_manage(request.user)
    data = request.POST if request.method == "POST" else None
    form = DeviceForm(data, instance=device, community=request.user.community) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise Http404
        done = _save_device(request, form, created=False)
        if done:
            return done
    return render(
        request,
        "equipment/device.html",
        {
            "device": device,
            "form": form,
            "can_manage": can_manage,
            "log": device.maintenance.select_related("by"),
            "maintenance_form": MaintenanceForm() if can_manage else None,
        },
    )


@staff_required("equipment.manage")
@require_POST
def maintenance(request, pk):
    device = get_object_or_404(Device, pk=pk, community=request.user.community_id)
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        actions.record_maintenance(device, by=request.user, **form.cleaned_data)
        messages.success(request, _("Записано в журнал обслуговування."))
        return redirect("equipment:device", pk=device.pk)
    return render(
        request,
        "equipment/device.html",
        {
            "device": device,
            "form": DeviceForm(instance=device, community=request.user.community),
            "can_manage": True,
            "log": device.maintenance.select_related("by"),
            "maintenance_form": form,
        },
        status=200,
    )


@staff_required("equipment.view")
def checklists(request):
    """The teams that travel on a day, with their suitcase and vehicle and the checks done."""
    community = request.user.community
    day = iso_date(request.GET.get("day")) or timezone.localdate()
    entries = rosters.plan_days(rosters.teams_for_rosters(community), [day], readiness.unready(community, [day]))
    entries = entries.get(day, [])
    done = {}
    for c in Checklist.objects.filter(community=community, day=day).order_by("created_at", "pk"):
        done[(c.team_id, c.subject, c.stage)] = c
    rows = []
    for entry in entries:
        team = entry.team
        rows.append(
            {
                "entry": entry,
                "things": [
                    (subject, thing, [(stage, done.get((team.pk, subject, stage))) for stage in Checklist.Stage.values])
                    for subject, thing in ((Checklist.Subject.SUITCASE, team.suitcase), (Checklist.Subject.VEHICLE, team.vehicle))
                    if thing is not None
                ],
            }
        )
    return render(
        request,
        "equipment/checklists.html",
        {
            "day": day,
            "rows": rows,
            "can_manage": _can_manage(request.user),
            "prev_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
        },
    )


@staff_required("equipment.manage")
def checklist(request, team_pk, day, subject, stage):
    # Another community's team looks exactly like one that does not exist, and nothing is saved.
    team = get_object_or_404(Team.objects.select_related("suitcase", "vehicle"), pk=team_pk, community=request.user.community_id)
    day = iso_date(day)
    if day is None or subject not in Checklist.Subject.values or stage not in Checklist.Stage.values:
        raise Http404
    thing = team.suitcase if subject == Checklist.Subject.SUITCASE else team.vehicle
    if thing is None:
        raise Http404
    items = readiness.checklist_items(subject, stage)
    form = ChecklistForm(request.POST if request.method == "POST" else None, items=items, subject=subject, stage=stage)
    if request.method == "POST" and form.is_valid():
        if stage == Checklist.Stage.AFTER and day > timezone.localdate():
            form.add_error(None, _("Цей виїзд ще не відбувся: перевірку після виїзду записують того дня або пізніше."))
        else:
            saved = actions.save_checklist(
                team,
                day,
                subject,
                stage,
                items=form.checked(),
                by=request.user,
                internet_balance=form.cleaned_data.get("internet_balance"),
                damage=form.cleaned_data.get("damage", ""),
                note=form.cleaned_data.get("note", ""),
            )
            if saved.passed:
                messages.success(request, _("Перевірку записано: усе гаразд."))
            else:
                messages.warning(
                    request,
                    _("Перевірку записано. Не гаразд: %(items)s%(damage)s")
                    % {
                        "items": "; ".join(readiness.failed_items(saved)) or "—",
                        "damage": (". " + _("Пошкодження: ") + saved.damage) if saved.damage else "",
                    },
                )
            return redirect(f"{redirect('equipment:checklists').url}?day={day.isoformat()}")
    last = Checklist.objects.filter(team=team, day=day, subject=subject, stage=stage).order_by("-created_at", "-pk").first()
    return render(
        request,
        "equipment/checklist.html",
        {
            "team": team,
            "day": day,
            "thing": thing,
            "subject": subject,
            "stage": stage,
            "form": form,
            "last": last,
            "stage_label": Checklist.Stage(stage).label,
            "subject_label": Checklist.Subject(subject).label,
        },
    )


@staff_required("equipment.report")
def report(request):
    """A field administrator (on the laptop, online) reports a device that failed on the way."""
    form = FailureForm(request.POST if request.method == "POST" else None, community=request.user.community)
    if request.method == "POST" and form.is_valid():
        actions.report_failure(form.cleaned_data["device"], what=form.cleaned_data["what"], by=request.user)
        messages.success(request, _("Дякуємо. Техніка повідомлено; пристрій позначено як такий, що потребує обслуговування."))
        return redirect("equipment:report")
    return render(request, "equipment/report.html", {"form": form})


def _year(request):
    value = parse_id(request.GET.get("year", ""))
    return value if value and 2000 <= value <= 2100 else timezone.localdate().year


@staff_required("equipment.view")
def costs_page(request):
    year = _year(request)
    community = request.user.community
    form = ExpenseForm(community=community) if _can_manage(request.user) else None
    return _costs(request, year, form)


def _costs(request, year, form):
    community = request.user.community
    labels = Expense.Category.choices
    return render(
        request,
        "equipment/costs.html",
        {
            "year": year,
            "totals": costs.totals(community, year),
            "labels": labels,
            "form": form,
            "recent": Expense.objects.filter(community=community, date__year=year).select_related("suitcase")[:50],
        },
    )


@staff_required("equipment.manage")
@require_POST
def expense_new(request):
    form = ExpenseForm(request.POST, community=request.user.community)
    if form.is_valid():
        expense = form.save(commit=False)
        expense.by = request.user
        expense.save()
        messages.success(request, _("Витрату записано."))
        return redirect(f"{redirect('equipment:costs').url}?year={expense.date.year}")
    return _costs(request, _year(request), form)


@staff_required("equipment.view")
def costs_export(request):
    year = _year(request)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            costs.as_xlsx(request.user.community, year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="vytraty-{year}.xlsx"'
        return response
    response = HttpResponse(costs.as_csv(request.user.community, year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vytraty-{year}.csv"'
    return response


@staff_required("equipment.view")
def reminders(request):
    rows = Reminder.objects.filter(community=request.user.community).select_related("done_by")[:200]
    return render(request, "equipment/reminders.html", {"reminders": rows, "can_manage": _can_manage(request.user)})


@staff_required("equipment.manage")
@require_POST
def reminder_done(request, pk):
    reminder = get_object_or_404(Reminder, pk=pk, community=request.user.community_id)
    actions.mark_done(reminder, request.user)
    return redirect("equipment:reminders")

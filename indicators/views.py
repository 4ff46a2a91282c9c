"""The staff dashboard of indicators (issue 14): one community, any period, charts with their tables."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import staff_required

from . import charts, figures
from .periods import PeriodError, default_period, parse_period


def chart_rows(found):
    """The charts of the dashboard: {key: svg}, each drawn from the rows its table shows."""
    sat = found["satisfaction"]
    activity = found["activity"]
    return {
        "shares": charts.bars(
            "chart-shares-title",
            [
                (str(figures.DEFINITIONS[k]["title"]), found[k].value)
                for k in ("late_handover", "decided_late", "punctuality", "plans_late", "false_calls", "satisfaction")
            ],
            unit=" %",
            scale_to=100,
        ),
        "satisfaction": charts.bars(
            "chart-satisfaction-title",
            [(r["label"], r["value"]) for r in sat.breakdowns["settlement"] + sat.breakdowns["remote"]],
            unit=" %",
            scale_to=100,
            target=sat.extra["target"],
        ),
        "weeks": charts.bars(
            "chart-weeks-title", [(r["week"].strftime("%d.%m.%Y"), r["visits"]) for r in activity.breakdowns["week"]]
        ),
        "services": charts.bars(
            "chart-services-title", [(r["label"], r["numerator"]) for r in found["top_services"].breakdowns["service"]]
        ),
        "refusals": charts.bars(
            "chart-refusals-title", [(r["label"], r["numerator"]) for r in found["refusals"].breakdowns["reason"]]
        ),
    }


@staff_required("indicators.view")
@require_GET
def dashboard(request):
    community = request.user.community
    # The dashboard is of the user's own community; a filter naming another one finds nothing.
    if request.GET.get("community", community.slug) != community.slug:
        raise Http404
    error = None
    try:
        start, end = parse_period(request.GET.get("start", ""), request.GET.get("end", ""))
    except PeriodError as exc:
        error = str(exc)
        start, end = default_period()
    context = {"community": community, "start": start, "end": end, "error": error, "definitions": figures.DEFINITIONS}
    if error is None:
        found = figures.dashboard(community, start, end)
        by_dimension = [(title, found["activity"].breakdowns[name]) for name, title in figures.DIMENSIONS.items()]
        context.update(found=found, charts=chart_rows(found), by_dimension=by_dimension)
    return render(request, "indicators/dashboard.html", context, status=400 if error else 200)

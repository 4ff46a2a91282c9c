"""The public statistics of a community and its open data (CSV, JSON): no login, no personal data
(indicators/opendata.py says what is suppressed). Rate-limited per address like the other public pages."""

import csv
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import public
from communities.models import Community
from core.ratelimit import hit

from . import charts, opendata
from .periods import PeriodError, default_period, parse_period


def _period(request):
    return parse_period(request.GET.get("start", ""), request.GET.get("end", ""))


def _limited(request, community):
    if hit(request, "public-stats", settings.VALIZA_PUBLIC_SCHEDULE_LIMIT):
        return None
    return render(request, "public/too_many.html", {"community": community}, status=429)


@public
@require_GET
def stats(request, slug):
    community = get_object_or_404(Community, slug=slug)
    if refused := _limited(request, community):
        return refused
    error = None
    try:
        start, end = _period(request)
    except PeriodError as exc:
        error = str(exc)
        start, end = default_period()
    context = {"community": community, "start": start, "end": end, "error": error}
    if error is None:
        data = opendata.public_figures(community, start, end)
        totals = [r for r in data["weeks"] if not r["settlement"]]
        context.update(
            data=data,
            totals=totals,
            weeks_chart=charts.bars("weeks-title", [(r["week"], r["visits"]) for r in totals], missing=_("менше 5")),
            services_chart=charts.bars(
                "services-title", [(r["service"], r["requested"]) for r in data["services"]], missing=_("менше 5")
            ),
            query=request.GET.urlencode(),
        )
    return render(request, "indicators/public_stats.html", context, status=400 if error else 200)


def _data_or_error(request, slug):
    community = get_object_or_404(Community, slug=slug)
    if refused := _limited(request, community):
        return None, refused
    try:
        start, end = _period(request)
    except PeriodError as exc:
        return None, JsonResponse({"detail": str(exc)}, status=400)
    return opendata.public_figures(community, start, end), None


@public
@require_GET
def stats_json(request, slug):
    data, refused = _data_or_error(request, slug)
    if refused:
        return refused
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{slug}-stats.json"'
    return response


@public
@require_GET
def stats_csv(request, slug):
    data, refused = _data_or_error(request, slug)
    if refused:
        if refused.status_code == 400:
            return HttpResponse(json.loads(refused.content)["detail"], status=400, content_type="text/plain; charset=utf-8")
        return refused
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-stats-{data["period"]["start"]}-{data["period"]["end"]}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with the mark
    writer = csv.writer(response)
    writer.writerow(["period_start", "period_end", *opendata.FIELDS])
    for row in data["weeks"]:
        writer.writerow(
            [data["period"]["start"], data["period"]["end"], *("" if row[k] is None else row[k] for k in opendata.FIELDS)]
        )
    return response

"""The indicators through the API: the same figures as the dashboard, for the user's own community."""

from datetime import date

from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.access import Capability

from . import figures
from .periods import PeriodError, parse_period

router = Router(tags=["indicators"])


class PeriodOut(Schema):
    start: date
    end: date


class FigureOut(Schema):
    key: str
    unit: str  # "%", "‰" (per 1,000), "days" or "count"
    numerator: int | None
    denominator: int | None
    value: float | None
    breakdowns: dict  # name -> rows of {label, numerator, denominator, value} or counts per week
    extra: dict
    definition: dict[str, str]  # title, numerator, denominator, period, excluded (docs/indicators.md)


class IndicatorsOut(Schema):
    community: str
    period: PeriodOut
    figures: dict[str, FigureOut]


@router.get("/", auth=Capability("indicators.view"), response={200: IndicatorsOut})
def indicators(request, start: date | None = None, end: date | None = None, community: str | None = None):
    """Every indicator of the user's community for days `start`..`end` (ISO dates, both included; the
    last twelve weeks when absent), each with numerator, denominator, value, breakdowns and definition."""
    if community is not None and community != request.auth.community.slug:
        raise HttpError(404, "Такої громади серед ваших немає.")
    try:
        start, end = parse_period(start.isoformat() if start else "", end.isoformat() if end else "")
    except PeriodError as exc:
        raise HttpError(400, str(exc)) from None
    found = figures.dashboard(request.auth.community, start, end)
    return {
        "community": request.auth.community.slug,
        "period": {"start": start, "end": end},
        "figures": {
            key: {**figure.as_dict(), "definition": {k: str(v) for k, v in figure.definition.items()}}
            for key, figure in found.items()
        },
    }

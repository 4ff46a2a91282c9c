"""The public statistics and the open data of one community: no personal data.

- Counts from 1 to 4 are suppressed (None; empty in the CSV): SUPPRESS_BELOW. Zero is shown.
- A total that would reveal a suppressed count is protected: when a group has exactly one suppressed
  cell, the next smallest cell is suppressed too (or, with none left, the total).
- No free text (only names from the catalogue, the settlements and the teams' names are not given), no
  date finer than a week for any settlement, small or large: every row is a week (Monday).
- A share (percentage) is shown only over at least SUPPRESS_BELOW cases.
"""

from . import figures

SUPPRESS_BELOW = 5
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.uk"

FIELDS = {
    "week": "понеділок тижня (РРРР-ММ-ДД); дані ніколи не подаються за окремі дні",
    "settlement": "населений пункт громади (порожньо — усі разом; «—» — справи, прийняті без заявки на виїзд)",
    "visits": "візити, на яких людину обслуговано (показник «Візити, послуги і люди щотижня»)",
    "services": "послуги, прийняті до журналу справ",
    "people": "різні заявки, за якими людей обслуговано",
}
SERVICE_FIELDS = {
    "rank": "місце в рейтингу",
    "service": "назва послуги з каталогу",
    "requested": "скільки разів послугу замовили в заявках періоду",
}


def small(value):
    return value is not None and 0 < value < SUPPRESS_BELOW


def protect(values, total=None):
    """`values` with the counts under SUPPRESS_BELOW replaced by None, and `total` (or None when it
    would reveal one); see the module's rules."""
    shown = [None if small(v) else v for v in values]
    hidden = [i for i, v in enumerate(shown) if v is None and values[i] is not None]
    if len(hidden) == 1:
        rest = sorted((v, i) for i, v in enumerate(shown) if v)
        if rest:
            shown[rest[0][1]] = None
        else:
            total = None
    if small(total):
        total = None
    return shown, total


def rate(figure):
    """The figure's value, or None when it stands on fewer than SUPPRESS_BELOW cases."""
    return figure.value if (figure.denominator or 0) >= SUPPRESS_BELOW else None


def weekly_rows(activity):
    """Rows of the open data: per week the community's totals, then each settlement's counts; every
    week's settlements and its total protected together, one measure at a time."""
    settlements = {}
    for row in activity.breakdowns["settlement"]:
        settlements.setdefault(row["week"], []).append(row)
    rows = []
    for week in activity.breakdowns["week"]:
        places = settlements.get(week["week"], [])
        out = {"total": {"week": week["week"].isoformat(), "settlement": ""}}
        for p in places:
            out[p["label"]] = {"week": week["week"].isoformat(), "settlement": p["label"]}
        for measure in ("visits", "services", "people"):
            values, total = protect([p[measure] for p in places], week[measure])
            out["total"][measure] = total
            for p, v in zip(places, values, strict=True):
                out[p["label"]][measure] = v
        rows.extend(out.values())
    return rows


def service_rows(top):
    ranking = top.breakdowns["service"]
    values, _total = protect([r["numerator"] for r in ranking], top.denominator)
    return [{"rank": r["rank"], "service": r["label"], "requested": v} for r, v in zip(ranking, values, strict=True)]


def public_figures(community, start, end, today=None):
    """What the public page and the open data publish for `community` in days `start`..`end`."""
    found = figures.dashboard(community, start, end, today)
    activity = found["activity"]
    totals = [None if small(activity.extra[k]) else activity.extra[k] for k in ("visits", "services", "people")]
    headline = {
        "visits": totals[0],
        "services": totals[1],
        "people": totals[2],
        "satisfaction": rate(found["satisfaction"]),
        "satisfaction_target": community.satisfaction_target,
        "punctuality": rate(found["punctuality"]),
        "decided_late": rate(found["decided_late"]),
        "late_handover": rate(found["late_handover"]),
        "complaints_per_1000": found["complaints"].value if (found["complaints"].denominator or 0) >= SUPPRESS_BELOW else None,
        "wait_days_median": found["wait_days"].value if (found["wait_days"].denominator or 0) >= SUPPRESS_BELOW else None,
    }
    return {
        "community": community.name,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "suppressed_below": SUPPRESS_BELOW,
        "headline": headline,
        "fields": FIELDS,
        "weeks": weekly_rows(activity),
        "service_fields": SERVICE_FIELDS,
        "services": service_rows(found["top_services"]),
        "definitions": {key: {k: str(v) for k, v in d.items()} for key, d in figures.DEFINITIONS.items()},
    }

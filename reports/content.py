"""What a report shows, read from its frozen snapshot only: the web page and the PDF use the same
rows and the same charts (indicators/charts.py), each chart followed by its table."""

import datetime

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import charts, figures

from .snapshot import has_data

UNITS = {figures.PERCENT: "%", figures.PER_1000: "‰", figures.DAYS: gettext_lazy("дн."), figures.COUNT: ""}
# A change of a share is in percentage points.
CHANGE_UNITS = {
    figures.PERCENT: gettext_lazy("в.\u00a0п."),
    figures.PER_1000: "‰",
    figures.DAYS: gettext_lazy("дн."),
    figures.COUNT: "",
}
BY_SERVICE_CHART = 15


def _title(key, figure):
    extra = {
        "wait_median": _("Днів від заявки до візиту: медіана"),
        "wait_p90": _("Днів від заявки до візиту: 90-й процентиль"),
        "visits": _("Візити, на яких людей обслуговано"),
        "services": _("Послуги, прийняті до журналу"),
        "people": _("Люди, яких обслуговано (заявки)"),
        "requested": _("Замовлено послуг у заявках"),
        "refusals": _("Частка відмов серед рішень"),
    }
    return extra.get(key) or str(figures.DEFINITIONS[figure]["title"])


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


def comparison_rows(data):
    rows = []
    for r in data.get("comparison", []):
        rows.append(
            {**r, "title": _title(r["key"], r["figure"]), "unit_text": UNITS[r["unit"]], "change_unit": CHANGE_UNITS[r["unit"]]}
        )
    return rows


# WeasyPrint draws an SVG inside HTML with its presentation attributes only (a stylesheet's fill and
# stroke do not reach it): on paper the charts carry them.
PAPER_STYLE = (
    ('class="chart-label"', 'class="chart-label" font-size="13" font-family="Valiza Sans" fill="#000"'),
    ('class="chart-value"', 'class="chart-value" font-size="13" font-family="Valiza Sans" fill="#000"'),
    ('class="chart-bar"', 'class="chart-bar" fill="#2b5c8a"'),
    ('class="chart-target"', 'class="chart-target" stroke="#b00020" stroke-width="2" stroke-dasharray="5 4"'),
)


def _on_paper(svg):
    for old, new in PAPER_STYLE:
        svg = svg.replace(old, new)
    return mark_safe(svg)  # charts.bars escaped every text; only fixed attributes are added


def report_charts(data, paper=False):
    """{name: svg} of the report, drawn from the rows the tables below each chart show."""
    found = data.get("figures", {})
    shares = [r for r in comparison_rows(data) if r["unit"] == figures.PERCENT]
    sat = found.get("satisfaction", {})
    weeks = found.get("activity", {}).get("breakdowns", {}).get("week", [])
    drawn = {
        "categories": charts.bars(
            "chart-categories-title", [(_label(r["label"]), r["services"]) for r in data.get("by_category", [])]
        ),
        "services": charts.bars(
            "chart-services-title", [(_label(r["label"]), r["services"]) for r in data.get("by_service", [])[:BY_SERVICE_CHART]]
        ),
        "shares": charts.bars("chart-shares-title", [(r["title"], r["value"]) for r in shares], unit=" %", scale_to=100),
        "weeks": charts.bars("chart-weeks-title", [(_day(r["week"]).strftime("%d.%m.%Y"), r["visits"]) for r in weeks]),
        "satisfaction": charts.bars(
            "chart-satisfaction-title",
            [(r["label"], r["value"]) for r in sat.get("breakdowns", {}).get("settlement", [])],
            unit=" %",
            scale_to=100,
            target=sat.get("extra", {}).get("target"),
        ),
    }
    return {name: _on_paper(svg) for name, svg in drawn.items()} if paper else drawn


def _label(label):
    return str(_("не зазначено")) if label in ("—", "", None) else label


def context(report, paper=False):
    """Template variables for the page and the PDF of `report`."""
    data = report.data or {}
    found = data.get("figures", {})
    return {
        "report": report,
        "data": data,
        "empty": not has_data(data),
        "start": _day(data.get("period", {}).get("start")) or report.start,
        "end": _day(data.get("period", {}).get("end")) or report.end,
        "previous_start": _day(data.get("previous", {}).get("start")),
        "previous_end": _day(data.get("previous", {}).get("end")),
        "counted_on": _day(data.get("counted_on")),
        "comparison": comparison_rows(data),
        "by_category": [{**r, "label": _label(r["label"])} for r in data.get("by_category", [])],
        "by_service": [{**r, "label": _label(r["label"])} for r in data.get("by_service", [])],
        "weeks": [{**r, "week": _day(r["week"])} for r in found.get("activity", {}).get("breakdowns", {}).get("week", [])],
        "satisfaction": found.get("satisfaction", {}),
        "proposals": data.get("proposals", {"accepted": 0, "procedure_changed": 0, "published": []}),
        "stories": data.get("stories", []),
        "charts": report_charts(data, paper) if data else {},
    }

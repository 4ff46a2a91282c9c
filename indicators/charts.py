"""Charts drawn on the server as SVG: no script, nothing fetched. Each chart is a picture whose words
say what it shows (role="img", aria-labelledby its caption); the table beside it carries the numbers
for a screen reader and for anyone without pictures."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

ROW_HEIGHT = 26
LABEL_WIDTH = 230
BAR_WIDTH = 300
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70


def _number(value):
    if value is None:
        return "—"
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def bars(labelled_by, rows, *, unit="", scale_to=None, target=None, missing="—"):
    """Horizontal bars, one per (label, value) in `rows` (a value None draws no bar). `scale_to` fixes
    the longest bar's value (100 for a percentage); `target` draws a dashed line at that value."""
    values = [v for _label, v in rows if v is not None]
    top = scale_to or max(values + [target or 0, 1])
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{escape(labelled_by)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" class="chart-label">{escape(short)}</text>')
        if value is not None:
            width = round(BAR_WIDTH * min(value, top) / top, 1) if top else 0
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{ROW_HEIGHT - 8}" class="chart-bar"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + (BAR_WIDTH * min(value or 0, top) / top if top else 0) + 6:.1f}" '
            f'y="{y + 17}" class="chart-value">{escape(_number(value) if value is not None else missing)}'
            f"{escape(unit) if value is not None else ''}</text>"
        )
    if target is not None and top:
        x = LABEL_WIDTH + BAR_WIDTH * min(target, top) / top
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" class="chart-target"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped

"""The report on paper: A4 portrait, our own Cyrillic font, the community's header, «Сторінка N з M»,
the same charts and tables as the page (core.pdf: nothing fetched from outside)."""

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import font_context, render_pdf

from . import content


def report_pdf(report, *, withdrawn=()):
    """The PDF of `report` from its snapshot; stories whose consent is in `withdrawn` are left out."""
    ctx = content.context(report, paper=True)
    ctx["stories"] = [s for s in ctx["stories"] if s["consent"] not in set(withdrawn)]
    html = render_to_string("reports/report_pdf.html", {**ctx, "printed_at": timezone.localtime(), **font_context()})
    return render_pdf(html)

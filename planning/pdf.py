"""Route sheets: one trip on paper, rendered from an HTML template by WeasyPrint.

The fonts come from our own static files (DejaVu Sans, static/fonts/) through @font-face, so Cyrillic
never depends on what the server has installed. WeasyPrint fetches nothing else: the fetcher below
answers only `valiza-static:` addresses from the static files and refuses every other URL, so
nothing on a sheet (an address, a note typed by an operator) can make the server reach the network
or read a file.
"""

import mimetypes

from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from visits.models import RequestedDocument, RequestedService

from .models import Plan, SessionBooking, Stop

STATIC_SCHEME = "valiza-static:"
FONTS = {"regular": "fonts/DejaVuSans.ttf", "bold": "fonts/DejaVuSans-Bold.ttf"}


def static_only_fetcher():
    """A WeasyPrint URL fetcher for our static files only (see the module docstring)."""
    # Imported here, as is WeasyPrint itself: it loads Pango through cffi, and only a PDF needs it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"route sheets load nothing from outside: {url}")
            path = finders.find(url.removeprefix(STATIC_SCHEME))
            if not path:
                raise FileNotFoundError(url)
            with open(path, "rb") as f:
                body = f.read()
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    # A missing font stops the sheet rather than printing it in whatever font the system has.
    return StaticOnlyFetcher(fail_on_errors=True)


def trip_stops(trip):
    """The trip's stops in order, with everything a sheet prints, in a fixed number of queries.
    A fixed-point session's stop carries `bookings`: who booked a slot there that day."""
    stops = list(
        Stop.objects.filter(trip=trip).order_by("position").select_related(
            "request__settlement", "session__fixed_point__settlement",
        ).prefetch_related(
            Prefetch("request__services", queryset=RequestedService.objects.select_related("service").order_by(
                "service__order", "service__name_uk").prefetch_related(
                Prefetch("documents", queryset=RequestedDocument.objects.order_by("id"))
            )),
        )
    )
    sessions = {s.session_id for s in stops if s.session_id}
    booked = {}
    if sessions:
        for booking in (SessionBooking.objects.filter(session_id__in=sessions, date=trip.day, cancelled=False)
                        .select_related("service").order_by("start")):
            booked.setdefault(booking.session_id, []).append(booking)
    for stop in stops:
        stop.bookings = booked.get(stop.session_id, []) if stop.session_id else []
    return stops


def _stop_rows(stops, day):
    rows = []
    for stop in stops:
        row = {"stop": stop, "request": stop.request, "session": stop.session, "paid": [], "total": None,
               "bookings": getattr(stop, "bookings", [])}
        if stop.request:
            # A service done at an earlier visit (partly served, planned again) is not on this sheet.
            services = [s for s in stop.request.services.all()
                        if s.done_at is None or timezone.localdate(s.done_at) >= day]
            row["services"] = services
            row["paid"] = [s for s in services if s.service.is_paid]
            if row["paid"]:
                row["total"] = sum((s.service.fee or 0) for s in row["paid"])
        rows.append(row)
    return rows


def route_sheet_html(trip, *, printed_by=None, stops=None):
    stops = trip_stops(trip) if stops is None else stops
    plan = trip.plan
    return render_to_string("planning/route_sheet.html", {
        "trip": trip,
        "plan": plan,
        "community": plan.week.community,
        "rows": _stop_rows(stops, trip.day),
        "members": list(trip.team.members.all()),
        "is_final": plan.state in (Plan.State.APPROVED, Plan.State.PUBLISHED),
        "is_superseded": plan.state == Plan.State.SUPERSEDED,
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "font_regular": STATIC_SCHEME + FONTS["regular"],
        "font_bold": STATIC_SCHEME + FONTS["bold"],
        "note_lines": range(2),
    })


def render_pdf(html):
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=static_only_fetcher()).write_pdf()


def route_sheet_pdf(trip, *, printed_by=None, stops=None):
    """The trip's route sheet as PDF bytes."""
    return render_pdf(route_sheet_html(trip, printed_by=printed_by, stops=stops))

"""Route sheets: one trip on paper, rendered from an HTML template by WeasyPrint (core/pdf.py: our own
fonts, nothing fetched from outside)."""

from collections import Counter
from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# static_only_fetcher is imported from here by the route sheet's tests and by field/documents.py.
from core.pdf import FONTS, STATIC_SCHEME, render_pdf, static_only_fetcher  # noqa: F401
from teams import rosters
from visits.models import PaymentMethod, RequestedDocument, RequestedService

from .models import Plan, SessionBooking, Stop


def trip_stops(trip):
    """The trip's stops in order, with everything a sheet prints, in a fixed number of queries.
    A fixed-point session's stop carries `bookings`: who booked a slot there that day."""
    stops = list(
        Stop.objects.filter(trip=trip).order_by("position").select_related(
            "request__settlement", "session__fixed_point__settlement",
        ).prefetch_related(
            Prefetch("request__services", queryset=RequestedService.objects.select_related("service").order_by(
                "service__order", "service__name_uk").prefetch_related(
                "service__fees", Prefetch("documents", queryset=RequestedDocument.objects.order_by("id"))
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
            for s in row["paid"]:
                s.fee_due = s.service.fee_on(day)  # the fee in force on the trip's day (issue 11)
            if row["paid"]:
                row["total"] = sum((s.fee_due or 0) for s in row["paid"])
        rows.append(row)
    return rows


def day_summary(trip, rows):
    """The sheet's first block: the day at a glance and what to take, summed over the stops."""
    services, documents, methods = Counter(), {}, Counter()
    paid_total, paid_stops, booked = Decimal(0), 0, 0
    for row in rows:
        booked += len(row["bookings"])
        for rs in row.get("services", []):
            services[rs.service.name] += 1
            for d in rs.documents.all():
                seen = documents.setdefault(d.name, {"name": d.name, "stops": 0, "missing": 0})
                seen["stops"] += 1
                seen["missing"] += 0 if d.has else 1
        if row["paid"]:
            paid_stops += 1
            paid_total += row["total"] or 0
            methods[row["request"].payment_method or ""] += 1
    stops = [row["stop"] for row in rows]
    take = []
    if trip.suitcase:
        take.append(_("валізу «%(name)s», заряджену (до %(minutes)s хв від батареї)")
                    % {"name": trip.suitcase, "minutes": trip.suitcase.autonomy_minutes})
    if methods.get(PaymentMethod.TERMINAL):
        take.append(ngettext("платіжний термінал: %(n)s оплата карткою", "платіжний термінал: %(n)s оплати карткою",
                             methods[PaymentMethod.TERMINAL]) % {"n": methods[PaymentMethod.TERMINAL]})
    if methods.get(""):
        take.append(ngettext("спосіб оплати не погоджено з %(n)s людиною — візьміть термінал і реквізити",
                             "спосіб оплати не погоджено з %(n)s людьми — візьміть термінал і реквізити",
                             methods[""]) % {"n": methods[""]})
    if booked:
        take.append(ngettext("список записаних на прийом: %(n)s людина", "список записаних на прийом: %(n)s людей",
                             booked) % {"n": booked})
    return {
        "visits": sum(1 for r in rows if r["request"]), "sessions": sum(1 for r in rows if r["session"]),
        "first": min((s.window_start for s in stops), default=None),
        "last": max((s.window_end for s in stops), default=None),
        "km": round(trip.distance_m / 1000, 1),
        "services": sorted(services.items(), key=lambda kv: (-kv[1], kv[0])),
        "documents": sorted(documents.values(), key=lambda d: (-d["missing"], d["name"])),
        "paid_stops": paid_stops, "paid_total": paid_total, "take": take,
    }


def route_sheet_html(trip, *, printed_by=None, stops=None):
    stops = trip_stops(trip) if stops is None else stops
    plan = trip.plan
    rows = _stop_rows(stops, trip.day)
    return render_to_string("planning/route_sheet.html", {
        "trip": trip,
        "plan": plan,
        "community": plan.week.community,
        "rows": rows,
        "summary": day_summary(trip, rows),
        # Who travels that day: a substitute for the day is named, a member on leave is not.
        "members": rosters.travelling(trip.team, trip.day),
        "is_final": plan.state in (Plan.State.APPROVED, Plan.State.PUBLISHED),
        "is_superseded": plan.state == Plan.State.SUPERSEDED,
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "font_regular": STATIC_SCHEME + FONTS["regular"],
        "font_bold": STATIC_SCHEME + FONTS["bold"],
        "note_lines": range(1),
    })


def route_sheet_pdf(trip, *, printed_by=None, stops=None):
    """The trip's route sheet as PDF bytes."""
    return render_pdf(route_sheet_html(trip, printed_by=printed_by, stops=stops))

"""Citizens' pages for fixed points: where and when the team receives people, free slots, booking.
No login; one community per address (/<slug>/points/...), like visits.public_views."""

from collections import defaultdict

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import public
from communities.models import Community
from core.ratelimit import hit

from . import actions, bookings, slots
from .forms import BookingLookupForm, SessionBookingForm, SlotChoice
from .models import FixedPoint, SessionBooking

SESSION_LAST_BOOKING = "valiza_last_booking"
# The booking a citizen found with its number and phone on this browser: cancel and move act on it only.
SESSION_MY_BOOKING = "valiza_my_booking"


def _community(slug):
    return get_object_or_404(Community, slug=slug)


def _points(community):
    return (
        FixedPoint.objects.filter(community=community, is_active=True)
        .select_related("settlement", "community")
        .prefetch_related("sessions")
    )


@public
def points(request, slug):
    community = _community(slug)
    return render(request, "planning/public/points.html", {"community": community, "points": _points(community)})


@public
def point_detail(request, slug, pk):
    community = _community(slug)
    # Scoped by the community in the address: another community's point is a 404 here.
    point = get_object_or_404(_points(community), pk=pk)
    weeks = settings.VALIZA_BOOKING_WEEKS
    sessions = []
    for session in point.sessions.all():
        session.fixed_point = point  # already loaded: no query per session
        by_date = defaultdict(list)
        for slot in slots.free_slots(session, weeks=weeks):
            by_date[slot.date].append(slot)
        sessions.append({"session": session, "days": sorted(by_date.items())})
    return render(request, "planning/public/point.html", {
        "community": community, "point": point, "sessions": sessions, "weeks": weeks,
    })


def _too_many(request, community):
    return render(request, "public/too_many.html", {"community": community}, status=429)


@public
@require_http_methods(["GET", "POST"])
def book(request, slug):
    community = _community(slug)
    if request.method == "POST":
        # As on the request form: mistakes are counted loosely, saved bookings strictly.
        if not hit(request, "public-post", settings.VALIZA_PUBLIC_REQUEST_LIMIT * 6):
            return _too_many(request, community)
        form = SessionBookingForm(request.POST, community=community)
        if form.is_bot:
            # Answer as if all went well: a bot learns nothing, nothing is stored.
            return redirect("points:booked", slug=community.slug)
        if form.is_valid():
            if not hit(request, "public-booking", settings.VALIZA_PUBLIC_REQUEST_LIMIT):
                return _too_many(request, community)
            try:
                booking = actions.book_session_slot(form.booking())
            except actions.SlotTaken:
                form.add_error(None, str(slots.SLOT_TAKEN))
            except actions.TooManyBookings as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_LAST_BOOKING] = booking.pk
                return redirect("points:booked", slug=community.slug)
        slot = form.slot or SlotChoice(
            community, request.POST.get("session"), request.POST.get("date"), request.POST.get("start")
        )
    else:
        query = {name: request.GET.get(name, "")[:20] for name in ("session", "date", "start")}
        slot = SlotChoice(community, query["session"], query["date"], query["start"])
        form = SessionBookingForm(community=community, initial=query)
    return render(request, "planning/public/book.html", {
        "community": community, "form": form, "slot": slot,
        # A link to a slot that cannot be booked: say why instead of offering a form that would fail.
        "show_form": request.method == "POST" or slot.problem is None,
    })


@public
def booked(request, slug):
    community = _community(slug)
    booking = None
    pk = request.session.get(SESSION_LAST_BOOKING)
    if isinstance(pk, int):
        booking = (
            SessionBooking.objects.filter(community=community, pk=pk, cancelled=False)
            .select_related("session__fixed_point", "service")
            .prefetch_related("service__documents")
            .first()
        )
    end = slots.slot_end(booking.session, booking.start) if booking else None
    return render(request, "planning/public/booked.html", {"community": community, "booking": booking, "end": end})


def _my_booking(request, community):
    pk = request.session.get(SESSION_MY_BOOKING)
    if not isinstance(pk, int):
        return None
    return (SessionBooking.objects.filter(community=community, pk=pk)
            .select_related("session__fixed_point", "service").first())


def _move_choices(booking):
    """Free slots of the booking's session the citizen may move to, by day."""
    by_date = defaultdict(list)
    if booking is not None and not booking.cancelled:
        for slot in slots.free_slots(booking.session, weeks=settings.VALIZA_BOOKING_WEEKS):
            by_date[slot.date].append(slot)
    return sorted(by_date.items())


@public
@require_http_methods(["GET", "POST"])
def manage(request, slug):
    """A citizen's booking: found with its number and phone (the SMS's link fills the number in), then
    cancelled or moved to another free slot. A wrong number and a wrong phone get the same answer."""
    community = _community(slug)
    booking = _my_booking(request, community)
    form = BookingLookupForm(initial={"number": request.GET.get("n", "")[:20]})
    problem = done = ""
    if request.method == "POST":
        if not hit(request, "public-status", settings.VALIZA_PUBLIC_STATUS_LIMIT):
            return _too_many(request, community)
        action = request.POST.get("action", "find")
        if action == "find":
            form = BookingLookupForm(request.POST)
            booking = None
            request.session.pop(SESSION_MY_BOOKING, None)
            if form.is_valid():
                booking = bookings.find(community, form.cleaned_data["number"], form.cleaned_data["phone"])
                if booking is None:
                    problem = _("Запису з таким номером і телефоном не знайдено. Перевірте цифри з SMS або "
                                "зателефонуйте до ЦНАП.")
                else:
                    request.session[SESSION_MY_BOOKING] = booking.pk
        elif booking is None:
            problem = _("Спершу знайдіть свій запис: напишіть його номер і телефон.")
        elif action == "cancel":
            try:
                bookings.cancel(booking)
            except bookings.BookingError as exc:
                problem = str(exc)
            else:
                done = _("Запис скасовано. Цей час тепер може зайняти інша людина.")
        elif action == "move":
            slot = SlotChoice(community, booking.session_id, request.POST.get("date", "")[:12],
                              request.POST.get("start", "")[:8])
            if slot.session is None or slot.date is None:
                problem = slot.problem or _("Оберіть новий день і час зі списку.")
            else:
                try:
                    bookings.move(booking, slot.date, slot.start)
                except bookings.BookingError as exc:
                    problem = str(exc)
                else:
                    done = _("Запис перенесено. Ми надіслали SMS з новим часом.")
        else:
            problem = _("Оберіть, що зробити із записом.")
    end = slots.slot_end(booking.session, booking.start) if booking else None
    return render(request, "planning/public/manage.html", {
        "community": community, "form": form, "booking": booking, "end": end, "problem": problem, "done": done,
        "move_days": _move_choices(booking),
    }, status=200)

"""Fixed-point receptions worked on the laptop (issue 12): who an item at a session's stop is about.

A session's stop holds many people: those who booked a slot of that session on the trip's day, and
those who came without booking (walk-ins, `session.walk_in`). Each is an `Attendee` whose UUID the
item names (`attendee_id`); the laptop gets the bookings' UUIDs with the day and makes a walk-in's
itself. The first action about a person that needs a request (start, consent, acceptance, payment,
act, photo, outcome) makes it (`visits.actions.create_reception_request`), so everything after it is
the home visit's pipeline unchanged: one `Visit` per stop and person, cases in the journal.

Nothing the laptop sends decides the community, the team, the session or the booking: the stop is
found among the community's published trips and the user's team (batch), the booking among that
session's bookings on the trip's day.
"""

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from planning.models import SessionBooking
from visits import actions as visit_actions
from visits.models import ConsentHow, VisitRequest

from ..models import Attendee, SyncItem
from .errors import quarantine

_BOOKING_NAMESPACE = uuid.UUID("0b6f2b5e-8d0a-4c55-9a3f-2f1d6c7e9a12")

SESSION_KINDS = (SyncItem.Kind.WALK_IN, SyncItem.Kind.NO_SHOW)


def booking_attendee_id(booking):
    """The UUID the laptop names a booked person by: fixed for the booking, guessable by no one
    without the day (and useless without the stop, which the server checks)."""
    return uuid.uuid5(_BOOKING_NAMESPACE, f"booking:{booking.pk}:{booking.number}")


def session_bookings(stop):
    """The bookings of the stop's session on the trip's day, in slot order (cancelled ones too: a
    person who cancelled and came anyway is served as booked)."""
    return list(SessionBooking.objects.filter(session_id=stop.session_id, date=stop.trip.day)
                .select_related("service").order_by("start", "pk"))


def resolve(ctx):
    """Set `ctx.attendee` (and `ctx.req`, the person's request) for an item at a session's stop;
    refuse a session-only item at a home visit's stop. Runs inside the item's transaction."""
    kind, attendee_id = ctx.head.kind, ctx.head.attendee_id
    if ctx.stop.session_id is None:
        if kind in SESSION_KINDS or attendee_id is not None:
            raise quarantine("not_a_session", _(
                "Зупинка №%(n)s — візит додому, а не прийом у пункті: цю дію до неї не записано. Завантажте день "
                "заново, коли буде зв'язок.") % {"n": ctx.stop.position})
        return
    if kind == SyncItem.Kind.WALK_IN:
        return  # walk_in.apply registers the person
    if attendee_id is None:
        raise quarantine("attendee_missing", _(
            "Зупинка №%(n)s — прийом у пункті: у дії не вказано, кого з людей обслуговано. Відкрийте людину у "
            "списку прийому і зробіть дію там.") % {"n": ctx.stop.position})
    attendee = Attendee.objects.select_related("booking", "request", "stop__trip").filter(pk=attendee_id).first()
    if attendee is None:
        attendee = _booked(ctx, attendee_id)
    elif not same_reception(attendee.stop, ctx.stop) or attendee.community_id != ctx.item.community_id:
        attendee = None
    if attendee is None:
        raise quarantine("attendee_not_found", _(
            "Цієї людини немає серед записаних на цей прийом, і її не зареєстровано як людину без запису (можливо, "
            "реєстрацію не прийнято — дивіться її рядок вище). Повідомте координатора."))
    ctx.attendee = attendee
    if kind == SyncItem.Kind.NO_SHOW:
        return
    if attendee.no_show_at is not None:
        # Marked "did not come", and then came late after all: they are here.
        attendee.no_show_at = None
        attendee.save(update_fields=["no_show_at"])
    if attendee.request_id is None:
        attendee.request = _booking_request(ctx, attendee)
        attendee.save(update_fields=["request"])
    ctx.req = attendee.request


def same_reception(one, other):
    """Two stops of the same session on the same day (a revised plan makes a new stop for it)."""
    return one.pk == other.pk or (one.session_id == other.session_id and one.trip.day == other.trip.day)


def _booked(ctx, attendee_id):
    """The booking of this stop's session and day that the UUID names, as a new Attendee, or None."""
    for booking in session_bookings(ctx.stop):
        if booking_attendee_id(booking) == attendee_id:
            if Attendee.objects.filter(booking=booking).exists():
                # Worked already at another stop of the same session and day (a plan revised): that one.
                return Attendee.objects.select_related("booking", "request", "stop__trip").get(booking=booking)
            return Attendee.objects.create(id=attendee_id, community_id=ctx.item.community_id, stop=ctx.stop,
                                           booking=booking, created_at=ctx.effective_at, recorded_by=ctx.user)
    return None


def place_of(stop, req):
    """The request's place: the fixed point (the person's home is not what the team visits)."""
    point = stop.session.fixed_point
    req.settlement_id = point.settlement_id
    req.street = point.address[:200]
    req.building = ""
    req.latitude, req.longitude = point.latitude, point.longitude
    return req


def _booking_request(ctx, attendee):
    booking = attendee.booking
    point = ctx.stop.session.fixed_point
    req = place_of(ctx.stop, VisitRequest(
        community_id=ctx.item.community_id, applicant_name=booking.applicant_name,
        applicant_birth_date=booking.applicant_birth_date, applicant_phone=booking.phone,
        # The citizen booked for themselves, agreeing then: their own consent (ADR 4, issue 11).
        consent_at=booking.consent_at, consent_by=booking.applicant_name,
        person_consent_at=booking.consent_at, person_consent_how=ConsentHow.FILED,
        person_consent_name=booking.applicant_name, warning_acknowledged_at=booking.warning_acknowledged_at,
    ))
    comment = _("Прийом у пункті «%(p)s» %(d)s за записом %(n)s.") % {
        "p": point.name, "d": ctx.stop.trip.day.strftime("%d.%m.%Y"), "n": booking.number}
    return visit_actions.create_reception_request(
        req, [booking.service] if booking.service_id else [], by=ctx.user, at=min(ctx.effective_at, timezone.now()),
        comment=comment)

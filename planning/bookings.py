"""A fixed-point booking after it was made (issue 12): found by its number and phone, cancelled by the
citizen or by staff (with a reason, told by SMS), moved to another free slot. The slot is free the
moment a booking is cancelled or moved (the unique constraint counts only active bookings).

Plain functions: the public pages, the staff pages and tests call these, nothing else writes a
booking's state.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import sms_name

from . import slots
from .models import BOOKING_PREFIX, SessionBooking, Stop


class BookingError(Exception):
    """What cannot be done with a booking; the message is for the person (a citizen or staff)."""


def normalise_number(value):
    """The booking number a person typed (З-1234-5678, з 1234 5678, Z12345678, or the 8 digits an older
    SMS gave), as stored; None when it cannot be one."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 8:
        return None
    return f"{BOOKING_PREFIX}{digits[:4]}-{digits[4:]}"


def find(community, number, phone):
    """The community's booking with this number and phone, else None: a wrong number and a wrong
    phone are the same "not found", so nobody learns which numbers exist."""
    number = normalise_number(number)
    if number is None or not phone:
        return None
    return (SessionBooking.objects.filter(community=community, number=number, phone=phone)
            .select_related("session__fixed_point__community", "service").first())


def manage_link(booking):
    """The citizen's page for this booking (the SMS's reply link), absolute when the site's public
    address is known (VALIZA_PUBLIC_URL), else empty: an SMS cannot carry a relative link."""
    base = settings.VALIZA_PUBLIC_URL.rstrip("/")
    if not base:
        return ""
    path = reverse("points:manage", kwargs={"slug": booking.community.slug})
    # The digits only: a link stays plain ASCII in every phone's SMS app; the page reads them as the number.
    return f"{base}{path}?n={booking.number.removeprefix(BOOKING_PREFIX)}"


def _locked(booking):
    return SessionBooking.objects.select_for_update().select_related("session__fixed_point", "community").get(
        pk=booking.pk)


def _when(day, start):
    return _("%(date)s о %(time)s") % {"date": day.strftime("%d.%m"), "time": start.strftime("%H:%M")}


def _withdraw_reminders(booking):
    from notifications.models import Kind, OutboxMessage, State
    from notifications.outbox import cancel, related_ref

    for message in OutboxMessage.objects.filter(related_object=related_ref(booking), kind=Kind.REMINDER,
                                                state__in=[State.QUEUED, State.FAILED]):
        cancel(message)


def cancel(booking, *, by=None, reason=""):
    """Cancel a booking: by the citizen (`by` None) or by staff, who give the reason the citizen is
    told by SMS. A second cancel changes nothing and says so."""
    from notifications.models import Kind
    from notifications.outbox import enqueue

    reason = (reason or "").strip()
    if by is not None and not reason:
        raise BookingError(_("Напишіть причину: людина отримає її в SMS."))
    if len(reason) > 300 or "\x00" in reason:
        raise BookingError(_("Причина задовга: не більше 300 символів."))
    with transaction.atomic():
        locked = _locked(booking)
        if locked.cancelled:
            raise BookingError(_("Цей запис уже скасовано раніше. Нічого не змінено."))
        locked.cancelled, locked.cancelled_at = True, timezone.now()
        locked.cancelled_by, locked.cancel_reason = by, reason
        locked.save(update_fields=["cancelled", "cancelled_at", "cancelled_by", "cancel_reason"])
        _withdraw_reminders(locked)
        point = locked.session.fixed_point
        values = {"who": sms_name(locked.applicant_name), "n": locked.number, "when": _when(locked.date, locked.start),
                  "where": point.name, "why": reason, "phone": locked.community.phone or ""}
        if by is not None:
            text = _("ЦНАП (%(who)s): ваш запис %(n)s на %(when)s, %(where)s, скасовано. Причина: %(why)s.") % values
        else:
            text = _("ЦНАП (%(who)s): ви скасували запис %(n)s на %(when)s, %(where)s.") % values
        if values["phone"]:
            text += " " + _("Довідки: %(phone)s.") % values
        enqueue(community=locked.community, recipient=locked.phone, text=text, kind=Kind.SCHEDULE, related=locked,
                dedup_key=f"booking:{locked.pk}:cancelled")
    booking.refresh_from_db()
    return booking


def move(booking, day, start, *, now=None):
    """Move a booking to another free slot of the same session (the citizen's choice); the old slot is
    free at once. Refused, changing nothing, when the booking is cancelled or the slot cannot be booked."""
    from notifications.models import Kind
    from notifications.outbox import enqueue

    from .actions import REMINDER_TIME

    if booking.cancelled:
        raise BookingError(_("Цей запис уже скасовано, перенести його не можна. Запишіться знову."))
    session = booking.session
    if (day, start) == (booking.date, booking.start):
        raise BookingError(_("Ви обрали той самий час, що й був. Нічого не змінено."))
    problem = slots.slot_problem(session, day, start, weeks=settings.VALIZA_BOOKING_WEEKS, now=now)
    if problem:
        raise BookingError(problem)
    try:
        with transaction.atomic():
            locked = _locked(booking)
            if locked.cancelled:
                raise BookingError(_("Цей запис уже скасовано, перенести його не можна. Запишіться знову."))
            moved_at = timezone.now()
            locked.moved_from_session_id, locked.moved_from_date = locked.session_id, locked.date
            locked.date, locked.start, locked.moved_at = day, start, moved_at
            locked.save(update_fields=["date", "start", "moved_at", "moved_from_session", "moved_from_date"])
            _withdraw_reminders(locked)
            point = session.fixed_point
            values = {"who": sms_name(locked.applicant_name), "n": locked.number, "when": _when(day, start),
                      "where": f"{point.name}, {point.address}"}
            stamp = int(moved_at.timestamp())
            enqueue(community=locked.community, recipient=locked.phone, kind=Kind.SCHEDULE, related=locked,
                    text=_("ЦНАП (%(who)s): ваш запис %(n)s перенесено на %(when)s, %(where)s.") % values,
                    dedup_key=f"booking:{locked.pk}:moved:{stamp}")
            evening = datetime.datetime.combine(day - datetime.timedelta(days=1), REMINDER_TIME,
                                                tzinfo=timezone.get_current_timezone())
            if evening > timezone.now():
                enqueue(community=locked.community, recipient=locked.phone, kind=Kind.REMINDER, related=locked,
                        text=_("ЦНАП нагадує (%(who)s): завтра прийом %(when)s, %(where)s. Візьміть паспорт і "
                               "документи. Запис %(n)s.") % values,
                        dedup_key=f"booking:{locked.pk}:reminder:{stamp}", not_before=evening)
    except IntegrityError:
        # Someone took the slot between the check and the save: nothing changed.
        raise BookingError(str(slots.SLOT_TAKEN)) from None
    booking.refresh_from_db()
    return booking


def changed_session_stops(plan):
    """{stop id: [booking numbers]} of the plan's session stops whose bookings changed (made, cancelled,
    moved in or out) after the plan was made: the team will find other people than the plan showed."""
    made = plan.finished_at or plan.created_at
    stops = list(Stop.objects.filter(trip__plan=plan, session__isnull=False).select_related("trip"))
    if not stops or made is None:
        return {}
    keys = {(s.session_id, s.trip.day): s.pk for s in stops}
    sessions = {k[0] for k in keys}
    days = {k[1] for k in keys}
    changed = {}
    after = Q(created_at__gt=made) | Q(cancelled_at__gt=made) | Q(moved_at__gt=made)
    rows = SessionBooking.objects.filter(
        (after & Q(session_id__in=sessions, date__in=days))
        | Q(moved_at__gt=made, moved_from_session_id__in=sessions, moved_from_date__in=days))
    for booking in rows.order_by("date", "start", "pk"):
        here = keys.get((booking.session_id, booking.date))
        if here is not None:
            changed.setdefault(here, []).append(booking.number)
        left = keys.get((booking.moved_from_session_id, booking.moved_from_date))
        if left is not None and left != here and booking.moved_at and booking.moved_at > made:
            changed.setdefault(left, []).append(booking.number)
    return changed


def status_of(community, typed, phone):
    """The status page's answer for a booking number (visits.lookups): the template and its context."""
    booking = find(community, typed, phone)
    if booking is None:
        return None
    return "planning/public/_booking_status.html", {
        "booking": booking, "end": slots.slot_end(booking.session, booking.start)}

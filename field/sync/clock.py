"""Device time is bounded: what a laptop's clock may say before the server believes it.

The batch's `sent_at` against the moment the server received it gives the laptop's clock offset, and
an item's time corrected by it (`Batch.effective`) is when we believe the action happened. That
correction is only as good as the clock was steady, so an item is held for the coordinator
(`clock_suspect`, with every time shown on /staff/field/) when:

- its time on the laptop is after the batch's `sent_at` (more than `AHEAD_TOLERANCE`): the clock was
  moved back between the action and the sync, and the correction would move the action forward;
- its corrected time is before the request existed;
- its corrected time is outside its trip's day, widened by the community's margins
  (`field_clock_before_hours` before the day's midnight, `field_clock_after_hours` after its end).

An item's time long before `sent_at` is not a fault by itself: a laptop that syncs a week after the
trip sends the trip day's actions with a `sent_at` a week later, and that is fine; the trip's day is
what bounds it. The coordinator applies a held item with the server's receipt time or with the
stop's planned time on the trip's day (`review.resolve_apply`), or closes it.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ItemProblem, State

AHEAD_TOLERANCE = datetime.timedelta(minutes=1)
CODE = "clock_suspect"


def _shown(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def day_window(day, community):
    """[from, to) of the moments an action of a trip on `day` may carry."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    return (start - datetime.timedelta(hours=community.field_clock_before_hours),
            end + datetime.timedelta(hours=community.field_clock_after_hours))


def check(*, at, corrected, sent_at, received_at, stop, community):
    """Raise the `clock_suspect` conflict when the item's time cannot be believed."""
    trip_day = stop.trip.day
    start, end = day_window(trip_day, community)
    times = {"device_at": at.isoformat(), "corrected_at": corrected.isoformat(), "sent_at": sent_at.isoformat(),
             "received_at": received_at.isoformat(), "trip_day": trip_day.isoformat(),
             "window": {"from": start.isoformat(), "to": end.isoformat()}}
    what = {"at": _shown(at), "corrected": _shown(corrected), "day": trip_day.strftime("%d.%m.%Y")}
    if at > sent_at + AHEAD_TOLERANCE:
        rule, message = "after_sent", _(
            "Час цієї дії на ноутбуці (%(at)s) пізніший, ніж час надсилання: годинник ноутбука переводили.")
        what["sent"] = _shown(sent_at)
    elif stop.request_id is not None and corrected < stop.request.created_at:
        rule, message = "before_request", _(
            "Час цієї дії (%(corrected)s за годинником сервера) раніший, ніж з'явилася сама заявка.")
    elif not start <= corrected < end:
        rule, message = "outside_day", _(
            "Час цієї дії (%(corrected)s за годинником сервера) не припадає на день виїзду %(day)s.")
    else:
        return
    raise ItemProblem(State.CONFLICT, CODE, (message % what) + " " + _(
        "Дію збережено й передано координатору: він перевірить час. Повторювати нічого не потрібно; "
        "перевірте дату й час у налаштуваннях ноутбука."), {"clock": {**times, "rule": rule}})

"""The published week's schedule for starostas and district councils (issue 12; seed 004 §5.3.1: sent
to the district councils by the publish deadline, 14:00).

`send_week_schedule` runs inside `actions.publish`, so the schedule is queued the moment the week is
published: an e-mail (Django's mail backend) and an SMS with a link to the settlement's public schedule
page, both through the outbox (notifications.outbox), where the coordinator sees what was sent. They
carry dates, settlements and fixed points only; a starosta's e-mail also lists the numbers of the
requests they filed themselves, with the short name the SMS to citizens use.
"""

import datetime
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import STAROSTA
from communities.models import DistrictContact
from core.text import sms_name
from visits.models import Channel, VisitRequest

from . import schedule
from .models import Plan, Stop

log = logging.getLogger(__name__)
WEEKDAY_SHORT = ["пн", "вт", "ср", "чт", "пт", "сб", "нд"]


def day_label(day):
    return f"{WEEKDAY_SHORT[day.weekday()]} {day:%d.%m}"


def schedule_url(community, settlements=None):
    """The public schedule page, absolute with VALIZA_PUBLIC_URL (one settlement's, or the whole
    community's); empty without it: a message cannot carry a path."""
    if settlements is not None and len(settlements) == 1:
        path = reverse("schedule:settlement", args=[community.slug, settlements[0].pk])
    else:
        path = reverse("schedule:community", args=[community.slug])
    return settings.VALIZA_PUBLIC_URL + path if settings.VALIZA_PUBLIC_URL else ""


def starosta_settlements(user):
    """The settlements a starosta answers for: those bound to them, of their own community only."""
    if not user.community_id:
        return []
    return list(user.settlements.filter(community_id=user.community_id).order_by("name"))


def week_text(community, week, settlements):
    """The schedule of `week` for `settlements`, as plain text lines (no person named)."""
    sunday = week.monday + datetime.timedelta(days=6)
    lines = []
    for item in schedule.settlement_schedules(community, settlements, today=week.monday, until=sunday):
        parts = []
        if item.visit_days:
            parts.append(_("виїзди додому: %(days)s") % {"days": ", ".join(day_label(d) for d in item.visit_days)})
        for s in item.sessions:
            parts.append(
                _("прийом у пункті «%(point)s» %(day)s %(a)s–%(b)s")
                % {"point": s.point.name, "day": day_label(s.date), "a": f"{s.start:%H:%M}", "b": f"{s.end:%H:%M}"}
            )
        lines.append(f"{item.settlement.name}: " + ("; ".join(parts) if parts else _("цього тижня виїздів немає")))
    return lines


def _subject(community, week):
    sunday = week.monday + datetime.timedelta(days=6)
    return _("Графік мобільного ЦНАП (%(c)s) на %(a)s–%(b)s") % {
        "c": community.name,
        "a": f"{week.monday:%d.%m}",
        "b": f"{sunday:%d.%m.%Y}",
    }


def _own_requests_lines(user, week):
    """A starosta's own filed requests planned this week: number, short name, date and window."""
    sunday = week.monday + datetime.timedelta(days=6)
    mine = VisitRequest.objects.filter(community_id=user.community_id, created_by=user, channel=Channel.STAROSTA)
    lines = []
    stops = (
        Stop.objects.filter(
            request__in=mine,
            trip__plan__state=Plan.State.PUBLISHED,
            trip__plan__week=week,
            trip__day__range=(week.monday, sunday),
        )
        .select_related("request", "trip")
        .order_by("trip__day", "window_start")
    )
    for stop in stops:
        lines.append(
            _("%(n)s (%(who)s): %(day)s між %(a)s і %(b)s")
            % {
                "n": stop.request.number,
                "who": sms_name(stop.request.applicant_name),
                "day": day_label(stop.trip.day),
                "a": f"{timezone.localtime(stop.window_start):%H:%M}",
                "b": f"{timezone.localtime(stop.window_end):%H:%M}",
            }
        )
    return lines


def _send(plan, key, *, community, settlements, email, phone, extra=()):
    from notifications.models import Kind
    from notifications.outbox import enqueue, enqueue_email

    week = plan.week
    url = schedule_url(community, settlements)
    sent = 0
    if email:
        body = [_("Оприлюднено графік виїздів мобільного ЦНАП на тиждень."), ""]
        body += week_text(community, week, settlements)
        if extra:
            body += ["", _("Ваші заявки цього тижня:"), *extra]
        if url:
            body += ["", _("Графік і вільний час для запису: %(url)s") % {"url": url}]
        if community.phone:
            body.append(_("Довідки: %(phone)s") % {"phone": community.phone})
        enqueue_email(
            community=community,
            recipient=email,
            subject=_subject(community, week),
            text="\n".join(body),
            kind=Kind.SCHEDULE,
            related=plan,
            dedup_key=f"plan:{plan.pk}:schedule:{key}:email",
            wake=False,
        )
        sent += 1
    if phone and _valid_phone(phone):
        sunday = week.monday + datetime.timedelta(days=6)
        text = _("ЦНАП: графік виїздів %(a)s–%(b)s для %(where)s: %(url)s") % {
            "a": f"{week.monday:%d.%m}",
            "b": f"{sunday:%d.%m}",
            "where": ", ".join(s.name for s in settlements),
            "url": url or _("на сайті громади"),
        }
        if len(text) > 300:  # many settlements: the link says it all
            text = _("ЦНАП: графік виїздів %(a)s–%(b)s: %(url)s") % {
                "a": f"{week.monday:%d.%m}",
                "b": f"{sunday:%d.%m}",
                "url": url or _("на сайті громади"),
            }
        enqueue(
            community=community,
            recipient=phone,
            text=text,
            kind=Kind.SCHEDULE,
            related=plan,
            dedup_key=f"plan:{plan.pk}:schedule:{key}:sms",
            wake=False,
        )
        sent += 1
    return sent


def _valid_phone(phone):
    # A number typed wrongly in the admin must not stop the publishing: that contact gets the e-mail only.
    from django.core.exceptions import ValidationError

    from core.forms import normalize_phone

    try:
        return bool(normalize_phone(phone))
    except ValidationError:
        log.warning("A schedule contact's phone is not a phone number; no SMS queued")
        return False


def recipients(community):
    """[(key, settlements, email, phone, user or None)] of every active starosta and district contact of the
    community that answers for at least one of its settlements."""
    out = []
    starostas = (
        User.objects.filter(community=community, role=STAROSTA, is_active=True).prefetch_related("settlements").order_by("pk")
    )
    for user in starostas:
        settlements = sorted((s for s in user.settlements.all() if s.community_id == community.pk), key=lambda s: s.name)
        if settlements:
            out.append((f"starosta:{user.pk}", settlements, user.email, user.phone, user))
    for contact in DistrictContact.objects.filter(community=community).prefetch_related("settlements").order_by("pk"):
        settlements = sorted((s for s in contact.settlements.all() if s.community_id == community.pk), key=lambda s: s.name)
        if settlements:
            out.append((f"district:{contact.pk}", settlements, contact.email, contact.phone, None))
    return out


def send_week_schedule(plan):
    """Queue the published `plan`'s week for every active starosta and district contact of its
    community that answers for at least one settlement; returns how many messages were queued."""
    community = plan.week.community
    sent = 0
    for key, settlements, email, phone, user in recipients(community):
        extra = _own_requests_lines(user, plan.week) if user is not None else ()
        sent += _send(plan, key, community=community, settlements=settlements, email=email, phone=phone, extra=extra)
    return sent

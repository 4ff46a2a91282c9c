"""The weekly planning cycle: plan a week (in the background), approve, publish, revise.

Views, tasks and commands call these; none of them writes plans by itself.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from communities.models import Community
from communities.workdays import is_working_day
from core.logs import Safe
from core.text import sms_name
from visits import actions as visit_actions
from visits.models import Channel, Status, VisitRequest

from . import build, solver
from .models import Inclusion, Plan, PlanningWeek, SessionBooking, Stop, Trip, Unplanned

log = logging.getLogger(__name__)

REASON_LABELS = {
    solver.NO_COORDINATES: "Немає координат адреси — потрібне місце на мапі",
    solver.NO_SKILL: "Немає команди з потрібним фахівцем-партнером",
    # Also a visit every team of whose has someone with a declared conflict of interest (issue 16).
    solver.OUT_OF_REACH: "Задалеко для команди без автомобіля (далі, ніж команда ходить пішки від офісу), "
    "або в команді, що могла б поїхати, є працівник із задекларованим конфліктом інтересів щодо цієї людини чи адреси",
    solver.NO_WINDOW_FITS: "Жоден робочий день чи час команди не збігається з побажаннями людини",
    solver.BEYOND_AUTONOMY: "Дорога і прийом довші, ніж валіза працює від батареї",
    solver.NO_CAPACITY: "Не вистачило часу команд цього тижня",
    build.TEAM_OFF: "Команда цього прийому в цей день не працює (вихідний або немає робочих годин)",
}


REMINDER_TIME = datetime.time(16, 0)

# The statuses a planned request may have when its plan is approved or published (build.pool).
PLANNABLE = (Status.ACCEPTED, Status.SCHEDULED, Status.PARTLY_SERVED)


class PlanningError(Exception):
    """A planning step the rules don't allow; the message is for the coordinator."""


class SlotTaken(Exception):
    """Someone else booked the slot first."""


class TooManyBookings(Exception):
    """The phone already holds as many bookings as one person may; the message is for the citizen."""


def phone_booking_problem(community, phone, day, *, today=None):
    """Why `phone` may not book another slot on `day`, or None: one phone holds at most
    VALIZA_BOOKINGS_PER_PHONE future bookings and VALIZA_BOOKINGS_PER_PHONE_WEEK in one week, so a
    person cannot take every slot of a session, from however many addresses."""
    today = today or timezone.localdate()
    active = SessionBooking.objects.filter(community=community, phone=phone, cancelled=False)
    if active.filter(date__gte=today).count() >= settings.VALIZA_BOOKINGS_PER_PHONE:
        return _("На цей номер телефону вже є записи на прийом, і більше записів з одного номера зробити "
                 "не можна. Якщо вам потрібно прийти ще раз, ми допоможемо телефоном.") + " " + str(community.call_us())
    monday = day - datetime.timedelta(days=day.weekday())
    in_week = active.filter(date__range=(monday, monday + datetime.timedelta(days=6))).count()
    if in_week >= settings.VALIZA_BOOKINGS_PER_PHONE_WEEK:
        return _("На цей номер телефону вже є записи на прийом цього тижня. Оберіть день іншого тижня "
                 "або попросіть допомоги телефоном.") + " " + str(community.call_us())
    return None


def book_session_slot(booking):
    """Save a citizen's booking of a fixed-point slot. The database's unique constraint decides
    who gets a slot two people ask for at once: the loser gets SlotTaken, nothing is saved. A phone
    over its limits (`phone_booking_problem`) gets TooManyBookings, nothing is saved."""
    booking.community_id = booking.session.fixed_point.community_id
    try:
        with transaction.atomic():
            # The community's row is locked while its phone counts are read and the booking saved: two
            # bookings from one phone at once cannot both pass the count.
            community = Community.objects.select_for_update().get(pk=booking.community_id)
            problem = phone_booking_problem(community, booking.phone, booking.date)
            if problem:
                raise TooManyBookings(problem)
            booking.save()
    except IntegrityError:
        taken = SessionBooking.objects.filter(
            session=booking.session, date=booking.date, start=booking.start, cancelled=False
        ).exists()
        if taken:
            raise SlotTaken from None
        raise
    _booking_sms(booking)
    return booking


def _booking_sms(booking):
    """The confirmation at once and a reminder the evening before, through the outbox."""
    from notifications.models import Kind
    from notifications.outbox import enqueue

    point = booking.session.fixed_point
    when = _("%(date)s о %(time)s") % {"date": booking.date.strftime("%d.%m"), "time": booking.start.strftime("%H:%M")}
    where = f"{point.name}, {point.address}"
    text = _("ЦНАП (%(who)s): ви записані на прийом %(when)s, %(where)s. Номер запису %(n)s.")
    reminder = _("ЦНАП нагадує (%(who)s): завтра прийом %(when)s, %(where)s. Візьміть паспорт і документи. "
                 "Запис %(n)s.")
    values = {"when": when, "where": where, "n": booking.number, "who": sms_name(booking.applicant_name)}
    from .bookings import manage_link

    confirm, evening_text = text % values, reminder % values
    link = manage_link(booking)
    if link:
        confirm += " " + _("Скасувати чи перенести: %(link)s") % {"link": link}
        # A person who cannot come tomorrow frees the slot for someone else.
        evening_text += " " + _("Не зможете прийти — скасуйте: %(link)s") % {"link": link}
    evening = datetime.datetime.combine(
        booking.date - datetime.timedelta(days=1), REMINDER_TIME, tzinfo=timezone.get_current_timezone()
    )
    with transaction.atomic():
        enqueue(community=booking.community, recipient=booking.phone, text=confirm, kind=Kind.SCHEDULE,
                related=booking, dedup_key=f"booking:{booking.pk}:confirm")
        if evening > timezone.now():
            enqueue(community=booking.community, recipient=booking.phone, text=evening_text,
                    kind=Kind.REMINDER, related=booking, dedup_key=f"booking:{booking.pk}:reminder",
                    not_before=evening)


def next_monday(today=None):
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def last_working_day_before(week):
    days = [week.monday - datetime.timedelta(days=i) for i in range(1, 8)]
    return next((d for d in days if is_working_day(d, community=week.community)), days[2])


def _unsaved_week(community, monday):
    """The week as `week_for` would create it, not saved: its cut-off and deadline on the last
    working day before it."""
    week = PlanningWeek(community=community, monday=monday)
    day = last_working_day_before(week)
    tz = timezone.get_current_timezone()
    week.cutoff_at = datetime.datetime.combine(day, community.planning_cutoff, tzinfo=tz)
    week.publish_by = datetime.datetime.combine(day, community.publish_deadline, tzinfo=tz)
    return week


def week_for(community, monday):
    """The planning week starting on `monday`, created with the community's cut-off and deadline."""
    if monday.weekday() != 0:
        raise PlanningError(_("Тиждень планування починається з понеділка."))
    week = PlanningWeek.objects.filter(community=community, monday=monday).first()
    if week:
        return week
    probe = _unsaved_week(community, monday)
    week, _created = PlanningWeek.objects.get_or_create(
        community=community, monday=monday,
        defaults={"cutoff_at": probe.cutoff_at, "publish_by": probe.publish_by},
    )
    return week


def start_planning(week, *, by, time_limit_s):
    """Open a new plan version in state 'planning'. Refused while another run of the week is going."""
    if not 1 <= int(time_limit_s) <= 600:
        raise PlanningError(_("Час на розрахунок — від 1 до 600 секунд."))
    try:
        with transaction.atomic():
            version = (week.plans.aggregate(v=Max("version"))["v"] or 0) + 1
            return Plan.objects.create(week=week, version=version, created_by=by, time_limit_s=time_limit_s)
    except IntegrityError:
        raise PlanningError(_("Цей тиждень уже плануються. Зачекайте, доки розрахунок завершиться.")) from None


def cancel_planning(plan, *, by):
    """The coordinator stops a run: the week is free at once. The worker's solver notices at its next
    progress report and stops; whatever it finds is thrown away (run_planning stores a plan only
    while it is still 'planning')."""
    who = (by.get_full_name() or by.get_username()) if by else ""
    message = _("Розрахунок скасовано: %(who)s, %(at)s.") % {
        "who": who, "at": timezone.localtime().strftime("%d.%m.%Y %H:%M")}
    if not _finish(plan, Plan.State.CANCELLED, message):
        raise PlanningError(_("Цей розрахунок уже завершився — скасовувати нічого. Оновіть сторінку."))
    log.info("planning %s cancelled by user %s", plan.pk, by.pk if by else None)


def run_planning(plan_id):
    """Solve and store the plan. Nothing is half-saved: trips and stops are written in one
    transaction at the end; a failure leaves the plan 'failed' with a message. A run that was
    cancelled (or failed by the worker's recovery) meanwhile stops and stores nothing."""
    plan = Plan.objects.select_related("week__community").get(pk=plan_id)
    if plan.state != Plan.State.PLANNING:
        return plan  # a repeated task run does nothing
    if not Plan.objects.filter(pk=plan.pk, state=Plan.State.PLANNING).update(started_at=timezone.now()):
        return _fresh(plan)
    week = plan.week
    last_save = [0.0]

    def progress(p):
        now = time.monotonic()
        if now - last_save[0] >= 0.5:
            last_save[0] = now
            # The update is also the question "still wanted?": a cancelled run's row no longer matches.
            still_planning = Plan.objects.filter(pk=plan.pk, state=Plan.State.PLANNING).update(
                progress=min(99, int(p.fraction * 100)))
            if not still_planning:
                return True
        return False

    try:
        built = build.build_problem(week)
        if not built.problem.shifts:
            raise PlanningError(_("Цього тижня немає жодної команди з робочими годинами. Перевірте графіки команд."))
        result = solver.solve(built.problem, plan.time_limit_s, progress=progress,
                              no_improvement=settings.VALIZA_SOLVER_NO_IMPROVEMENT)
        with transaction.atomic():
            if _finish(plan, Plan.State.DRAFT, ""):
                _save_solution(plan, built, result)
            else:
                log.info("planning %s ended after it was cancelled or failed; its result is dropped", plan.pk)
    except (PlanningError, solver.ProblemError, solver.TravelTimeError) as exc:
        _fail(plan, str(exc))
    except Exception:
        log.exception("planning %s failed", plan.pk)
        _fail(plan, _("Під час розрахунку стався збій. Спробуйте ще раз; якщо повториться — повідомте адміністратора."))
    return _fresh(plan)


def _fresh(plan):
    plan.refresh_from_db()
    return plan


def _finish(plan, state, message):
    """End a run that is still 'planning' (only one ending wins: done, failed or cancelled); True if
    this call ended it. The week is free for a new run from this moment."""
    return Plan.objects.filter(pk=plan.pk, state=Plan.State.PLANNING).update(
        state=state, message=message[:500], progress=100, finished_at=timezone.now()
    ) == 1


def _fail(plan, message):
    return _finish(plan, Plan.State.FAILED, message)


# What the coordinator reads when the worker's recovery ends a run (recover_runs).
RUN_LOST = _lazy("Розрахунок перервався: фонова служба зупинилася під час роботи. Тиждень вільний — "
                 "спробуйте спланувати ще раз.")
RUN_TOO_LONG = _lazy("Розрахунок не завершився вчасно (понад %(minutes)s хв). Тиждень вільний — спробуйте ще "
                     "раз; якщо повториться, повідомте адміністратора.")
RUN_NOT_QUEUED = _lazy("Розрахунок не вдалося передати фоновій службі. Тиждень вільний — спробуйте ще раз.")


def run_deadline(plan):
    """When a started run is surely over: twice its time limit (the solver may search twice) plus
    VALIZA_PLANNING_MARGIN_SECONDS for building the problem and storing the plan."""
    return plan.started_at + datetime.timedelta(
        seconds=2 * plan.time_limit_s + settings.VALIZA_PLANNING_MARGIN_SECONDS)


def recover_runs(now=None):
    """Fail the runs that can no longer finish, so their weeks are free again; returns how many.

    Run by the background worker at its start and every VALIZA_WORKER_CHECK_SECONDS (core/worker.py),
    after it reaped the tasks of dead workers: a run whose task ended (reaped, or died in a way the
    run could not record), a run past its deadline, a run whose task was never queued.
    """
    from . import tasks

    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.VALIZA_WORKER_LEASE_SECONDS)
    ended = 0
    for plan in Plan.objects.filter(state=Plan.State.PLANNING):
        status = tasks.run_status(plan)
        if status == tasks.RUN_GONE:
            message = RUN_LOST
        elif plan.started_at is not None and now > run_deadline(plan):
            message = RUN_TOO_LONG % {"minutes": max(1, round((run_deadline(plan) - plan.started_at).total_seconds() / 60))}
        elif status == tasks.RUN_UNKNOWN and not plan.task_id and plan.started_at is None \
                and now - plan.created_at > grace:
            message = RUN_NOT_QUEUED
        else:
            continue
        if _fail(plan, str(message)):
            ended += 1
            log.warning("planning %s failed by recovery (task %s)", plan.pk, Safe(plan.task_id or "none"))
    return ended


def _unplanned(plan, built, visit_id, reason):
    if visit_id in built.sessions:
        session, day = built.sessions[visit_id]
        return Unplanned(plan=plan, session=session, date=day, reason=reason)
    return Unplanned(plan=plan, request=built.requests[visit_id], reason=reason)


def _save_solution(plan, built, result):
    week = plan.week
    pinned = {v.id for v in built.problem.visits if v.pinned_shift and v.id not in built.sessions}
    session_stops = 0
    for route in result.routes:
        if not route.stops:
            continue
        team, day = built.shifts[route.shift_id]
        trip = Trip.objects.create(
            plan=plan, team=team, day=day, vehicle=team.vehicle, suitcase=team.suitcase,
            leave_at=build.at_minute(week, route.depart), return_at=build.at_minute(week, route.back),
            travel_minutes=route.travel, distance_m=route.distance, wait_minutes=route.wait,
        )
        for position, stop in enumerate(route.stops, start=1):
            times = dict(
                arrival=build.at_minute(week, stop.arrival), start=build.at_minute(week, stop.start),
                end=build.at_minute(week, stop.end),
            )
            if stop.visit_id in built.sessions:
                # People booked the session's own hours: those are their window, not a rounded one.
                session, _day = built.sessions[stop.visit_id]
                Stop.objects.create(
                    trip=trip, position=position, session=session, window_start=times["start"],
                    window_end=times["end"], **times,
                )
                session_stops += 1
                continue
            window_start, window_end = build.citizen_window(week, stop.start)
            Stop.objects.create(
                trip=trip, position=position, request=built.requests[stop.visit_id],
                window_start=window_start, window_end=window_end,
                pinned=stop.visit_id in pinned, **times,
            )
    left_out = [(u.visit_id, u.reason) for u in result.unplanned] + list(built.skipped.items())
    Unplanned.objects.bulk_create([_unplanned(plan, built, visit_id, reason) for visit_id, reason in left_out])
    t = result.totals
    plan.totals = {
        "visits": t.visits - session_stops, "sessions": session_stops,
        "unplanned": len(left_out), "travel_minutes": t.travel,
        "distance_km": round(t.distance / 1000, 1), "wait_minutes": t.wait, "service_minutes": t.service,
        "trips": t.shifts_used, "runtime_s": round(result.runtime_s, 1),
    }
    plan.basis = built.basis
    plan.message = "" if built.requests else _("У пулі немає прийнятих заявок на цей тиждень.")
    # The state, progress and end time were set by _finish, in this same transaction.
    plan.save(update_fields=["totals", "basis", "message"])


def stale_requests(plan):
    """Requests changed, withdrawn or moved since the plan was made (approving must re-plan)."""
    ids = [int(i) for i in plan.basis]
    current = {r.pk: r for r in VisitRequest.objects.filter(pk__in=ids)}
    stale = []
    for key, stamp in plan.basis.items():
        req = current.get(int(key))
        if req is None or req.status not in PLANNABLE or req.updated_at.isoformat() != stamp:
            stale.append(req or key)
    # Another week's plan published since took some of them: that trip holds them now.
    held = set(build.held_elsewhere(plan.week).filter(request_id__in=ids).values_list("request_id", flat=True))
    stale += [r for r in current.values() if r.pk in held and r not in stale]
    new = build.pool(plan.week).exclude(status=Status.SCHEDULED).exclude(pk__in=ids)
    return stale, list(new)


@transaction.atomic
def approve(plan, *, by):
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != Plan.State.DRAFT:
        raise PlanningError(_("Затвердити можна лише чернетку плану."))
    stale, new = stale_requests(plan)
    if stale:
        raise PlanningError(
            _("Після розрахунку змінилися або відкликані заявки: %(n)s. Сплануйте тиждень заново.") % {"n": len(stale)}
        )
    plan.state = Plan.State.APPROVED
    plan.approved_by, plan.approved_at = by, timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    return plan


def _sms_text(stop, kind):
    day = timezone.localtime(stop.window_start)
    when = _("%(date)s між %(a)s і %(b)s") % {
        "date": day.strftime("%d.%m"), "a": day.strftime("%H:%M"),
        "b": timezone.localtime(stop.window_end).strftime("%H:%M"),
    }
    # Each text names whom it is about ("Марія К."): one phone may have asked for two people.
    values = {"n": stop.request.number, "when": when, "who": sms_name(stop.request.applicant_name)}
    if kind == "correction":
        return _("ЦНАП (%(who)s): зміна часу візиту за заявкою %(n)s: %(when)s.") % values
    if kind == "reminder":
        return _("ЦНАП нагадує (%(who)s): завтра візит адміністратора %(when)s. Підготуйте документи. "
                 "Заявка %(n)s.") % values
    return _("ЦНАП (%(who)s): адміністратор приїде %(when)s. Заявка %(n)s. Підготуйте документи.") % values


def publish_preview(plan):
    """What publishing `plan` would send, for the coordinator's confirmation: how many people get a
    new date, a changed time, word that their visit is put off, and a reminder the evening before.
    The same rules as `publish` (a request whose outcome arrived meanwhile gets nothing)."""
    previous = plan.week.plans.filter(state=Plan.State.PUBLISHED).exclude(pk=plan.pk).first()
    before = {}
    if previous:
        before = {s.request_id: (s.window_start, s.window_end)
                  for s in Stop.objects.filter(trip__plan=previous, request__isnull=False)}
    counts = {"schedule": 0, "correction": 0, "unchanged": 0, "dropped": 0, "reminder": 0}
    for stop in Stop.objects.filter(trip__plan=plan, request__isnull=False).select_related("request"):
        if stop.request.status not in PLANNABLE:
            continue
        counts["reminder"] += 1
        old = before.pop(stop.request_id, None)
        if old == (stop.window_start, stop.window_end):
            counts["unchanged"] += 1
        else:
            counts["schedule" if old is None else "correction"] += 1
    counts["dropped"] = VisitRequest.objects.filter(pk__in=list(before), status=Status.SCHEDULED).count()
    counts["sms"] = counts["schedule"] + counts["correction"] + counts["dropped"]
    from .notices import recipients

    counts["contacts"] = len(recipients(plan.week.community))  # starostas and district councils (issue 12)
    return counts


@transaction.atomic
def publish(plan, *, by):
    """Publish an approved plan: requests become scheduled, citizens get an SMS each; a revision
    supersedes the previous published version and tells only those whose visit changed."""
    from notifications.models import Kind, OutboxMessage, State
    from notifications.outbox import cancel, enqueue, wake_sender

    plan = Plan.objects.select_for_update().select_related("week__community").get(pk=plan.pk)
    if plan.state != Plan.State.APPROVED:
        raise PlanningError(_("Оприлюднити можна лише затверджений план."))
    community = plan.week.community
    # A request belongs to one published trip at a time: if another week published it since this
    # plan was approved, publishing would send its person a second, conflicting date.
    taken = Stop.objects.filter(trip__plan=plan, request_id__in=build.held_elsewhere(plan.week)).count()
    if taken:
        raise PlanningError(ngettext(
            "%(n)s заявку вже поставлено в оприлюднений план іншого тижня. Сплануйте цей тиждень заново.",
            "%(n)s заявок уже поставлено в оприлюднений план іншого тижня. Сплануйте цей тиждень заново.",
            taken) % {"n": taken})
    previous = plan.week.plans.filter(state=Plan.State.PUBLISHED).exclude(pk=plan.pk).first()
    before = {}
    if previous:
        before = {
            s.request_id: (s.window_start, s.window_end)
            for s in Stop.objects.filter(trip__plan=previous, request__isnull=False)
        }
        previous.state = Plan.State.SUPERSEDED
        previous.save(update_fields=["state"])
        # Reminders of the old version would name old times: the new version queues its own.
        for message in OutboxMessage.objects.filter(
            dedup_key__startswith=f"plan:{previous.pk}:", kind=Kind.REMINDER, state=State.QUEUED
        ):
            cancel(message)
    # Only requests get the plan's SMS: people at a fixed-point session booked its hours themselves
    # (session stops have no request).
    stops = list(Stop.objects.filter(trip__plan=plan, request__isnull=False).select_related("request", "trip"))
    for stop in stops:
        req = stop.request
        if req.status not in PLANNABLE:
            continue  # its outcome arrived meanwhile (served, withdrawn): nothing to announce
        if req.status in (Status.ACCEPTED, Status.PARTLY_SERVED):
            visit_actions.change_status(req, Status.SCHEDULED, by=by, comment=_("Оприлюднено план: %(p)s") % {"p": plan})
        # The reminder goes out the evening before (or at once if that evening has passed).
        evening = datetime.datetime.combine(
            stop.trip.day - datetime.timedelta(days=1), REMINDER_TIME, tzinfo=timezone.get_current_timezone()
        )
        enqueue(
            community=community, recipient=req.contact_phone, text=_sms_text(stop, "reminder"), kind=Kind.REMINDER,
            related=req, dedup_key=f"plan:{plan.pk}:request:{req.pk}:reminder",
            not_before=max(evening, timezone.now()), wake=False,
        )
        old = before.pop(req.pk, None)
        if old == (stop.window_start, stop.window_end):
            continue
        kind = "schedule" if old is None else "correction"
        enqueue(
            community=community, recipient=req.contact_phone, text=_sms_text(stop, kind), kind=kind,
            related=req, dedup_key=f"plan:{plan.pk}:request:{req.pk}:{kind}",
        )
    # Dropped from the revised plan: back to the pool, and the person is told.
    for request_id in before:
        req = VisitRequest.objects.get(pk=request_id)
        if req.status == Status.SCHEDULED:
            visit_actions.change_status(req, Status.ACCEPTED, by=by, comment=_("Візит знято з нової версії плану"))
            enqueue(
                community=community, recipient=req.contact_phone, kind="correction",
                text=_("ЦНАП (%(who)s): візит за заявкою %(n)s перенесено, ми повідомимо нову дату.") % {
                    "n": req.number, "who": sms_name(req.applicant_name)},
                related=req, dedup_key=f"plan:{plan.pk}:request:{req.pk}:dropped",
            )
    plan.state = Plan.State.PUBLISHED
    plan.published_by, plan.published_at = by, timezone.now()
    plan.published_late = plan.published_at > plan.week.publish_by
    plan.save(update_fields=["state", "published_by", "published_at", "published_late"])
    # Starostas and district councils get the week for their settlements now, by the deadline (issue 12).
    from .notices import send_week_schedule

    send_week_schedule(plan)
    wake_sender()
    from .tasks import schedule_return_unvisited

    for day in sorted({stop.trip.day for stop in stops}):
        schedule_return_unvisited(day)
    return plan


@transaction.atomic
def include_late(week, req, *, by):
    """The coordinator plans a request accepted after the week's cut-off in this week anyway; the
    request's history records who and when. Including it again changes nothing."""
    if req.community_id != week.community_id:
        raise PlanningError(_("Заявка належить іншій громаді."))
    if req.status != Status.ACCEPTED:
        raise PlanningError(_("Включити можна лише прийняту заявку, яка чекає планування."))
    inclusion, created = Inclusion.objects.get_or_create(week=week, request=req, defaults={"by": by})
    if created:
        visit_actions.add_note(req, by=by, comment=_(
            "Прийнято після терміну прийому адрес, але координатор включив заявку до плану: %(week)s.")
            % {"week": week})
    return inclusion


def cancel_reminders(req, *, plan=None):
    """Withdraw the request's reminders not yet sent (only those of `plan`'s visit when given); returns
    how many. Called the moment a visit's outcome arrives (field/sync/outcome.py): nobody is reminded
    of a visit that took place, was refused or is being planned again."""
    from notifications.models import Kind, OutboxMessage, State
    from notifications.outbox import cancel, related_ref

    messages = OutboxMessage.objects.filter(related_object=related_ref(req), kind=Kind.REMINDER,
                                            state__in=[State.QUEUED, State.FAILED])
    if plan is not None:
        messages = messages.filter(dedup_key__startswith=f"plan:{plan.pk}:")
    return sum(cancel(m) for m in messages)


# How long before the cut-off and the publish deadline the coordinator is reminded.
CUTOFF_NOTICE = datetime.timedelta(hours=2)
DEADLINE_NOTICE = datetime.timedelta(hours=1)
CUTOFF, DRAFT, DEADLINE, OVERDUE = "cutoff", "draft", "deadline", "overdue"


@dataclass
class Reminder:
    """One thing the coordinator should do now for the coming week: `key` says what, `ref` names the
    occasion once (the SMS's dedup key), `text` speaks to the coordinator."""

    key: str
    ref: str
    text: str


def coordinator_reminders(community, now=None):
    """What the coordinator is reminded of for the coming week (issue 10, seed 004 §5.3–5.4): the
    cut-off is near, a draft is ready to approve, the publish deadline is within the hour, or passed.
    Computed from the week's state, so the staff pages and the worker always agree."""
    now = now or timezone.now()
    monday = next_monday(timezone.localdate(now))
    # Reading never writes: a week nobody opened yet is only computed (every staff page asks).
    week = (PlanningWeek.objects.filter(community=community, monday=monday).first()
            or _unsaved_week(community, monday))
    at = {"cutoff": timezone.localtime(week.cutoff_at).strftime("%d.%m о %H:%M"),
          "deadline": timezone.localtime(week.publish_by).strftime("%d.%m о %H:%M"), "week": str(week)}
    plans = list(week.plans.only("pk", "version", "state").order_by("-version")[:20]) if week.pk else []
    published = any(p.state == Plan.State.PUBLISHED for p in plans)
    out = []
    if week.cutoff_at - CUTOFF_NOTICE <= now < week.cutoff_at:
        out.append(Reminder(CUTOFF, f"week:{monday}:cutoff", _(
            "Прийом адрес на %(week)s закінчується %(cutoff)s. Заявки, прийняті пізніше, підуть на наступний "
            "тиждень.") % at))
    draft = plans[0] if plans and plans[0].state == Plan.State.DRAFT else None
    if draft is not None:
        out.append(Reminder(DRAFT, f"plan:{draft.pk}:draft", _(
            "План на %(week)s (версія %(v)s) готовий: перевірте і затвердьте його.") % {**at, "v": draft.version}))
    if not published and week.publish_by - DEADLINE_NOTICE <= now < week.publish_by:
        out.append(Reminder(DEADLINE, f"week:{monday}:deadline", _(
            "Графік на %(week)s треба оприлюднити до %(deadline)s — лишилося менше години.") % at))
    if not published and week.publish_by <= now and timezone.localdate(now) < week.monday:
        out.append(Reminder(OVERDUE, f"week:{monday}:overdue", _(
            "Графік на %(week)s не оприлюднено вчасно (термін — %(deadline)s). Оприлюдніть його якнайшвидше.")
            % at))
    return out


def remind_coordinators(now=None):
    """The worker's check (VALIZA_WORKER_CHECKS): each coordinator with a phone gets one SMS per
    reminder through the outbox (its dedup key makes any number of runs send it once). Coordinators
    without a phone see the same reminders on the staff pages. Returns how many SMS were queued."""
    from accounts.models import User
    from accounts.roles import COORDINATOR
    from notifications.outbox import enqueue

    now = now or timezone.now()
    queued = 0
    for community in Community.objects.all():
        reminders = [r for r in coordinator_reminders(community, now) if r.key != OVERDUE]
        if not reminders:
            continue
        people = User.objects.filter(community=community, role=COORDINATOR, is_active=True).exclude(phone="")
        for user in people:
            for reminder in reminders:
                try:
                    _message, created = enqueue(
                        community=community, recipient=user.phone, text=_("Валіза: ") + reminder.text,
                        dedup_key=f"staff:{user.pk}:{reminder.ref}")
                except ValueError:
                    log.warning("coordinator %s has a phone the outbox refuses", user.pk)
                    break
                queued += created
    return queued


def return_unvisited(today=None):
    """Requests whose visit day has passed and that are still scheduled go back to the planning
    pool with the reason in their history, so the next week's plan takes them again.

    Still scheduled means no outcome reached the server: nobody got there, or the laptop has not
    synced yet. A visit synced later still counts: the field sync moves the request on from the
    pool (field/sync/outcome.py). A request also on a later published trip stays where it is.
    Safe to run any number of times; returns how many requests went back.
    """
    today = today or timezone.localdate()
    overdue = (Stop.objects.filter(trip__plan__state=Plan.State.PUBLISHED, trip__day__lt=today,
                                   request__status=Status.SCHEDULED)
               .select_related("trip").order_by("trip__day", "pk"))
    returned = 0
    for stop in overdue:
        with transaction.atomic():
            req = VisitRequest.objects.select_for_update().get(pk=stop.request_id)
            if req.status != Status.SCHEDULED:
                continue
            if Stop.objects.filter(request=req, trip__plan__state=Plan.State.PUBLISHED,
                                   trip__day__gte=today).exists():
                continue
            try:
                visit_actions.change_status(req, Status.ACCEPTED, by=None, comment=_(
                    "Візит %(d)s не відбувся або його результат не надійшов з ноутбука. Заявка повертається до "
                    "планування.") % {"d": stop.trip.day.strftime("%d.%m.%Y")})
            except visit_actions.TransitionError as exc:
                # E.g. no longer eligible: the coordinator decides; the rest go on.
                # The rule's own words (a status, a category), no one's data.
                log.warning("request %s not returned to the pool: %s", req.pk, Safe(str(exc)))
                continue
            returned += 1
    returned += _hold_unfinished_receptions(today)
    if returned:
        log.info("returned %d unvisited requests to the pool", returned)
    return returned


def _hold_unfinished_receptions(today):
    """A person registered at a fixed-point reception whose outcome never reached the server: the request
    was made at the reception (channel «point»), so the home-visit pool is not its place — it waits for the
    coordinator, as a not-served outcome at a reception does (issue 12). Read through the field's relation
    name only (ADR 8: planning does not import field)."""
    held = 0
    stuck = (VisitRequest.objects.filter(channel=Channel.POINT, status=Status.SCHEDULED,
                                         attendee__stop__trip__day__lt=today)
             .values_list("pk", "attendee__stop__trip__day").order_by("pk"))
    for pk, day in stuck:
        with transaction.atomic():
            req = VisitRequest.objects.select_for_update().get(pk=pk)
            if req.status != Status.SCHEDULED:
                continue
            try:
                visit_actions.change_status(req, Status.ON_HOLD, by=None, comment=_(
                    "Прийом у пункті %(d)s: результат з ноутбука не надійшов. Координатор вирішує, що далі.")
                    % {"d": day.strftime("%d.%m.%Y")})
            except visit_actions.TransitionError as exc:
                log.warning("reception request %s not put on hold: %s", pk, Safe(str(exc)))
                continue
            held += 1
    return held

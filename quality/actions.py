"""Every write of the quality app goes through these functions: the field sync, views, tasks and the
demo loader call them, so the rules (one survey per visit, the attempt limit, the term of a complaint,
nothing counted twice) hold whatever the entry point."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.workdays import WorkCalendar
from core.forms import normalize_phone
from notifications import outbox

from .models import CallAttempt, Channel, Complaint, Feedback, Proposal, SurveyTask

# The first call: the morning of the next working day; a retry moves to another part of the day.
FIRST_CALL = datetime.time(10, 0)
MORNING = datetime.time(10, 0)
AFTERNOON = datetime.time(15, 0)
NOON = datetime.time(13, 0)
# An answer by SMS fits one message with its heading (notifications.outbox.MAX_TEXT is 1000).
SMS_ANSWER_MAX = 600


class QualityError(Exception):
    """An action the rules refuse; the message is for the user, in plain Ukrainian."""


class StaleVersion(QualityError):
    """The record was saved (from another tab or by someone else) after this form was opened."""


def _at(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


# -- surveys ------------------------------------------------------------------------------------


def visit_outcome_recorded(visit, *, served, now=None):
    """The field sync recorded a visit's outcome. A served visit gets its survey call on the next
    working day (once, however often the outcome is synced); a visit corrected to "not served"
    before anyone called loses its call. Returns the task or None."""
    now = now or timezone.now()
    task = SurveyTask.objects.filter(visit=visit).first()
    if not served:
        if task is not None and task.is_open and task.attempts == 0:
            task.state, task.closed_at, task.version = SurveyTask.State.CANCELLED, now, task.version + 1
            task.save(update_fields=["state", "closed_at", "version"])
        return task
    if task is not None:
        if task.state == SurveyTask.State.CANCELLED:
            task.state, task.closed_at, task.version = SurveyTask.State.OPEN, None, task.version + 1
            task.save(update_fields=["state", "closed_at", "version"])
        return task
    req = visit.request
    served_on = visit.finished_at or now
    day = WorkCalendar(visit.community_id).next_working_day(served_on)
    task, _created = SurveyTask.objects.get_or_create(
        visit=visit,
        defaults={
            "community_id": visit.community_id,
            "request": req,
            "served_by_id": visit.recorded_by_id,
            "phone": req.applicant_phone or req.requester_phone,
            "call_from": _at(day, FIRST_CALL),
            "created_at": now,
        },
    )
    return task


def calls_due(user, today=None):
    """The open surveys of the user's community to call today (their day has come), first due first."""
    today = today or timezone.localdate()
    end_of_today = _at(today + datetime.timedelta(days=1), datetime.time(0, 0))
    return (
        SurveyTask.objects.for_user(user)
        .filter(state=SurveyTask.State.OPEN, call_from__lt=end_of_today)
        .select_related("request", "served_by", "visit")
    )


def calls_later(user, today=None):
    """Open surveys whose day has not come yet: retries and tomorrow's first calls."""
    today = today or timezone.localdate()
    end_of_today = _at(today + datetime.timedelta(days=1), datetime.time(0, 0))
    return (
        SurveyTask.objects.for_user(user)
        .filter(state=SurveyTask.State.OPEN, call_from__gte=end_of_today)
        .select_related("request", "served_by", "visit")
    )


def _next_try(task, now):
    """Another working day, at another part of the day than this call."""
    local = timezone.localtime(now)
    day = WorkCalendar(task.community_id).next_working_day(local.date())
    return _at(day, AFTERNOON if local.time() < NOON else MORNING)


@dataclass
class Answers:
    came_on_time: bool | None = None
    explained: bool | None = None
    asked_extra: bool | None = None
    would_recommend: bool | None = None
    improve: str = ""
    rating: int | None = None
    comment: str = ""
    possible_abuse: bool = False


def record_call(task_pk, *, version, outcome, by, answers=None, now=None):
    """One call of a survey: its outcome, and the person's answers when they answered.

    `version` is the task's version the form was opened with: a second save of the same form (another
    tab, a double click) finds a newer version and changes nothing. "No answer" schedules the next
    call on another working day and at another hour, until the community's number of calls is reached.
    Returns the task.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        task = SurveyTask.objects.select_for_update().select_related("community", "request").get(pk=task_pk)
        if task.version != version:
            raise StaleVersion(
                _(
                    "Цей дзвінок уже записано (можливо, в іншій вкладці). Сторінку оновлено — "
                    "перевірте, що там записано, і за потреби запишіть наступний дзвінок."
                )
            )
        if not task.is_open:
            raise QualityError(_("Опитування вже завершене: %(state)s.") % {"state": task.get_state_display()})
        if outcome not in CallAttempt.Outcome.values:
            raise QualityError(_("Виберіть, чим закінчився дзвінок."))
        fields = ["attempts", "version", "state", "call_from", "closed_at"]
        if outcome == CallAttempt.Outcome.ANSWERED:
            answers = answers or Answers()
            if answers.rating is None or not 1 <= answers.rating <= 5:
                raise QualityError(_("Запишіть оцінку людини: від 1 до 5."))
            for name in (
                "came_on_time",
                "explained",
                "asked_extra",
                "would_recommend",
                "improve",
                "rating",
                "comment",
                "possible_abuse",
            ):
                setattr(task, name, getattr(answers, name))
            fields += [
                "came_on_time",
                "explained",
                "asked_extra",
                "would_recommend",
                "improve",
                "rating",
                "comment",
                "possible_abuse",
            ]
        task.attempts += 1
        task.version += 1
        CallAttempt.objects.create(task=task, number=task.attempts, outcome=outcome, at=now, by=by)
        if outcome == CallAttempt.Outcome.NO_ANSWER:
            if task.attempts >= task.community.survey_max_attempts:
                task.state, task.closed_at = SurveyTask.State.NO_ANSWER, now
            else:
                task.call_from = _next_try(task, now)
        else:
            task.state, task.closed_at = (
                {
                    CallAttempt.Outcome.ANSWERED: SurveyTask.State.ANSWERED,
                    CallAttempt.Outcome.REFUSED: SurveyTask.State.REFUSED,
                    CallAttempt.Outcome.WRONG_NUMBER: SurveyTask.State.WRONG_NUMBER,
                }[outcome],
                now,
            )
        if outcome == CallAttempt.Outcome.ANSWERED and task.possible_abuse:
            task.complaint = _register(
                task.community,
                channel=Channel.SURVEY,
                received_on=timezone.localdate(now),
                request=task.request,
                case=None,
                person_name=task.request.applicant_name,
                phone=task.phone,
                postal_address="",
                text=task.comment or _("Під час опитування після візиту людина повідомила про можливе зловживання."),
                possible_abuse=True,
                assigned_to=None,
                by=by,
                now=now,
            )
            fields.append("complaint")
        task.save(update_fields=fields)
    return task


# -- feedback -----------------------------------------------------------------------------------


def served_by_of(visit_request):
    """The administrator who served the request last (the one the person rates), if known."""
    task = visit_request.surveys.order_by("-pk").only("served_by_id").first()
    return task.served_by_id if task else None


class AlreadyCounted(QualityError):
    """This request's feedback from the link is already in."""


def feedback_from_link(visit_request, *, rating, text, now=None):
    """The person's feedback from the link: counted once per request."""
    now = now or timezone.now()
    if rating is None or not 1 <= rating <= 5:
        raise QualityError(_("Виберіть оцінку від 1 до 5."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                community_id=visit_request.community_id,
                channel=Channel.LINK,
                request=visit_request,
                served_by_id=served_by_of(visit_request),
                rating=rating,
                text=text,
                received_on=timezone.localdate(now),
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyCounted(_("Дякуємо, ваш відгук уже отримано. Вдруге його не враховано.")) from None


def enter_feedback(community, *, channel, received_on, text, rating=None, request=None, author="", source_url="", by, now=None):
    """Feedback from a social network, a questionnaire, a call…, entered by staff with its channel."""
    now = now or timezone.now()
    if channel in (Channel.LINK, Channel.SURVEY) or channel not in Channel.values:
        raise QualityError(_("Виберіть, звідки надійшов відгук."))
    if rating is not None and not 1 <= rating <= 5:
        raise QualityError(_("Оцінка — від 1 до 5."))
    if request is not None and request.community_id != community.pk:
        raise QualityError(_("Такої заявки в громаді немає."))
    return Feedback.objects.create(
        community=community,
        channel=channel,
        request=request,
        served_by_id=served_by_of(request) if request is not None else None,
        rating=rating,
        text=text,
        author=author,
        source_url=source_url,
        received_on=received_on,
        created_at=now,
        entered_by=by,
    )


# -- complaints ---------------------------------------------------------------------------------


def complaint_due(community, received_on):
    return WorkCalendar(community).add_working_days(received_on, community.complaint_answer_working_days)


def _register(
    community,
    *,
    channel,
    received_on,
    request,
    case,
    person_name,
    phone,
    postal_address,
    text,
    possible_abuse,
    assigned_to,
    by,
    now,
):
    return Complaint.objects.create(
        community=community,
        channel=channel,
        received_on=received_on,
        request=request,
        case=case,
        person_name=person_name,
        phone=phone,
        postal_address=postal_address,
        text=text,
        possible_abuse=possible_abuse,
        assigned_to=assigned_to,
        due_on=complaint_due(community, received_on),
        created_at=now,
        created_by=by,
    )


def register_complaint(
    community,
    *,
    channel,
    received_on,
    text,
    person_name,
    request=None,
    case=None,
    phone="",
    postal_address="",
    possible_abuse=False,
    assigned_to=None,
    by,
    now=None,
):
    """A complaint from any channel; its answer is due within the community's term of working days."""
    now = now or timezone.now()
    if case is not None and request is None:
        request = case.request
    for obj in (request, case, assigned_to):
        if obj is not None and obj.community_id != community.pk:
            raise QualityError(_("Заявка, справа чи працівник — з іншої громади."))
    if case is not None and request is not None and case.request_id not in (None, request.pk):
        raise QualityError(_("Ця справа не належить до вибраної заявки."))
    if phone:
        phone = normalize_phone(phone)
    with transaction.atomic():
        return _register(
            community,
            channel=channel,
            received_on=received_on,
            request=request,
            case=case,
            person_name=person_name,
            phone=phone,
            postal_address=postal_address,
            text=text,
            possible_abuse=possible_abuse,
            assigned_to=assigned_to,
            by=by,
            now=now,
        )


def assign_complaint(complaint_pk, *, to, by):
    with transaction.atomic(durable=True):
        complaint = Complaint.objects.select_for_update().get(pk=complaint_pk)
        if to is not None and to.community_id != complaint.community_id:
            raise QualityError(_("Цей працівник — з іншої громади."))
        complaint.assigned_to = to
        complaint.save(update_fields=["assigned_to"])
    return complaint


def answer_complaint(complaint_pk, *, text, via, answered_on, by, now=None):
    """Record the answer and send it: by SMS through the outbox (once), or noted as sent by letter,
    phone or e-mail. A complaint is answered once."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise QualityError(_("Напишіть відповідь людині."))
    if via not in Complaint.AnswerVia.values:
        raise QualityError(_("Виберіть, як надіслано відповідь."))
    with transaction.atomic(durable=True):
        complaint = Complaint.objects.select_for_update().select_related("community").get(pk=complaint_pk)
        if complaint.answered_on:
            raise QualityError(_("На цю скаргу вже відповіли %(d)s.") % {"d": complaint.answered_on.strftime("%d.%m.%Y")})
        if answered_on < complaint.received_on:
            raise QualityError(_("Дата відповіді не може бути раніше за дату скарги."))
        if answered_on > timezone.localdate(now):
            raise QualityError(_("Дата відповіді не може бути в майбутньому."))
        fields = ["answer", "answered_on", "answered_by", "answer_via"]
        if via == Complaint.AnswerVia.SMS:
            if not complaint.phone:
                raise QualityError(_("У скарзі немає телефону: надішліть відповідь листом."))
            if len(text) > SMS_ANSWER_MAX:
                raise QualityError(
                    _("Для SMS відповідь задовга (до %(n)s знаків). Скоротіть її або надішліть листом.") % {"n": SMS_ANSWER_MAX}
                )
            message, _created = outbox.enqueue(
                community=complaint.community,
                recipient=complaint.phone,
                related=complaint,
                dedup_key=f"quality:complaint-answer:{complaint.pk}",
                text=_("ЦНАП %(c)s, відповідь на вашу скаргу №%(n)s: %(t)s")
                % {"c": complaint.community.name, "n": complaint.pk, "t": text},
            )
            complaint.answer_sms = message
            fields.append("answer_sms")
        complaint.answer, complaint.answered_on, complaint.answered_by, complaint.answer_via = text, answered_on, by, via
        complaint.save(update_fields=fields)
    return complaint


# -- proposals ----------------------------------------------------------------------------------


def register_proposal(community, *, channel, received_on, text, author="", by, now=None):
    now = now or timezone.now()
    return Proposal.objects.create(
        community=community, channel=channel, received_on=received_on, text=text, author=author, created_at=now, created_by=by
    )


def decide_proposal(proposal_pk, *, discussed_on, decision, reason, procedure_changed, change, publish, by):
    """The team's decision on a proposal; only an accepted one may be published, a rejected one says why."""
    if decision not in Proposal.Decision.values:
        raise QualityError(_("Виберіть рішення."))
    if decision != Proposal.Decision.PENDING and discussed_on is None:
        raise QualityError(_("Укажіть дату, коли команда обговорила пропозицію."))
    if decision == Proposal.Decision.REJECTED and not reason.strip():
        raise QualityError(_("Напишіть, чому пропозицію відхилено."))
    if publish and decision != Proposal.Decision.ACCEPTED:
        raise QualityError(_("Оприлюднити можна лише прийняту пропозицію."))
    if procedure_changed and not change.strip():
        raise QualityError(_("Напишіть, що саме змінено в порядку роботи."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal_pk)
        proposal.discussed_on, proposal.decision, proposal.reason = discussed_on, decision, reason
        proposal.procedure_changed, proposal.change, proposal.publish = procedure_changed, change, publish
        proposal.decided_by = by
        proposal.save(
            update_fields=["discussed_on", "decision", "reason", "procedure_changed", "change", "publish", "decided_by"]
        )
    return proposal


def published_proposals(community):
    """Accepted proposals marked for publication: what the reports say about how proposals were used."""
    return Proposal.objects.filter(community=community, decision=Proposal.Decision.ACCEPTED, publish=True)


# -- ratings of staff ---------------------------------------------------------------------------


def ratings(user, *, everyone):
    """Average rating and count per member of staff of the user's community, from the surveys and the
    feedback that rated them: everyone's (the head of the CNAP) or the user's own only."""
    surveys = SurveyTask.objects.for_user(user).filter(rating__isnull=False, served_by__isnull=False)
    feedback = Feedback.objects.for_user(user).filter(rating__isnull=False, served_by__isnull=False)
    if not everyone:
        surveys, feedback = surveys.filter(served_by=user), feedback.filter(served_by=user)
    rows = {}
    for qs in (surveys, feedback):
        for row in qs.values("served_by").annotate(n=Count("pk"), avg=Avg("rating")):
            entry = rows.setdefault(row["served_by"], {"n": 0, "total": 0.0})
            entry["n"] += row["n"]
            entry["total"] += row["avg"] * row["n"]
    return {pk: {"n": v["n"], "average": round(v["total"] / v["n"], 2)} for pk, v in rows.items()}

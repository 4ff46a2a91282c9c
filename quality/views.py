"""The quality officer's pages: who to call today, the call's script, feedback from other channels,
complaints and proposals, ratings of staff. Every write goes through quality.actions."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import public, staff_required
from accounts.models import User
from accounts.roles import COORDINATOR, OPERATOR, QUALITY, has_capability
from audit.log import VIEW, record_access, record_access_many
from core.ratelimit import hit
from visits.models import VisitRequest

from . import actions, stats
from .feedback import BadToken, request_id_from
from .forms import (
    AnswerForm,
    AssignForm,
    CallForm,
    ComplaintForm,
    DecisionForm,
    ProposalForm,
    PublicFeedbackForm,
    StaffFeedbackForm,
)
from .models import Complaint, Feedback, Proposal, SurveyTask

LIST_SIZE = 200
SUMMARY_DAYS = 30


def _staff_of(user):
    """Who a complaint may be assigned to: the community's active staff who answer people."""
    return User.objects.filter(
        community_id=user.community_id, is_active=True, role__in=[QUALITY, COORDINATOR, OPERATOR]
    ).order_by("first_name", "last_name")


def _request_by_number(user, number):
    if not number:
        return None
    return VisitRequest.objects.for_user(user).filter(number=number.strip().upper()).first()


# -- the survey queue ---------------------------------------------------------------------------


@staff_required("quality.survey")
def queue(request):
    today = timezone.localdate()
    due = list(actions.calls_due(request.user, today))
    later = list(actions.calls_later(request.user, today)[:LIST_SIZE])
    record_access_many(request, [t.request for t in due + later], VIEW)
    closed = SurveyTask.objects.for_user(request.user).exclude(state=SurveyTask.State.OPEN)
    month = stats.summary(request.user.community, today - datetime.timedelta(days=SUMMARY_DAYS - 1), today, today)
    return render(
        request,
        "quality/queue.html",
        {
            "due": due,
            "later": later,
            "today": today,
            "month": month,
            "ratings_text": ngettext("%(n)d оцінка", "%(n)d оцінок", month.ratings) % {"n": month.ratings},
            "answered": closed.filter(state=SurveyTask.State.ANSWERED).count(),
            "closed_other": closed.exclude(state=SurveyTask.State.ANSWERED).count(),
        },
    )


@staff_required("quality.survey")
@require_http_methods(["GET", "POST"])
def survey(request, pk):
    task = get_object_or_404(
        SurveyTask.objects.for_user(request.user).select_related("request", "served_by", "community", "complaint"), pk=pk
    )
    record_access(request, task.request, VIEW)
    form = CallForm(request.POST or None, initial={"version": task.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = actions.record_call(
                task.pk,
                version=data["version"],
                outcome=data["outcome"],
                by=request.user,
                answers=actions.Answers(
                    **{
                        k: data[k]
                        for k in (
                            "came_on_time",
                            "explained",
                            "asked_extra",
                            "would_recommend",
                            "improve",
                            "rating",
                            "comment",
                            "possible_abuse",
                        )
                    }
                ),
            )
        except actions.QualityError as exc:
            messages.error(request, str(exc))
            return redirect("quality:survey", pk=pk)
        if task.is_open:
            messages.success(
                request,
                _("Дзвінок записано. Наступна спроба — %(when)s.")
                % {"when": timezone.localtime(task.call_from).strftime("%d.%m.%Y %H:%M")},
            )
        else:
            messages.success(request, _("Опитування завершено: %(state)s.") % {"state": task.get_state_display()})
            if task.complaint_id:
                messages.warning(request, _("Відкрито скаргу №%(n)s про можливе зловживання.") % {"n": task.complaint_id})
        return redirect("quality:queue")
    return render(
        request,
        "quality/survey.html",
        {
            "task": task,
            "form": form,
            "calls": task.calls.select_related("by"),
            "max_attempts": task.community.survey_max_attempts,
        },
    )


# -- feedback -----------------------------------------------------------------------------------


@staff_required("quality.feedback")
@require_http_methods(["GET", "POST"])
def feedback_list(request):
    form = StaffFeedbackForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        req = _request_by_number(request.user, data["request_number"])
        if data["request_number"] and req is None:
            form.add_error("request_number", _("Заявки з таким номером у громаді немає."))
        else:
            try:
                actions.enter_feedback(
                    request.user.community,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    text=data["text"],
                    rating=data["rating"],
                    request=req,
                    author=data["author"],
                    source_url=data["source_url"],
                    by=request.user,
                )
            except actions.QualityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Відгук записано."))
                return redirect("quality:feedback")
    items = list(Feedback.objects.for_user(request.user).select_related("request", "entered_by")[:LIST_SIZE])
    # What people wrote, with their request's number: each one shown is logged.
    record_access_many(request, items, VIEW)
    return render(request, "quality/feedback_list.html", {"form": form, "items": items})


@public
@require_http_methods(["GET", "POST"])
def public_feedback(request, token):
    """The one short form behind the link: no login, no default rating, counted once per request."""
    try:
        req = VisitRequest.objects.select_related("community").filter(pk=request_id_from(token)).first()
    except BadToken as exc:
        return render(request, "quality/public_feedback.html", {"problem": str(exc)}, status=400)
    if req is None:
        return render(request, "quality/public_feedback.html", {"problem": _("Це посилання більше не дійсне.")}, status=404)
    community = req.community
    already = Feedback.objects.filter(request=req, channel="link").exists()
    if already:
        return render(request, "quality/public_feedback.html", {"community": community, "done": True, "again": True})
    form = PublicFeedbackForm(request.POST or None)
    if request.method == "POST":
        if not hit(request, "public-feedback", settings.VALIZA_PUBLIC_FEEDBACK_LIMIT):
            return render(request, "public/too_many.html", {"community": community}, status=429)
        if form.is_valid():
            try:
                actions.feedback_from_link(req, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"])
            except actions.AlreadyCounted:
                return render(request, "quality/public_feedback.html", {"community": community, "done": True, "again": True})
            except actions.QualityError as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "quality/public_feedback.html", {"community": community, "done": True})
    return render(request, "quality/public_feedback.html", {"community": community, "form": form})


# -- complaints ---------------------------------------------------------------------------------


@staff_required("quality.complaints")
def complaints(request):
    today = timezone.localdate()
    items = list(Complaint.objects.for_user(request.user).select_related("assigned_to", "request")[:LIST_SIZE])
    for c in items:
        c.late = c.is_late_on(today)
    record_access_many(request, items, VIEW)
    base = Complaint.objects.for_user(request.user)
    return render(
        request,
        "quality/complaints.html",
        {
            "items": items,
            "today": today,
            "open": base.filter(answered_on__isnull=True).count(),
            "late_open": base.filter(answered_on__isnull=True, due_on__lt=today).count(),
            "answered_late": base.filter(answered_on__gt=F("due_on")).count(),
        },
    )


def _case_by_number(user, number):
    # The journal sits above this app (ADR 8): its Case is reached through the complaint's relation.
    Case = Complaint.case.field.related_model
    return Case.objects.filter(community_id=user.community_id, number=number.strip()).first()


@staff_required("quality.complaints")
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    staff = _staff_of(request.user)
    req = _request_by_number(request.user, request.GET.get("request", ""))
    initial = {"received_on": timezone.localdate()}
    if req is not None:
        initial.update(request_number=req.number, person_name=req.applicant_name, phone=req.applicant_phone)
    form = ComplaintForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        req = _request_by_number(request.user, data["request_number"])
        case = _case_by_number(request.user, data["case_number"]) if data["case_number"] else None
        if data["request_number"] and req is None:
            form.add_error("request_number", _("Заявки з таким номером у громаді немає."))
        if data["case_number"] and case is None:
            form.add_error("case_number", _("Справи з таким номером у громаді немає."))
        if not form.errors:
            try:
                complaint = actions.register_complaint(
                    request.user.community,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    text=data["text"],
                    person_name=data["person_name"],
                    request=req,
                    case=case,
                    phone=data["phone"],
                    postal_address=data["postal_address"],
                    possible_abuse=data["possible_abuse"],
                    assigned_to=data["assigned_to"],
                    by=request.user,
                )
            except actions.QualityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Скаргу №%(n)s зареєстровано. Відповісти до %(d)s.")
                    % {"n": complaint.pk, "d": complaint.due_on.strftime("%d.%m.%Y")},
                )
                return redirect("quality:complaint", pk=complaint.pk)
    return render(request, "quality/complaint_new.html", {"form": form})


def _complaint_for(user, pk):
    return get_object_or_404(
        Complaint.objects.for_user(user).select_related(
            "assigned_to", "answered_by", "request", "case", "answer_sms", "created_by"
        ),
        pk=pk,
    )


@staff_required("quality.complaints")
def complaint(request, pk):
    item = _complaint_for(request.user, pk)
    record_access(request, item, VIEW)
    return render(
        request,
        "quality/complaint.html",
        {
            "c": item,
            "late": item.is_late_on(timezone.localdate()),
            "assign_form": AssignForm(staff=_staff_of(request.user), initial={"assigned_to": item.assigned_to_id}),
            "answer_form": None if item.answered_on else AnswerForm(initial={"via": "sms" if item.phone else "letter"}),
        },
    )


@staff_required("quality.complaints")
@require_POST
def complaint_assign(request, pk):
    item = _complaint_for(request.user, pk)
    form = AssignForm(request.POST, staff=_staff_of(request.user))
    if not form.is_valid():
        messages.error(request, _("Виберіть працівника зі списку."))
    else:
        actions.assign_complaint(item.pk, to=form.cleaned_data["assigned_to"], by=request.user)
        messages.success(request, _("Відповідального записано."))
    return redirect("quality:complaint", pk=item.pk)


@staff_required("quality.complaints")
@require_POST
def complaint_answer(request, pk):
    item = _complaint_for(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("quality:complaint", pk=item.pk)
    data = form.cleaned_data
    try:
        actions.answer_complaint(
            item.pk,
            text=data["answer"],
            via=data["via"],
            answered_on=data["answered_on"] or timezone.localdate(),
            by=request.user,
        )
    except actions.QualityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Відповідь на скаргу №%(n)s записано.") % {"n": item.pk})
    return redirect("quality:complaint", pk=item.pk)


# -- proposals ----------------------------------------------------------------------------------


@staff_required("quality.proposals")
@require_http_methods(["GET", "POST"])
def proposals(request):
    form = ProposalForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = actions.register_proposal(
            request.user.community,
            channel=data["channel"],
            received_on=data["received_on"],
            text=data["text"],
            author=data["author"],
            by=request.user,
        )
        messages.success(request, _("Пропозицію №%(n)s записано.") % {"n": item.pk})
        return redirect("quality:proposal", pk=item.pk)
    items = Proposal.objects.for_user(request.user)[:LIST_SIZE]
    return render(request, "quality/proposals.html", {"form": form, "items": items})


@staff_required("quality.proposals")
@require_http_methods(["GET", "POST"])
def proposal(request, pk):
    item = get_object_or_404(Proposal.objects.for_user(request.user), pk=pk)
    form = DecisionForm(
        request.POST or None,
        initial={
            "discussed_on": item.discussed_on,
            "decision": item.decision,
            "reason": item.reason,
            "procedure_changed": item.procedure_changed,
            "change": item.change,
            "publish": item.publish,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.decide_proposal(item.pk, by=request.user, **data)
        except actions.QualityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Рішення щодо пропозиції №%(n)s записано.") % {"n": item.pk})
            return redirect("quality:proposals")
    return render(request, "quality/proposal.html", {"p": item, "form": form})


# -- ratings of staff ---------------------------------------------------------------------------


@staff_required("quality.ratings")
def ratings(request):
    everyone = has_capability(request.user, "quality.ratings_all")
    found = actions.ratings(request.user, everyone=everyone)
    people = {u.pk: u for u in User.objects.filter(pk__in=found)}
    rows = sorted(({"user": people[pk], **v} for pk, v in found.items()), key=lambda r: str(r["user"]))
    return render(request, "quality/ratings.html", {"rows": rows, "everyone": everyone})

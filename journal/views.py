"""The journal of cases: what is due today, what is late, and the coordinator's records of
hand-over, decision and result. Every write goes through journal.actions."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from accounts.roles import has_capability
from audit.log import EXPORT, VIEW, record_access, record_export
from core.files import missing_page, private_file
from core.paging import CappedPaginator

from . import actions, paper, terms
from .forms import (
    CaseFilterForm,
    ChooseDeliveryForm,
    CloseForm,
    CorrectionForm,
    DecisionForm,
    ExtendForm,
    HandOverForm,
    HandOverListForm,
    JournalPaperForm,
    NoteForm,
    ReceivedForm,
    RefusalsFilterForm,
    ResultForm,
    ResumeForm,
    SuspendForm,
)
from .models import Case, CaseFile, CaseState, Delivery

PAGE_SIZE = 50


def _filtered(user, form, today):
    cases = Case.objects.for_user(user)
    if not form.is_valid():
        return cases
    data = form.cleaned_data
    if data["when"] == CaseFilterForm.DUE_TODAY:
        cases = cases.due_on(today)
    elif data["when"] == CaseFilterForm.LATE:
        cases = cases.late_on(today)
    if data["state"]:
        cases = cases.filter(state=data["state"])
    if data["office"]:
        cases = cases.filter(office=data["office"])
    return cases


@staff_required("journal.view")
def case_list(request):
    today = timezone.localdate()
    form = CaseFilterForm(request.GET or None, community_id=request.user.community_id)
    # The page's pks first (issue 17): at 1 M the late list walked thousands of open cases in the heap to find
    # its 25; the pks alone come from the journal_case_open_newest index. The cases of the page are then read
    # in the same query (the pks are its subquery), in the journal's order.
    page = CappedPaginator(_filtered(request.user, form, today).values_list("pk", flat=True),
                           PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(Case.objects.filter(pk__in=page.object_list)
                            .select_related("office", "service", "service__provider", "request"))
    for case in page.object_list:
        case.late = case.is_late_on(today)
    base = Case.objects.for_user(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    # Counted up to TAB_COUNT_CAP ("понад" beyond): an exact count read every late case (issue 17).
    links, shown = {}, _link_shown(form)
    for name, cases in (("due_today", base.due_on), ("late", base.late_on)):
        if name == shown:
            # The list is this link's own filter and is counted already: the capped paginator counts more
            # than TAB_COUNT_CAP + 1 rows when there are that many.
            n = page.paginator.count
            links.update({name: min(n, TAB_COUNT_CAP), f"{name}_more": n > TAB_COUNT_CAP})
        else:
            links.update(_capped(name, cases(today)))
    return render(request, "journal/case_list.html", {
        "form": form, "page": page, "today": today, "query": query.urlencode(), **links,
        "paper_form": _paper_form(request, None, today),
    })


# The journal's "due today" and "late" links count up to this many cases.
TAB_COUNT_CAP = 1000


def _link_shown(form):
    """"due_today" or "late" when the list shows exactly that link's cases (no other filter), else None."""
    if not form.is_bound or not form.is_valid() or form.cleaned_data["state"] or form.cleaned_data["office"]:
        return None
    return {CaseFilterForm.DUE_TODAY: "due_today", CaseFilterForm.LATE: "late"}.get(form.cleaned_data["when"])


def _capped(name, cases):
    """{name: count up to TAB_COUNT_CAP, name_more: whether there are more} in one query reading at
    most TAB_COUNT_CAP + 1 rows."""
    n = cases.order_by()[: TAB_COUNT_CAP + 1].count()
    return {name: min(n, TAB_COUNT_CAP), f"{name}_more": n > TAB_COUNT_CAP}


def _paper_form(request, data, today):
    """The export form; unbound, it offers the current month and the office chosen in the list's filter."""
    initial = {"start": today.replace(day=1), "end": today, "office": request.GET.get("office") or None}
    return JournalPaperForm(data, community_id=request.user.community_id, initial=initial, auto_id="paper_%s")


@staff_required("journal.view")
def journal_paper(request):
    """The journal of a period and office as XLSX or PDF (journal/paper.py). Without a period, or with a
    wrong one, the form again with a message; each export is written in the access log with its filter."""
    today = timezone.localdate()
    form = _paper_form(request, request.GET or None, today)
    if not form.is_bound or not form.is_valid():
        return render(request, "journal/paper_form.html", {"form": form}, status=400 if form.is_bound else 200)
    data = form.cleaned_data
    start, end, office, fmt = data["start"], data["end"], data["office"], data["format"]
    cases = paper.journal_cases(Case.objects.for_user(request.user), start, end, office)
    community = request.user.community
    name = f"zhurnal-{start:%Y%m%d}-{end:%Y%m%d}{f'-office{office.pk}' if office else ''}.{fmt}"
    if fmt == JournalPaperForm.PDF and cases.count() > paper.PDF_MAX_ROWS:
        form.add_error(None, _("За цей період забагато справ для PDF (понад %(n)s). Завантажте XLSX або оберіть "
                               "коротший період.") % {"n": paper.PDF_MAX_ROWS})
        return render(request, "journal/paper_form.html", {"form": form}, status=400)
    label = f"{fmt.upper()} {start:%d.%m.%Y}–{end:%d.%m.%Y}" + (f" оф.{office.pk}" if office else "")
    record_export(request, object_type="journal.case", label=label)
    kwargs = {"community": community, "start": start, "end": end, "office": office}
    if fmt == JournalPaperForm.PDF:
        body = paper.journal_pdf(cases, printed_by=request.user, **kwargs)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    return FileResponse(paper.xlsx_file(cases, **kwargs), as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@staff_required("journal.view")
def handover_list(request):
    """What goes to which provider: the cases accepted on a day, one list per provider with lines for
    both signatures; as a page to print or as PDF."""
    form = HandOverListForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["day"] or day
    groups = paper.handover_groups(Case.objects.for_user(request.user), day)
    community = request.user.community
    if groups:
        action = EXPORT if form.is_bound and form.is_valid() and form.cleaned_data["format"] == "pdf" else VIEW
        record_export(request, object_type="journal.case", label=f"Передача {day:%d.%m.%Y}", action=action)
    if form.is_bound and form.is_valid() and form.cleaned_data["format"] == "pdf":
        response = HttpResponse(paper.handover_pdf(community, day, groups, printed_by=request.user),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="peredacha-{day:%Y%m%d}.pdf"'
        return response
    return render(request, "journal/handover.html", {
        "form": form, **paper.handover_context(community, day, groups, printed_by=request.user)})


def _case_for(user, pk):
    # Another community's case answers 404, exactly like one that does not exist.
    return get_object_or_404(
        Case.objects.for_user(user).select_related("office", "service", "service__provider", "request",
                                                   "accepted_by", "handed_over_by", "decided_by",
                                                   "result_delivered_by", "repeat_request", "refusal_code"),
        pk=pk,
    )


@staff_required("journal.view")
def case_detail(request, pk):
    case = _case_for(request.user, pk)
    record_access(request, case, VIEW)
    can_manage = has_capability(request.user, "journal.manage")
    return render(request, "journal/case_detail.html", {
        "case": case, "today": timezone.localdate(), "can_manage": can_manage,
        "entries": case.entries.select_related("by").order_by("sequence"),
        **_case_files_context(case),
        "hand_over_form": HandOverForm() if can_manage and case.state == CaseState.ACCEPTED else None,
        **(_register_forms(case) if can_manage else {}),
        "decision_form": (DecisionForm(provider_id=case.service.provider_id)
                          if can_manage and case.state == CaseState.HANDED_OVER else None),
        # The way the person chose (at acceptance, on the status page or by phone).
        "result_form": (ResultForm(initial={"delivery": case.preferred_delivery or None,
                                            "address": case.delivery_address})
                        if can_manage and case.state == CaseState.DECIDED else None),
        "received_form": (ReceivedForm() if can_manage and case.state == CaseState.RESULT_DELIVERED
                          and case.result_delivery in (Delivery.POST, Delivery.COURIER)
                          and case.result_received_on is None else None),
        # Its own ids: the result form on the same page has a "delivery" choice too.
        "choose_form": (ChooseDeliveryForm(auto_id="id_choice_%s", initial={"delivery": case.preferred_delivery or None,
                                                    "address": case.delivery_address})
                        if can_manage and case.delivery_can_change else None),
        "can_plan_repeat": can_manage and case.state == CaseState.DECIDED and case.request_id is not None,
    })


def _act(request, pk, action, success):
    case = _case_for(request.user, pk)
    try:
        action(case)
    except actions.JournalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success % {"number": case.number})
    return redirect("journal:detail", pk=case.pk)


@staff_required("journal.manage")
@require_POST
def case_hand_over(request, pk):
    form = HandOverForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    return _act(request, pk, lambda case: actions.hand_over(
        case, by=request.user, on=form.cleaned_data["on"], official=form.cleaned_data["official"]),
                _("Справу %(number)s передано суб'єкту надання."))


def _form_errors(request, pk, form):
    case = _case_for(request.user, pk)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("journal:detail", pk=case.pk)


@staff_required("journal.manage")
@require_POST
def case_decision(request, pk):
    case = _case_for(request.user, pk)
    form = DecisionForm(request.POST, provider_id=case.service.provider_id)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    data = form.cleaned_data
    return _act(request, pk, lambda case: actions.record_decision(
        case, by=request.user, granted=data["granted"], reason=data["reason"], on=data["on"],
        number=data["number"], refusal_code=data.get("refusal_code")),
        _("Рішення у справі %(number)s записано."))


@staff_required("journal.manage")
@require_POST
def case_result(request, pk):
    form = ResultForm(request.POST)
    if not form.is_valid():
        if "delivery" in form.errors:
            form.errors["delivery"] = form.error_class([_("Оберіть, як видано результат.")])
        return _form_errors(request, pk, form)
    data = form.cleaned_data
    return _act(request, pk, lambda case: actions.record_result(
        case, by=request.user, delivery=data["delivery"], on=data["on"], address=data["address"],
        tracking=data["tracking"], courier=data["courier"], issued_to=data["issued_to"],
        issued_document=data["issued_document"]),
        _("Видачу результату у справі %(number)s записано."))


@staff_required("journal.manage")
@require_POST
def case_repeat_visit(request, pk):
    case = _case_for(request.user, pk)
    try:
        req = actions.plan_repeat_visit(case, by=request.user)
    except actions.JournalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Повторний виїзд для видачі результату — заявка %(n)s у пулі планування.")
                         % {"n": req.number})
    return redirect("journal:detail", pk=case.pk)


@staff_required("journal.view")
def term_list(request):
    """The coordinator's list: cases whose provider's term ends soon (days left) and those past it
    (marked for the head of the CNAP by the worker)."""
    today = timezone.localdate()
    cases = Case.objects.for_user(request.user)
    return render(request, "journal/terms.html", {
        "today": today, "days": settings.VALIZA_TERM_WARNING_DAYS,
        "approaching": terms.approaching(cases, today), "overdue": terms.overdue(cases, today),
    })


@staff_required("journal.view")
def provider_overview(request):
    today = timezone.localdate()
    return render(request, "journal/providers.html", {
        "today": today, "rows": terms.provider_overview(Case.objects.for_user(request.user), today)})


@staff_required("journal.view")
def refusal_report(request):
    """Refusals of a period grouped by service, provider and reason, for the team to discuss."""
    today = timezone.localdate()
    form = RefusalsFilterForm(request.GET or None)
    start, end = today.replace(day=1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows, total = terms.refusals(Case.objects.for_user(request.user), start, end)
    return render(request, "journal/refusals.html", {
        "form": form, "start": start, "end": end, "rows": rows, "total": total})


def _case_files_context(case):
    """The case's files, and for a case from the field client how many photos are still on the way."""
    files = {f.kind: f for f in case.files.all()}
    # Set by the field client's acceptance (field.AcceptedService); the journal reads it, never imports it.
    accepted = getattr(case, "accepted_service", None)
    photos = accepted.photo_progress() if accepted is not None else {"expected": 0, "received": 0, "purged": 0}
    return {"inventory_file": files.get(CaseFile.Kind.INVENTORY), "photos_file": files.get(CaseFile.Kind.PHOTOS),
            "from_field": accepted is not None, "photos": photos}


def _case_file(request, pk, kind, missing_title, missing_message):
    case = _case_for(request.user, pk)
    case_file = case.files.filter(kind=kind).first()
    if case_file is None or not case_file.file:
        return missing_page(request, missing_title, missing_message,
                            back_url=reverse("journal:detail", args=[case.pk]),
                            back_label=_("До справи %(number)s") % {"number": case.number})
    record_access(request, case, VIEW)
    return private_file(request, case_file.file, content_type="application/pdf",
                        filename=f"{case.number}-{kind}.pdf")


@staff_required("journal.view")
def case_inventory_pdf(request, pk):
    return _case_file(request, pk, CaseFile.Kind.INVENTORY, _("Опис ще не сформовано"),
                      _("Опис вхідного пакета документів з'являється за кілька хвилин після того, як ноутбук "
                        "виїзду передасть дані. Оновіть сторінку трохи згодом."))


@staff_required("journal.view")
def case_photos_pdf(request, pk):
    return _case_file(request, pk, CaseFile.Kind.PHOTOS, _("Скани документів ще не готові"),
                      _("Фото документів ще не надійшли з ноутбука виїзду або ще збираються в один файл. "
                        "Оновіть сторінку трохи згодом."))


def _register_forms(case):
    """The register's other events, offered while they can happen."""
    open_case = case.state in (CaseState.ACCEPTED, CaseState.HANDED_OVER, CaseState.SUSPENDED)
    return {
        "close_form": CloseForm() if open_case else None,
        "suspend_form": SuspendForm() if case.state == CaseState.HANDED_OVER else None,
        "resume_form": ResumeForm() if case.state == CaseState.SUSPENDED else None,
        "extend_form": ExtendForm() if case.state in (CaseState.ACCEPTED, CaseState.HANDED_OVER) else None,
        "note_form": NoteForm(),
        "correction_form": CorrectionForm(initial={"applicant_name": case.applicant_name, **(
            {f: getattr(case.request, f) for f in ("applicant_birth_date", "applicant_phone", "street", "building",
                                                    "flat")} if case.request_id else {})}),
    }


def _changes(case, data):
    form = CorrectionForm()
    form.cleaned_data = data
    return form.changes(case)


def _register_view(form_class, run, success):
    @staff_required("journal.manage")
    @require_POST
    def view(request, pk):
        form = form_class(request.POST)
        if not form.is_valid():
            return _form_errors(request, pk, form)
        return _act(request, pk, lambda case: run(case, request.user, form.cleaned_data), success)
    return view


case_close = _register_view(CloseForm, lambda case, by, d: actions.close_case(
    case, by=by, state=d["state"], reason=d["reason"], on=d["on"]), _("Справу %(number)s закрито."))
case_suspend = _register_view(SuspendForm, lambda case, by, d: actions.suspend(
    case, by=by, reason=d["reason"], on=d["on"]), _("Розгляд справи %(number)s зупинено."))
case_resume = _register_view(ResumeForm, lambda case, by, d: actions.resume(
    case, by=by, new_due=d["new_due"], on=d["on"]), _("Розгляд справи %(number)s поновлено."))
case_extend = _register_view(ExtendForm, lambda case, by, d: actions.extend_term(
    case, by=by, new_due=d["new_due"], reason=d["reason"]), _("Строк у справі %(number)s продовжено."))
case_note = _register_view(NoteForm, lambda case, by, d: actions.add_note(
    case, by=by, note=d["note"], fee_paid=d["fee_paid"]), _("Запис у справі %(number)s додано."))
case_received = _register_view(ReceivedForm, lambda case, by, d: actions.record_received(
    case, by=by, on=d["on"]), _("Отримання результату у справі %(number)s записано."))
case_choose_delivery = _register_view(ChooseDeliveryForm, lambda case, by, d: actions.choose_delivery(
    case, delivery=d["delivery"], address=d["address"], by=by), _("Спосіб отримання результату у справі %(number)s записано."))
case_correct = _register_view(CorrectionForm, lambda case, by, d: actions.correct_personal_data(
    case, by=by, changes=_changes(case, d), reason=d["reason"]),
    _("Дані у справі %(number)s виправлено."))

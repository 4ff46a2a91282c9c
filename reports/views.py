"""Staff pages of the periodic reports: the list, the form, a report (its snapshot as a page, with
progress while it is built), its PDF, publishing and building it again."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import staff_required
from audit.log import EXPORT, VIEW, record_access, record_access_many
from core.files import missing_page
from visits.models import VisitRequest

from . import actions, content
from .forms import ReportForm
from .models import Report, State
from .pdf import report_pdf


def _report(request, pk):
    # Another community's report answers 404, exactly like one that does not exist.
    return get_object_or_404(
        Report.objects.select_related("community", "created_by", "published_by"), pk=pk, community_id=request.user.community_id
    )


def _log_people(request, report, stories, action):
    """A report that tells people's stories holds personal data: the report and each person are logged."""
    if not stories:
        return
    record_access(request, report, action)
    people = VisitRequest.objects.filter(pk__in=[s["person"] for s in stories], community_id=report.community_id)
    record_access_many(request, list(people), action)


@staff_required("reports.manage")
@require_GET
def report_list(request):
    community = request.user.community
    if request.GET.get("community", community.slug) != community.slug:
        raise Http404
    reports = Report.objects.filter(community=community).select_related("created_by", "published_by")
    return render(
        request, "reports/list.html", {"community": community, "reports": reports, "form": ReportForm(auto_id="report_%s")}
    )


@staff_required("reports.manage")
def create(request):
    form = ReportForm(request.POST if request.method == "POST" else None, auto_id="report_%s")
    if request.method != "POST":
        return render(request, "reports/new.html", {"form": form})
    if not form.is_valid():
        return render(request, "reports/new.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        report = actions.request_report(request.user.community, data["kind"], data["start"], data["end"], by=request.user)
    except actions.ReportError as exc:
        form.add_error(None, str(exc))
        return render(request, "reports/new.html", {"form": form}, status=409)
    return redirect("reports:detail", pk=report.pk)


@staff_required("reports.manage")
@require_GET
def detail(request, pk):
    report = _report(request, pk)
    ctx = content.context(report) if report.state == State.DONE else {"report": report}
    if report.state == State.DONE:
        withdrawn = actions.withdrawn_consents(report)
        ctx["stories"] = [s for s in ctx["stories"] if s["consent"] not in withdrawn]
        _log_people(request, report, ctx["stories"], VIEW)
    versions = Report.objects.filter(community_id=report.community_id, kind=report.kind, start=report.start)
    ctx.update(versions=versions.order_by("-version"), community=report.community)
    return render(request, "reports/detail.html", ctx)


@staff_required("reports.manage")
@require_GET
def pdf(request, pk):
    report = _report(request, pk)
    if report.state != State.DONE or not report.pdf:
        return missing_page(
            request,
            _("Звіт ще складається"),
            _("PDF з'явиться, коли звіт буде готовий. Відкрийте сторінку звіту й зачекайте."),
            back_url=f"/staff/reports/{report.pk}/",
            back_label=_("До звіту"),
        )
    stories = report.data.get("stories", [])
    withdrawn = actions.withdrawn_consents(report)
    if withdrawn:
        # Someone withdrew their consent since the PDF was made: their story leaves the paper too (the
        # figures stay as they were frozen).
        stories = [s for s in stories if s["consent"] not in withdrawn]
        body = report_pdf(report, withdrawn=withdrawn)
    else:
        with report.pdf.open("rb") as f:
            body = f.read()
    _log_people(request, report, stories, EXPORT)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"zvit-{report.kind}-{report.start:%Y%m%d}-v{report.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@staff_required("reports.manage")
@require_POST
def publish(request, pk):
    report = _report(request, pk)
    try:
        actions.publish(report, by=request.user)
        messages.success(request, _("Звіт опубліковано. Він більше не зміниться; якщо дані виправлять, складіть нову версію."))
    except actions.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:detail", pk=report.pk)


@staff_required("reports.manage")
@require_POST
def rebuild(request, pk):
    """Build the period again: the same draft in place, or a new version after a published one."""
    report = _report(request, pk)
    try:
        again = actions.request_report(report.community, report.kind, report.start, report.end, by=request.user)
    except actions.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", pk=report.pk)
    if again.pk != report.pk:
        messages.success(
            request,
            _("Складаємо нову версію звіту (версія %(v)s). Опублікована версія залишається без змін.") % {"v": again.version},
        )
    return redirect("reports:detail", pk=again.pk)

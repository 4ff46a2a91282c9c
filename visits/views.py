"""Staff pages: intake, the request list, detail with history, and the coordinator's decisions."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_required
from accounts.roles import has_capability
from audit.log import EDIT, VIEW, record_access
from core import maps, paging
from core.forms import parse_id
from core.paging import CappedPaginator, KeysetPage, cursor_of
from eligibility import rules
from eligibility.models import EligibilityCategory
from notifications import outbox
from notifications.models import OutboxMessage, SmsOptOut

from . import actions, location
from .forms import DecisionForm, PinForm, RequestFilterForm, VisitRequestForm
from .models import Channel, RequestedDocument, RequestedService, Status, VisitRequest
from .queries import filtered_requests

PAGE_SIZE = 25


@staff_required("requests.view")
def request_list(request):
    form = RequestFilterForm(request.GET or None, community=request.user.community)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = filtered_requests(request.user, filters)
    page = None
    if request.GET.get("after"):
        # Past the numbered pages the list goes on by cursor (keyset: no OFFSET, issue 17); a cursor
        # that is not one of ours shows the first page.
        try:
            page = KeysetPage(rows, request.GET["after"], PAGE_SIZE)
        except ValueError:
            page = None
    if page is None:
        page = CappedPaginator(rows, PAGE_SIZE, max_page=paging.MAX_PAGE).get_page(request.GET.get("page"))
        rows_here = list(page.object_list)
        page.next_cursor = (
            cursor_of(rows_here[-1])
            if rows_here and page.number >= page.paginator.max_page and page.has_next() else ""
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    counts, counts_more = _status_counts(request.user)
    return render(request, "visits/request_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate(),
        "counts": counts, "counts_more": counts_more, "keyset": isinstance(page, KeysetPage),
    })


# A status tab counts up to this many requests and shows "понад …" beyond: an exact count of a big
# city's 800,000 requests read them all on every list page (issue 17).
TAB_COUNT_CAP = 1000


def _status_counts(user):
    """([(status, label, count)] for the tabs, {statuses counted past TAB_COUNT_CAP}), in one query
    reading at most TAB_COUNT_CAP + 1 index entries per status."""
    counts = actions.status_counts(user.community_id, cap=TAB_COUNT_CAP + 1) if user.community_id else {}
    more = {value for value, n in counts.items() if n > TAB_COUNT_CAP}
    return [(value, label, min(counts.get(value, 0), TAB_COUNT_CAP)) for value, label in Status.choices], more


def _get_request(user, pk):
    # Another community's request answers 404, exactly like one that does not exist.
    return get_object_or_404(
        VisitRequest.objects.for_user(user)
        .select_related("settlement", "category", "eligible_by", "created_by")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=RequestedService.objects.select_related("service__provider").prefetch_related(
                    Prefetch("documents", queryset=RequestedDocument.objects.order_by("id")), "service__fees"
                ),
            )
        ),
        pk=pk,
    )


@staff_required("requests.view")
def request_detail(request, pk):
    req = _get_request(request.user, pk)
    record_access(request, req, VIEW)
    duplicates = actions.find_duplicates(
        req.community_id, name=req.applicant_name, birth_date=req.applicant_birth_date,
        phone=req.applicant_phone, settlement_id=req.settlement_id, street=req.street,
        building=req.building, flat=req.flat, exclude_pk=req.pk,
    ) if req.is_open else []
    return render(request, "visits/request_detail.html", {
        "req": req,
        "history": req.history.select_related("by"),
        "verdict": actions.evaluate_request(req),
        "duplicates": duplicates,
        "decision_form": DecisionForm(),
        "can_decide": has_capability(request.user, "requests.decide"),
        "can_edit": req.status != Status.REJECTED,
        # What the field client reported from each visit (field app): outcome, acts, photos, videos.
        "field_visits": req.visits.select_related("stop__trip", "recorded_by").prefetch_related(
            "acts", "attachments", "accepted__case", "accepted__service").order_by("stop__trip__day", "pk"),
        "can_pin": req.status != Status.REJECTED and has_capability(request.user, "requests.intake"),
        "pin_form": PinForm(initial={"latitude": req.latitude, "longitude": req.longitude}),
        "map_data": _request_map(req),
        # What the person was texted, and whether their number asked for no SMS (issue 13).
        "sms": OutboxMessage.objects.filter(related_object=outbox.related_ref(req)).order_by("created_at", "pk"),
        "sms_off": outbox.opted_out_since(req.community, req.contact_phone) if req.contact_phone else None,
        "can_sms": has_capability(request.user, "requests.intake") and bool(req.contact_phone),
    })


@staff_required("requests.intake")
@require_POST
def request_sms(request, pk):
    """The person asked (by phone, at the desk) for no SMS to their number, or for SMS again."""
    req = _get_request(request.user, pk)
    record_access(request, req, EDIT)
    if not req.contact_phone:
        messages.error(request, _("У заявці немає номера телефону."))
    elif request.POST.get("sms") == "off":
        outbox.opt_out(req.community, req.contact_phone, source=SmsOptOut.Source.STAFF, by=request.user)
        messages.success(request, _("SMS на цей номер більше не надсилатимуться. Повідомляйте людину телефоном."))
    else:
        outbox.opt_in(req.community, req.contact_phone)
        messages.success(request, _("SMS на цей номер знову надсилатимуться."))
    return redirect(reverse("visits:detail", args=[req.pk]) + "#sms")


def _request_map(req):
    """What the request page's map shows (static/js/request-map.js): the pin, or the settlement's centre."""
    def point(lat, lon):
        return [float(lat), float(lon)] if lat is not None and lon is not None else None

    return {
        "at": point(req.latitude, req.longitude),
        "centre": point(req.settlement.latitude, req.settlement.longitude),
        "approximate": req.location_approximate,
        "tiles": maps.tiles(),
    }


@staff_required("requests.intake")
@require_POST
def request_locate(request, pk):
    """The operator's pin for the visit's place: dragged on the map, or typed under it."""
    req = _get_request(request.user, pk)
    record_access(request, req, EDIT)
    if req.status == Status.REJECTED:
        messages.error(request, _("Відхилену заявку змінити не можна."))
        return redirect("visits:detail", pk=req.pk)
    form = PinForm(request.POST)
    if not form.is_valid():
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect(f"{reverse('visits:detail', args=[req.pk])}#location")
    location.pin(req, form.cleaned_data["latitude"], form.cleaned_data["longitude"], by=request.user)
    messages.success(request, _("Місце візиту збережено. Саме сюди приїде команда."))
    return redirect(f"{reverse('visits:detail', args=[req.pk])}#location")


def _verdict_from_form(form, community):
    """Eligibility from whatever fields of a (possibly incomplete) form are already valid."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    categories = list(EligibilityCategory.objects.filter(community=community))
    return rules.evaluate(
        categories,
        birth_date=data.get("applicant_birth_date"),
        settlement=data.get("settlement"),
        claimed=data.get("category"),
        evidence_available=bool(data.get("evidence_available")),
        today=timezone.localdate(),
    )


def _missing_documents(form):
    missing = []
    for row in form.service_rows():
        if row["chosen"]:
            for doc, has in row["documents"]:
                if not has:
                    missing.append((row["service"], doc))
    return missing


def _duplicates_for_form(form, community, exclude_pk=None):
    data = getattr(form, "cleaned_data", {})
    settlement = data.get("settlement")
    return actions.find_duplicates(
        community.pk,
        name=data.get("applicant_name"), birth_date=data.get("applicant_birth_date"),
        phone=data.get("applicant_phone"), settlement_id=settlement.pk if settlement else None,
        street=data.get("street"), building=data.get("building"), flat=data.get("flat"),
        exclude_pk=exclude_pk,
    )


def _intake(request, instance=None):
    community = request.user.community
    form = VisitRequestForm(request.POST or None, instance=instance, community=community)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = list(_duplicates_for_form(form, community, exclude_pk=getattr(instance, "pk", None)))
        if duplicates and not request.POST.get("not_duplicate"):
            messages.warning(request, _("Схоже, така заявка вже є. Перевірте список нижче."))
        else:
            req = form.build_request(channel=request.POST.get("channel") or Channel.PHONE)
            if req.channel not in Channel.values:
                req.channel = Channel.PHONE
            try:
                if instance is None:
                    actions.create_request(req, form.service_choices(), by=request.user)
                    messages.success(request, _("Заявку %(number)s збережено.") % {"number": req.number})
                else:
                    actions.update_request(req, form.service_choices(), by=request.user)
                    messages.success(request, _("Зміни збережено."))
            except actions.TransitionError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("visits:detail", pk=req.pk)
    elif request.method == "POST":
        messages.error(request, _("Заявку не збережено: виправте позначені поля."))
    return render(request, "visits/intake.html", {
        "form": form, "instance": instance, "duplicates": duplicates, "community": community,
        "verdict": _verdict_from_form(form, community) if form.is_bound else None,
        "missing_documents": _missing_documents(form) if form.is_bound else [],
        "channels": Channel.choices if instance is None else None,
        "channel": request.POST.get("channel", Channel.PHONE),
    }, status=200)


@staff_required("requests.intake")
@require_http_methods(["GET", "POST"])
def request_create(request):
    return _intake(request)


@staff_required("requests.intake")
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    req = _get_request(request.user, pk)
    # A POST shows the record too (an empty one renders it unchanged): every visit is logged.
    record_access(request, req, EDIT)
    if req.status == Status.REJECTED:
        messages.error(request, _("Відхилену заявку змінити не можна."))
        return redirect("visits:detail", pk=req.pk)
    return _intake(request, instance=req)


@staff_required("requests.intake")
@require_POST
def intake_check(request):
    """The live panel beside the intake form: eligibility, missing papers, duplicates."""
    community = request.user.community
    exclude = parse_id(request.POST.get("instance_pk"))
    form = VisitRequestForm(request.POST, community=community)
    form.is_valid()
    return render(request, "visits/_live_check.html", {
        "verdict": _verdict_from_form(form, community),
        "missing_documents": _missing_documents(form),
        "duplicates": _duplicates_for_form(form, community, exclude_pk=exclude),
        "live": True,
    })


@staff_required("requests.decide")
@require_POST
def request_decide(request, pk):
    req = _get_request(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Оберіть дію."))
        return redirect("visits:detail", pk=req.pk)
    action = form.cleaned_data["action"]
    try:
        actions.change_status(
            req, action, by=request.user,
            reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"],
        )
    except actions.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Рішення збережено: %(status)s.") % {"status": Status(action).label})
    return redirect("visits:detail", pk=req.pk)

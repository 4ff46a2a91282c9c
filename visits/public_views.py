"""Citizens' pages: no login, one community per address (/<slug>/...)."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.access import public
from catalogue.models import Service
from communities.models import Community
from core.ratelimit import hit
from eligibility.models import EligibilityCategory
from notifications import outbox
from notifications.models import SmsOptOut

from . import actions, lookups
from .forms import PublicDeliveryForm, PublicRequestForm, StatusLookupForm, models_q_for_community
from .models import Channel, Status, VisitRequest

SESSION_LAST_NUMBER = "valiza_last_request"


@public
def index(request):
    communities = list(Community.objects.all()[:2])
    if len(communities) == 1:
        return redirect("public:community", slug=communities[0].slug)
    return render(request, "public/index.html", {"communities": Community.objects.all()})


def _community(slug):
    return get_object_or_404(Community, slug=slug)


@public
def community_home(request, slug):
    community = _community(slug)
    services = (
        Service.objects.filter(is_active=True)
        .filter(models_q_for_community(community))
        .select_related("provider")
        .prefetch_related("documents", "fees")
    )
    return render(request, "public/community.html", {
        "community": community,
        "categories": EligibilityCategory.objects.filter(community=community, is_active=True),
        "services": [s for s in services if s.mobile_allowed],
        "office_only": [s for s in services if not s.mobile_allowed],
        "offices": community.offices.all(),
    })


def _too_many(request, community):
    return render(request, "public/too_many.html", {"community": community}, status=429)


@public
@require_http_methods(["GET", "POST"])
def request_form(request, slug):
    community = _community(slug)
    form = PublicRequestForm(request.POST or None, community=community)
    if request.method == "POST":
        # Mistakes are counted loosely (a slow typist may send the form several times); saved
        # requests strictly.
        if not hit(request, "public-post", settings.VALIZA_PUBLIC_REQUEST_LIMIT * 6):
            return _too_many(request, community)
        if form.is_bot:
            # Answer as if all went well: a bot learns nothing, nothing is stored.
            return redirect("public:request_done", slug=community.slug)
        problem = form.is_valid() and actions.phone_request_problem(
            community, [form.cleaned_data.get("applicant_phone"), form.cleaned_data.get("requester_phone")])
        if problem:
            form.add_error(None, problem)
        elif form.is_valid():
            if not hit(request, "public-request", settings.VALIZA_PUBLIC_REQUEST_LIMIT):
                return _too_many(request, community)
            req = form.build_request(channel=Channel.WEB)
            actions.create_request(req, form.service_choices())
            request.session[SESSION_LAST_NUMBER] = req.number
            return redirect("public:request_done", slug=community.slug)
    return render(request, "public/request_form.html", {"community": community, "form": form})


@public
def privacy_notice(request, slug):
    """The full notice of Law «Про захист персональних даних» art. 12 (the short one is on the forms)."""
    community = _community(slug)
    return render(request, "public/privacy.html", {
        "community": community, "offices": community.offices.all(),
        "keep": {"door_codes": settings.VALIZA_KEEP_DOOR_CODES_DAYS, "location": settings.VALIZA_KEEP_LOCATION_DAYS,
                 "video": settings.VALIZA_VIDEO_KEEP_DAYS, "scans": settings.VALIZA_KEEP_SCANS_DAYS,
                 "requests": settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS},
    })


@public
def request_done(request, slug):
    community = _community(slug)
    number = request.session.get(SESSION_LAST_NUMBER)
    return render(request, "public/request_done.html", {"community": community, "number": number})


# What a citizen reads for each state: what it means and what happens next.
CITIZEN_STATUS = {
    Status.NEW: gettext_lazy("Заявку отримано. Працівник ЦНАП зателефонує, щоб уточнити деталі та документи."),
    Status.NEEDS_INFO: gettext_lazy("Потрібні уточнення. Працівник ЦНАП зателефонує вам або чекає вашого дзвінка."),
    Status.ACCEPTED: gettext_lazy("Заявку прийнято. Ми повідомимо дату й час візиту, коли складемо графік виїздів."),
    Status.REJECTED: gettext_lazy("На жаль, заявку відхилено."),
    Status.SCHEDULED: gettext_lazy("Візит призначено. Дату й час візиту ми надіслали в SMS; напередодні нагадаємо."),
    Status.SERVED: gettext_lazy("Візит відбувся. Нижче — ваші справи: строк, стан і як ви отримаєте результат."),
    Status.PARTLY_SERVED: gettext_lazy("Візит відбувся, але не все вдалося зробити: ми призначимо ще один візит."),
    Status.ON_HOLD: gettext_lazy("Заявка чекає рішення координатора ЦНАП. Ми вам зателефонуємо."),
}


@public
@require_http_methods(["GET", "POST"])
def status_lookup(request, slug):
    """The request's state for whoever knows its number and phone: the visit's date and window, each
    service's case (number, state, the provider's term, how the result comes back), and — while the
    result is not yet sent or issued — the choice of how it comes back. Also «no SMS to this number».

    Every POST names the request again by number and phone (hidden in the page's forms) and counts
    against the same rate limit as a lookup: the page shows one request and nothing of anyone else.
    """
    community = _community(slug)
    form = StatusLookupForm(request.POST or None)
    found = other = None
    not_found = False
    done = problem = ""
    delivery_forms = {}
    if request.method == "POST":
        if not hit(request, "public-status", settings.VALIZA_PUBLIC_STATUS_LIMIT):
            return _too_many(request, community)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            if not form.has_prefix:
                found = (
                    VisitRequest.objects.filter(community=community, number=form.cleaned_data["number"])
                    .filter(models_phone(phone))
                    .first()
                )
            if found is None:
                # A fixed-point booking's number (З-1234-5678, or its digits from an older SMS).
                other = lookups.find_other(community, request.POST.get("number", ""), phone)
            not_found = found is None and other is None
            if found is not None:
                done, problem, delivery_forms = _status_action(request, found, phone)
    context = {
        "community": community, "form": form, "found": found, "not_found": not_found,
        "other": render_to_string(other[0], {**other[1], "community": community}, request=request) if other else "",
        "explanation": str(CITIZEN_STATUS.get(found.status, "")) if found else "", "done": done, "problem": problem,
    }
    if found is not None:
        context.update(_status_details(found, form.cleaned_data["phone"], delivery_forms))
    return render(request, "public/status.html", context)


def _delivery_choices(req):
    # The journal's cases sit a layer above (ADR 8): their choices are read through the relation.
    return req.cases.model._meta.get_field("preferred_delivery").choices


def _status_action(request, req, phone):
    """Apply what the person asked for on the status page; returns (done, problem, forms with errors)."""
    action = request.POST.get("action", "")
    if action in ("sms_off", "sms_on"):
        if action == "sms_off":
            outbox.opt_out(req.community, phone, source=SmsOptOut.Source.CITIZEN)
            return _("Добре: SMS на цей номер більше не надсилатимемо. Про зміни ми вам зателефонуємо."), "", {}
        outbox.opt_in(req.community, phone)
        return _("Добре: SMS на цей номер знову надсилатимемо."), "", {}
    if action != "delivery":
        return "", "", {}
    delivery_form = PublicDeliveryForm(request.POST, choices=_delivery_choices(req),
                                       auto_id=f"id_case{request.POST.get('case', '')[:12]}_%s")
    if not delivery_form.is_valid():
        case_id = request.POST.get("case", "")
        return "", "", {int(case_id): delivery_form} if case_id.isdigit() else {}
    # Only a case of this very request: a number of someone else's case finds nothing.
    case = req.cases.filter(pk=delivery_form.cleaned_data["case"]).first()
    if case is None:
        return "", _("Такої справи в цій заявці немає. Оновіть сторінку і спробуйте ще раз."), {}
    try:
        case.choose_delivery(delivery_form.cleaned_data["delivery"], address=delivery_form.cleaned_data["address"])
    except ValueError as exc:  # the journal's JournalError: its message is written for the person
        delivery_form.add_error(None, str(exc))
        return "", "", {case.pk: delivery_form}
    return _("Записали, як ви хочете отримати результат у справі %(n)s.") % {"n": case.number}, "", {}


def _status_details(req, phone, delivery_forms):
    """The visit's date and window, the cases and their forms, and the SMS opt-out of this phone."""
    visit = (req.stops.filter(trip__plan__state="published").select_related("trip")
             .order_by("-trip__day", "-pk").first())
    cases = list(req.cases.select_related("service__provider", "repeat_request").order_by("pk"))
    choices = _delivery_choices(req)
    for case in cases:
        initial = {"case": case.pk, "delivery": case.preferred_delivery or None, "address": case.delivery_address}
        case.delivery_form = delivery_forms.get(case.pk) or (
            PublicDeliveryForm(choices=choices, auto_id=f"id_case{case.pk}_%s", initial=initial)
            if case.delivery_can_change else None)
        repeat = case.repeat_request
        case.repeat_visit = (repeat.stops.filter(trip__plan__state="published").select_related("trip")
                             .order_by("-trip__day", "-pk").first() if repeat is not None else None)
    return {"visit": visit if req.status in (Status.SCHEDULED, Status.SERVED, Status.PARTLY_SERVED) else None,
            "cases": cases, "sms_off": outbox.opted_out_since(req.community, phone) is not None}


def models_phone(phone):
    return Q(applicant_phone=phone) | Q(requester_phone=phone)

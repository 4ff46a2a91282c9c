"""Citizens' pages: no login, one community per address (/<slug>/...)."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.access import public
from catalogue.models import Service
from communities.models import Community
from core.ratelimit import hit
from eligibility.models import EligibilityCategory

from . import actions, lookups
from .forms import PublicRequestForm, StatusLookupForm, models_q_for_community
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
                 "video": settings.VALIZA_VIDEO_KEEP_DAYS,
                 "requests": settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS},
    })


@public
def request_done(request, slug):
    community = _community(slug)
    number = request.session.get(SESSION_LAST_NUMBER)
    return render(request, "public/request_done.html", {"community": community, "number": number})


# What a citizen reads for each state: what it means and what happens next.
CITIZEN_STATUS = {
    Status.NEW: _("Заявку отримано. Працівник ЦНАП зателефонує, щоб уточнити деталі та документи."),
    Status.NEEDS_INFO: _("Потрібні уточнення. Працівник ЦНАП зателефонує вам або чекає вашого дзвінка."),
    Status.ACCEPTED: _("Заявку прийнято. Ми повідомимо дату й час візиту, коли складемо графік виїздів."),
    Status.REJECTED: _("На жаль, заявку відхилено."),
    Status.SCHEDULED: _("Візит призначено. Дату й час візиту ми надіслали в SMS; напередодні нагадаємо."),
}


@public
@require_http_methods(["GET", "POST"])
def status_lookup(request, slug):
    community = _community(slug)
    form = StatusLookupForm(request.POST or None)
    found = other = None
    not_found = False
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
    return render(request, "public/status.html", {
        "community": community, "form": form, "found": found, "not_found": not_found,
        "other": render_to_string(other[0], {**other[1], "community": community}, request=request) if other else "",
        "explanation": str(CITIZEN_STATUS.get(found.status, "")) if found else "",
    })


def models_phone(phone):
    return Q(applicant_phone=phone) | Q(requester_phone=phone)

"""The public schedule (issue 12): when the mobile office comes to each settlement of a community, how
to order a visit, what to prepare, and a printable A4 notice for the village council or the ambulatory
with a QR code to the request form (seed 000 §1.13 п.7).

No login and no personal data: days of published plans (never a name or an address) and the
fixed-point sessions with their free slots. Rate-limited per address like the other public pages.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import public
from communities.models import Community, Settlement
from core.ratelimit import hit

from . import pdf, schedule


def _community(slug):
    return get_object_or_404(Community, slug=slug)


def _too_many(request, community):
    return render(request, "public/too_many.html", {"community": community}, status=429)


def _context(community, settlements):
    return {
        "community": community,
        "schedules": schedule.settlement_schedules(community, settlements),
        "offices": community.offices.all(),
        "today": timezone.localdate(),
    }


@public
@require_GET
def community_schedule(request, slug):
    community = _community(slug)
    if not hit(request, "public-schedule", settings.VALIZA_PUBLIC_SCHEDULE_LIMIT):
        return _too_many(request, community)
    settlements = Settlement.objects.filter(community=community).order_by("name")
    return render(request, "planning/public/schedule.html", {**_context(community, settlements), "settlement": None})


def _settlement(community, pk):
    # Another community's settlement is a 404 here, like one that does not exist.
    return get_object_or_404(Settlement, community=community, pk=pk)


@public
@require_GET
def settlement_schedule(request, slug, pk):
    community = _community(slug)
    if not hit(request, "public-schedule", settings.VALIZA_PUBLIC_SCHEDULE_LIMIT):
        return _too_many(request, community)
    settlement = _settlement(community, pk)
    return render(request, "planning/public/schedule.html", {**_context(community, [settlement]), "settlement": settlement})


def request_form_url(community, request=None):
    """The request form's absolute address for the printed QR: VALIZA_PUBLIC_URL, else the address this
    page was asked on (the host is one of ALLOWED_HOSTS)."""
    path = reverse("public:request", args=[community.slug])
    if settings.VALIZA_PUBLIC_URL or request is None:
        return settings.VALIZA_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def notice_qr_svg(url):
    """The QR code of `url` as inline SVG (WeasyPrint draws it; nothing is fetched)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def notice_html(community, settlement, request=None):
    from django.template.loader import render_to_string

    url = request_form_url(community, request)
    return render_to_string(
        "planning/schedule_notice.html",
        {
            **_context(community, [settlement]),
            "settlement": settlement,
            "request_url": url,
            "qr": notice_qr_svg(url),
            "font_regular": pdf.STATIC_SCHEME + pdf.FONTS["regular"],
            "font_bold": pdf.STATIC_SCHEME + pdf.FONTS["bold"],
        },
    )


@public
@require_GET
def settlement_notice(request, slug, pk):
    community = _community(slug)
    if not hit(request, "public-notice", settings.VALIZA_PUBLIC_NOTICE_LIMIT):
        return _too_many(request, community)
    settlement = _settlement(community, pk)
    body = pdf.render_pdf(notice_html(community, settlement, request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="schedule-{settlement.pk}.pdf"'
    return response

"""Partners, the mailing of the notice and the printed notice/flyer (issue 15, seed 000 §1.13 п.7, §2.1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import staff_required

from . import mailing, printed
from .actions import CampaignError
from .forms import MailingForm, MailingReasonForm, PartnerForm
from .models import Mailing, MailingReason, Partner


@staff_required("campaign.manage")
@require_GET
def partners(request):
    community = request.user.community
    rows = Partner.objects.filter(community=community).select_related("settlement").order_by("-is_active", "name")
    return render(request, "campaign/partners.html", {"rows": rows})


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk=None):
    community = request.user.community
    partner = get_object_or_404(Partner, pk=pk, community=community) if pk else Partner(community=community)
    form = PartnerForm(request.POST if request.method == "POST" else None, instance=partner, community=community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Організацію збережено.")
        return redirect("campaign:partners")
    return render(request, "campaign/partner_form.html", {"form": form, "partner": partner}, status=400 if form.errors else 200)


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def mailing_new(request):
    community = request.user.community
    error = ""
    if request.method == "POST":
        form = MailingForm(request.POST, community=community)
        if form.is_valid():
            d = form.cleaned_data
            try:
                sent = mailing.send(
                    community,
                    reason=d["reason"],
                    subject=d["subject"],
                    body=d["body"],
                    partners=list(d["partners"]),
                    user=request.user,
                )
            except CampaignError as e:
                error = str(e)
            else:
                messages.success(request, "Лист поставлено в чергу на надсилання.")
                return redirect("campaign:mailing", pk=sent.pk)
        else:
            error = "Перевірте поля, позначені червоним."
        reason_form = MailingReasonForm(initial={"reason": request.POST.get("reason")})
    else:
        reason_form = MailingReasonForm(request.GET or None)
        reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else MailingReason.SCHEDULE
        subject, body = printed.mailing_text(community, reason, request)
        form = MailingForm(community=community, initial={"reason": reason, "subject": subject, "body": body})
        form.initial["partners"] = list(form.fields["partners"].queryset.values_list("pk", flat=True))
    return render(
        request,
        "campaign/mailing_form.html",
        {"form": form, "reason_form": reason_form, "to_call": mailing.to_call(community), "error": error},
        status=400 if error else 200,
    )


@staff_required("campaign.manage")
@require_GET
def mailings(request):
    rows = Mailing.objects.filter(community=request.user.community).select_related("sent_by")
    return render(request, "campaign/mailings.html", {"rows": rows})


@staff_required("campaign.manage")
@require_GET
def mailing_detail(request, pk):
    sent = get_object_or_404(Mailing.objects.select_related("sent_by"), pk=pk, community=request.user.community)
    recipients = sent.recipients.select_related("message")
    return render(request, "campaign/mailing.html", {"m": sent, "recipients": recipients})


@staff_required("campaign.manage")
@require_GET
def printed_matter(request):
    return render(request, "campaign/printed.html", {"sizes": printed.SIZES})


@staff_required("campaign.manage")
@require_GET
def notice(request, size, fmt):
    community = request.user.community
    if size not in printed.SIZES or fmt not in ("html", "pdf"):
        return HttpResponse(status=404)
    if fmt == "html":
        return HttpResponse(printed.notice_html(community, size, request))
    response = HttpResponse(printed.notice_pdf(community, size, request), content_type="application/pdf")
    name = "notice" if size == "a4" else "flyer"
    response["Content-Disposition"] = f'inline; filename="valiza-{name}-{size}.pdf"'
    return response

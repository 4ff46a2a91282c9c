"""The calendar of information occasions (issue 15): the month view, the community's dates, a
reminder's drafted post, and the iCalendar feed at a per-user secret address."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import public, staff_required
from accounts.roles import has_capability

from . import occasions
from .actions import CampaignError
from .forms import PublishedForm
from .models import CalendarFeed, Occasion, OccasionKind, OccasionPost
from .occasion_forms import MONTHS, OccasionForm, PostForm

MONTH_NAMES = [
    "", "Січень", "Лютий", "Березень", "Квітень", "Травень", "Червень",
    "Липень", "Серпень", "Вересень", "Жовтень", "Листопад", "Грудень",
]  # fmt: skip


def _month(value, today):
    """(year, month, error) from "2026-12"; a bad value gives today's month and a message."""
    if not value:
        return today.year, today.month, ""
    try:
        year, month = (int(x) for x in value.split("-"))
        datetime.date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        return today.year, today.month, _("Не вдалося прочитати місяць «%(v)s». Показано поточний місяць.") % {"v": value[:20]}
    return year, month, ""


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def month(request):
    community = request.user.community
    if request.method == "POST":  # a new secret address of the feed
        occasions.new_token(request.user)
        messages.success(request, _("Нова адреса календаря готова. Стара більше не працює: замініть її у своєму календарі."))
        return redirect("campaign:calendar")
    today = timezone.localdate()
    year, mon, error = _month(request.GET.get("month", ""), today)
    first = datetime.date(year, mon, 1)
    prev = (first - datetime.timedelta(days=1)).replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    feed = occasions.feed_for(request.user)
    return render(
        request,
        "campaign/calendar.html",
        {
            "weeks": occasions.month_days(community, year, mon),
            "title": f"{MONTH_NAMES[mon]} {year}",
            "prev": prev.strftime("%Y-%m"),
            "next": nxt.strftime("%Y-%m"),
            "today": today,
            "error": error,
            "feed_url": request.build_absolute_uri(reverse("campaign:ical", args=[feed.token])),
            "posts": OccasionPost.objects.filter(occasion__community=community)
            .exclude(state="published")
            .select_related("occasion"),
        },
        status=400 if error else 200,
    )


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def occasion_list(request):
    community = request.user.community
    occasions.ensure(community)
    form = OccasionForm(request.POST if request.method == "POST" and request.POST.get("action") == "add" else None)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            if form.is_valid():
                d = form.cleaned_data
                Occasion.objects.create(
                    community=community,
                    kind=OccasionKind.COMMUNITY,
                    title=d["title"],
                    month=d["month"],
                    day=d["day"],
                    year=d["year"],
                    lead_days=d["lead_days"],
                    text=d["text"],
                )
                messages.success(request, _("Дату додано. Валіза нагадає про неї заздалегідь."))
                return redirect("campaign:occasions")
            error = _("Перевірте поля, позначені червоним.")
        elif action in ("off", "on"):
            pk = request.POST.get("pk", "")
            occasion = Occasion.objects.filter(community=community, pk=pk).first() if pk.isdigit() else None
            if occasion is None:
                error = _("Такої дати немає. Оновіть сторінку.")
            else:
                occasion.active = action == "on"
                occasion.save(update_fields=["active"])
                messages.success(request, _("Збережено."))
                return redirect("campaign:occasions")
        else:
            error = _("Цю дію зараз виконати не можна. Оновіть сторінку.")
    rows = list(Occasion.objects.filter(community=community))
    names = dict(MONTHS)
    for o in rows:
        o.when = f"{o.day} {names[o.month]}" + (f" {o.year}" if o.year else "")
    return render(
        request,
        "campaign/occasions.html",
        {"rows": rows, "form": form, "error": error},
        status=400 if error else 200,
    )


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def post(request, pk):
    post = get_object_or_404(
        OccasionPost.objects.select_related("occasion__community"), pk=pk, occasion__community=request.user.community
    )
    edit_form = PostForm(initial={"site_text": post.site_text, "social_text": post.social_text})
    published_form = PublishedForm()
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                edit_form = PostForm(request.POST)
                if edit_form.is_valid():
                    occasions.edit(post, edit_form.cleaned_data["site_text"], edit_form.cleaned_data["social_text"])
                    return _done(request, post, _("Зміни збережено."))
            elif action == "refresh":
                occasions.refresh(post)
                return _done(request, post, _("Цифри пораховано знову, текст складено заново."))
            elif action == "ready":
                occasions.mark_ready(post)
                return _done(request, post, _("Допис позначено як готовий."))
            elif action == "published":
                published_form = PublishedForm(request.POST)
                if published_form.is_valid():
                    occasions.mark_published(post, published_form.cleaned_data["url"])
                    return _done(request, post, _("Допис позначено як опублікований."))
            else:
                error = _("Цю дію зараз виконати не можна. Оновіть сторінку.")
        except CampaignError as e:
            error = str(e)
        if not error:
            error = _("Перевірте поля, позначені червоним.")
        post.refresh_from_db()
    return render(
        request,
        "campaign/occasion_post.html",
        {"post": post, "o": post.occasion, "edit_form": edit_form, "published_form": published_form, "error": error},
        status=400 if error else 200,
    )


def _done(request, post, text):
    messages.success(request, text)
    return redirect("campaign:post", pk=post.pk)


@public
@require_GET
def ical(request, token):
    """The feed for calendar apps, which cannot log in: the secret address is the key. Titles only."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user__community").first()
    user = feed.user if feed else None
    if user is None or not user.is_active or not user.community_id or not has_capability(user, "campaign.manage"):
        raise Http404
    body = occasions.ical(user.community, timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="valiza-campaign.ics"'
    return response

"""The calendar of information occasions (issue 15, seed 000 §2.2.2): national dates that fit the
service, the community's own dates and the quarter ends. The worker runs `check`: a set number of days
before each date it makes, once per occasion and date, an `OccasionPost` — the reminder "prepare a post
by …" with the drafted text filled with the indicators' figures. Nothing is published automatically.
Sources of the national dates: docs/campaign.md."""

import calendar
import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from communities.models import Community
from indicators import figures as indicators

from .actions import CampaignError
from .models import CalendarFeed, Draft, DraftState, Milestone, Occasion, OccasionKind, OccasionPost

# (key, month, day, title, the post's opening). Only fixed dates from documents (docs/campaign.md).
NATIONAL = (
    (
        "families",
        5,
        15,
        _l("Міжнародний день сімей"),
        _l(
            "Сьогодні Міжнародний день сімей. Подзвоніть батькам і бабусям: можливо, їм потрібна "
            "адміністративна послуга, а дійти до ЦНАП вони не можуть. Працівники ЦНАП приїдуть додому."
        ),
    ),
    (
        "older-persons",
        10,
        1,
        _l("Міжнародний день людей похилого віку"),
        _l(
            "Сьогодні Міжнародний день людей похилого віку. Вітаємо старших жителів громади! Якщо вам важко "
            "дістатися до ЦНАП, працівники приїдуть до вас додому з мобільною валізою."
        ),
    ),
    (
        "disabilities",
        12,
        3,
        _l("Міжнародний день людей з інвалідністю"),
        _l(
            "Сьогодні весь світ відзначає Міжнародний день людей з інвалідністю. Один із кроків нашої громади — "
            "послуга «Мобільна валіза ЦНАП»: люди з інвалідністю отримують адміністративні послуги вдома."
        ),
    ),
    (
        "self-government",
        12,
        7,
        _l("День місцевого самоврядування"),
        _l(
            "Сьогодні День місцевого самоврядування. Громада дбає, щоб послуги ЦНАП були доступні кожному: "
            "мобільна валіза приїздить до тих, хто не може прийти сам."
        ),
    ),
)
QUARTER_ENDS = ((1, 3, 31), (2, 6, 30), (3, 9, 30), (4, 12, 31))


def ensure(community):
    """The national dates and the quarter ends of `community`, made the first time (safe twice)."""
    if Occasion.objects.filter(community=community).exclude(key="").exists():
        return
    rows = [
        Occasion(community=community, kind=OccasionKind.NATIONAL, key=key, month=m, day=d, title=str(t), text=str(x))
        for key, m, d, t, x in NATIONAL
    ]
    rows += [
        Occasion(
            community=community,
            kind=OccasionKind.QUARTER,
            key=f"quarter:{q}",
            month=m,
            day=d,
            title=_("Підсумки %(q)d кварталу") % {"q": q},
        )
        for q, m, d in QUARTER_ENDS
    ]
    Occasion.objects.bulk_create(rows, ignore_conflicts=True)


def date_in(occasion, year):
    """The occasion's date in `year` (29 February is the 28th in other years), or None."""
    if occasion.year and occasion.year != year:
        return None
    last = calendar.monthrange(year, occasion.month)[1]
    return datetime.date(year, occasion.month, min(occasion.day, last))


def dates_between(occasion, start, end):
    out = []
    for year in range(start.year, end.year + 1):
        day = date_in(occasion, year)
        if day and start <= day <= end:
            out.append(day)
    return out


def next_date(occasion, today):
    """The occasion's first date on or after `today`, or None."""
    for year in (today.year, today.year + 1):
        day = date_in(occasion, year)
        if day and day >= today:
            return day
    return None


def validate(month, day, year=None):
    """A staff-entered date: the message for a 75-year-old's community worker, or ''."""
    if not 1 <= month <= 12:
        return _("Місяць — число від 1 до 12.")
    if not 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
        return _("Такого числа в цьому місяці немає.")
    return ""


def _quarter(day):
    q = (day.month - 1) // 3 + 1
    return q, datetime.date(day.year, 3 * q - 2, 1)


def _figures_text(f):
    lines = []
    if f.get("services"):
        lines.append(ngettext("надано %(n)d послугу", "надано %(n)d послуг", f["services"]) % {"n": f["services"]})
    if f.get("people"):
        lines.append(ngettext("допомогли %(n)d людині", "допомогли %(n)d людям", f["people"]) % {"n": f["people"]})
    if f.get("visits"):
        lines.append(ngettext("здійснено %(n)d виїзд", "здійснено %(n)d виїздів", f["visits"]) % {"n": f["visits"]})
    return ", ".join(lines)


def figures_for(occasion, on, today):
    """The figures the post quotes: a quarter end its quarter's, up to `today` (the reminder comes before
    the quarter is over); any other date those of the last 12 months."""
    if occasion.kind == OccasionKind.QUARTER:
        q, since = _quarter(on)
    else:
        q, since = None, today - datetime.timedelta(days=365)
    until = min(today, on)
    found = indicators.activity(occasion.community, since, until).extra
    return {"quarter": q, "since": since.isoformat(), "until": until.isoformat(), **found}


def compose(post):
    """The post's site and social texts: the occasion's opening (or the quarter's results), the figures,
    «Допоможи сусіду!», how to order and the phone (seed 000 §2.2)."""
    occasion, f = post.occasion, post.figures
    community = occasion.community
    since = datetime.date.fromisoformat(f["since"]).strftime("%d.%m.%Y")
    until = datetime.date.fromisoformat(f["until"]).strftime("%d.%m.%Y")
    figures = _figures_text(f)
    if occasion.kind == OccasionKind.QUARTER:
        opening = _("Підсумки %(q)d кварталу %(y)d року: як працює мобільний ЦНАП у громаді %(c)s.") % {
            "q": f["quarter"],
            "y": post.occasion_on.year,
            "c": community.name,
        }
        figures = (
            _("З %(since)s по %(until)s %(f)s.") % {"since": since, "until": until, "f": figures}
            if figures
            else _("З %(since)s по %(until)s послуг удома ще не надавали.") % {"since": since, "until": until}
        )
        thanks = _("Дякуємо всім, хто не був байдужим і допоміг сусідам отримати послуги вдома.")
    else:
        opening = occasion.text or _("%(t)s, %(d)s.") % {"t": occasion.title, "d": post.occasion_on.strftime("%d.%m.%Y")}
        figures = _("За останній рік у громаді %(f)s.") % {"f": figures} if figures else ""
        thanks = ""
    asked = _("Допоможи сусіду! Якщо ваш сусід, батьки чи знайомі не можуть прийти самі, подайте заявку за них.")
    order = _("Як замовити: зателефонуйте %(phone)s або подайте заявку на сайті громади.") % {
        "phone": community.phone or _("телефон ЦНАП")
    }
    parts = [opening, figures, thanks, asked, order]
    return "\n\n".join(x for x in parts if x), " ".join(x for x in parts if x)[:2000]


def make_post(occasion, on, today):
    """The reminder with its drafted post for `occasion` on `on`. Returns (post, created)."""
    existing = OccasionPost.objects.filter(occasion=occasion, occasion_on=on).first()
    if existing:
        return existing, False
    post = OccasionPost(occasion=occasion, occasion_on=on, figures=figures_for(occasion, on, today))
    post.site_text, post.social_text = compose(post)
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:  # another worker made it a moment ago
        return OccasionPost.objects.get(occasion=occasion, occasion_on=on), False
    return post, True


def remind(community, now=None):
    """The reminders of `community` due by today and not yet made. Returns the new posts."""
    today = timezone.localdate(now or timezone.now())
    ensure(community)
    made = []
    for occasion in Occasion.objects.filter(community=community, active=True).select_related("community"):
        on = next_date(occasion, today)
        if on and on - datetime.timedelta(days=occasion.lead_days) <= today:
            post, created = make_post(occasion, on, today)
            if created:
                made.append(post)
    return made


def check(now=None):
    """The worker's check (VALIZA_WORKER_CHECKS). Returns how many reminders were made."""
    return sum(len(remind(c, now)) for c in Community.objects.all())


# The post's steps, as a milestone's draft (campaign.actions).


def edit(post, site_text, social_text):
    if post.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    post.site_text, post.social_text, post.state = site_text, social_text, DraftState.DRAFT
    post.save()


def refresh(post, now=None):
    """The figures counted again today, the text composed again (staff's edits are replaced)."""
    if post.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано, його не змінюють."))
    post.figures = figures_for(post.occasion, post.occasion_on, timezone.localdate(now or timezone.now()))
    post.site_text, post.social_text = compose(post)
    post.state = DraftState.DRAFT
    post.save()


def mark_ready(post):
    if post.state == DraftState.PUBLISHED:
        raise CampaignError(_("Цей допис уже опубліковано."))
    post.state = DraftState.READY
    post.save()


def mark_published(post, url, now=None):
    if post.state != DraftState.READY:
        raise CampaignError(_("Спершу позначте допис як готовий."))
    if not url.startswith(("http://", "https://")):
        raise CampaignError(_("Вставте посилання на опублікований допис (починається з https://)."))
    post.state, post.published_url, post.published_at = DraftState.PUBLISHED, url, now or timezone.now()
    post.save()


# The month view and the iCalendar feed.


def month_days(community, year, month):
    """The month's weeks (Monday first) as lists of (day, in_month, [(kind, text, url_name, pk)])."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    items = {}

    def add(day, kind, text, url=None, pk=None):
        items.setdefault(day, []).append((kind, text, url, pk))

    ensure(community)
    for o in Occasion.objects.filter(community=community, active=True):
        for day in dates_between(o, start, end + datetime.timedelta(days=o.lead_days)):
            if day <= end:
                add(day, "occasion", o.title)
            remind_on = day - datetime.timedelta(days=o.lead_days)
            if start <= remind_on <= end:
                add(remind_on, "reminder", _("Підготувати допис до %(d)s: %(t)s") % {"d": day.strftime("%d.%m"), "t": o.title})
    for p in OccasionPost.objects.filter(occasion__community=community, occasion_on__range=(start, end)).select_related(
        "occasion"
    ):
        add(p.occasion_on, "post", _("Допис: %(t)s (%(s)s)") % {"t": p.occasion.title, "s": p.get_state_display()}, "post", p.pk)
    for m in Milestone.objects.filter(community=community, happened_on__range=(start, end)).select_related("draft"):
        add(m.happened_on, "milestone", m.title, "draft", m.draft.pk if hasattr(m, "draft") else None)
    for d in Draft.objects.filter(milestone__community=community, published_at__date__range=(start, end)).select_related(
        "milestone"
    ):
        add(timezone.localdate(d.published_at), "published", _("Опубліковано: %(t)s") % {"t": d.milestone.title}, "draft", d.pk)
    for p in OccasionPost.objects.filter(occasion__community=community, published_at__date__range=(start, end)).select_related(
        "occasion"
    ):
        add(timezone.localdate(p.published_at), "published", _("Опубліковано: %(t)s") % {"t": p.occasion.title}, "post", p.pk)
    return [[(day, day.month == month, items.get(day, [])) for day in week] for week in weeks]


def feed_for(user):
    """The user's feed, made the first time."""
    feed = CalendarFeed.objects.filter(user=user).first()
    return feed or CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def new_token(user):
    """A new secret address: the old one stops working."""
    feed = feed_for(user)
    feed.token, feed.created_at = secrets.token_urlsafe(32), timezone.now()
    feed.save()
    return feed


def ical(community, today):
    """The community's calendar as iCalendar bytes: occasions, reminders and milestone posts from a month
    ago to a year ahead. Titles only — no person's data."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Valiza//campaign//UK")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Інформаційні приводи: %(c)s") % {"c": community.name})
    start, end = today - datetime.timedelta(days=31), today + datetime.timedelta(days=366)
    stamp = timezone.now()

    def event(uid, day, summary):
        e = Event()
        e.add("uid", f"{uid}@valiza")
        e.add("dtstamp", stamp)
        e.add("dtstart", day)
        e.add("dtend", day + datetime.timedelta(days=1))
        e.add("summary", summary)
        cal.add_component(e)

    ensure(community)
    for o in Occasion.objects.filter(community=community, active=True):
        for day in dates_between(o, start, end):
            event(f"occasion-{o.pk}-{day.isoformat()}", day, o.title)
            event(
                f"reminder-{o.pk}-{day.isoformat()}",
                day - datetime.timedelta(days=o.lead_days),
                _("Підготувати допис до %(d)s: %(t)s") % {"d": day.strftime("%d.%m.%Y"), "t": o.title},
            )
    for m in Milestone.objects.filter(community=community, happened_on__range=(start, end)):
        event(f"milestone-{m.pk}", m.happened_on, _("Допис: %(t)s") % {"t": m.title})
    return cal.to_ical()

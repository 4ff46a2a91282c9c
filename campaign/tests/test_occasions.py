"""The calendar of information occasions (issue 15): the national dates seeded once, a reminder with its
drafted post made once N days before a date (the worker run twice), the quarter's results with the
quarter's figures, the month view (a leap-year February, December to January), the iCalendar feed
(its secret address, its content, one community only) and bad input."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from campaign import milestones, occasions
from campaign.models import Draft, DraftState, Occasion, OccasionKind, OccasionPost
from indicators.tests.dataset import KYIV, at, case, request


def _at(day):
    """Noon in Kyiv on `day`, for time_machine."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=KYIV)


def _serve(world, day, community=None):
    req = request(world, at(day, 9))
    return case(
        world, service=world.svc_cert, accepted=at(day, 10), req=req, handover_due=day,
        provider_due=day + datetime.timedelta(days=10),
    )  # fmt: skip


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_the_national_dates_and_quarter_ends_are_seeded_once(world):
    occasions.ensure(world.a)
    occasions.ensure(world.a)
    rows = {o.key: o for o in Occasion.objects.filter(community=world.a)}
    assert (rows["older-persons"].month, rows["older-persons"].day) == (10, 1)
    assert (rows["disabilities"].month, rows["disabilities"].day) == (12, 3)
    assert (rows["self-government"].month, rows["self-government"].day) == (12, 7)
    assert (rows["families"].month, rows["families"].day) == (5, 15)
    assert [(rows[f"quarter:{q}"].month, rows[f"quarter:{q}"].day) for q in (1, 2, 3, 4)] == [
        (3, 31), (6, 30), (9, 30), (12, 31),
    ]  # fmt: skip
    assert rows["disabilities"].kind == OccasionKind.NATIONAL and rows["disabilities"].lead_days == 14
    assert len(rows) == 8
    assert not Occasion.objects.filter(community=world.b).exists()  # B's own when B is first looked at


@pytest.mark.django_db
def test_a_reminder_is_made_once_lead_days_before(world):
    served = datetime.date(2026, 10, 20)
    _serve(world, served)
    with time_machine.travel(_at(datetime.date(2026, 11, 18)), tick=False):
        assert occasions.remind(world.a) == []  # 15 days before 3 December: not yet
    with time_machine.travel(_at(datetime.date(2026, 11, 19)), tick=False):
        made = occasions.remind(world.a)
        assert [(p.occasion.key, p.occasion_on) for p in made] == [("disabilities", datetime.date(2026, 12, 3))]
        post = made[0]
        assert post.state == DraftState.DRAFT and post.figures["services"] == 1
        assert "Міжнародний день людей з інвалідністю" in post.site_text
        assert "За останній рік у громаді надано 1 послугу" in post.site_text
        assert "0 800 111 111" in post.site_text and "Допоможи сусіду!" in post.site_text
        assert occasions.remind(world.a) == []
        occasions.check()
        assert occasions.check() == 0  # the worker twice
    with time_machine.travel(_at(datetime.date(2026, 11, 25)), tick=False):
        assert [p.occasion.key for p in occasions.remind(world.a)] == ["self-government"]
    assert OccasionPost.objects.filter(occasion__community=world.a, occasion__key="disabilities").count() == 1
    # B's dates were seeded by the worker and got their own reminders, with B's (empty) figures
    b_post = OccasionPost.objects.get(occasion__community=world.b, occasion__key="disabilities")
    assert b_post.figures["services"] == 0 and "0 800 111 111" not in b_post.site_text


@pytest.mark.django_db
def test_a_switched_off_date_gets_no_reminder_and_next_year_gets_its_own(world):
    occasions.ensure(world.a)
    Occasion.objects.filter(community=world.a).exclude(key="older-persons").update(active=False)
    with time_machine.travel(_at(datetime.date(2026, 9, 20)), tick=False):
        assert [p.occasion_on for p in occasions.remind(world.a)] == [datetime.date(2026, 10, 1)]
    with time_machine.travel(_at(datetime.date(2027, 9, 17)), tick=False):
        assert [p.occasion_on for p in occasions.remind(world.a)] == [datetime.date(2027, 10, 1)]
    Occasion.objects.filter(community=world.a, key="older-persons").update(active=False)
    with time_machine.travel(_at(datetime.date(2028, 9, 25)), tick=False):
        assert occasions.remind(world.a) == []


@pytest.mark.django_db
def test_the_quarter_end_post_has_the_quarters_figures(world):
    _serve(world, datetime.date(2026, 6, 20))  # the second quarter: not counted
    _serve(world, datetime.date(2026, 7, 10))
    _serve(world, datetime.date(2026, 9, 1))
    occasions.ensure(world.a)
    Occasion.objects.filter(community=world.a, kind=OccasionKind.NATIONAL).update(active=False)
    with time_machine.travel(_at(datetime.date(2026, 9, 16)), tick=False):
        (post,) = occasions.remind(world.a)
    assert post.occasion.key == "quarter:3" and post.occasion_on == datetime.date(2026, 9, 30)
    assert post.figures["quarter"] == 3 and post.figures["services"] == 2 and post.figures["since"] == "2026-07-01"
    assert "Підсумки 3 кварталу 2026 року" in post.site_text
    assert "З 01.07.2026 по 16.09.2026 надано 2 послуги" in post.site_text
    # A service on the last days of the quarter: staff count again before publishing
    _serve(world, datetime.date(2026, 9, 25))
    with time_machine.travel(_at(datetime.date(2026, 9, 28)), tick=False):
        occasions.refresh(post)
    assert post.figures["services"] == 3 and "З 01.07.2026 по 28.09.2026 надано 3 послуги" in post.site_text


@pytest.mark.django_db
def test_the_month_view_december_to_january(world):
    # Logged in on the day travelled to: a session opened on the suite's own day may have expired by then.
    with time_machine.travel(_at(datetime.date(2026, 11, 19)), tick=False):
        c = _client(world.users["communications"])
        occasions.check()
        r = c.get(reverse("campaign:calendar"), {"month": "2026-12"})
        assert r.status_code == 200
        html = r.content.decode()
        assert "Грудень 2026" in html and 'href="?month=2027-01"' in html and 'href="?month=2026-11"' in html
        cell = html.split('data-day="2026-12-03"')[1].split("</td>")[0]
        assert "Міжнародний день людей з інвалідністю" in cell and "Допис: Міжнародний день людей з інвалідністю" in cell
        cell = html.split('data-day="2026-12-17"')[1].split("</td>")[0]
        assert "Підготувати допис до 31.12: Підсумки 4 кварталу" in cell
        post = OccasionPost.objects.get(occasion__community=world.a, occasion__key="disabilities")
        assert reverse("campaign:post", args=[post.pk]) in html
        r = c.get(reverse("campaign:calendar"), {"month": "2027-01"})
        html = r.content.decode()
        assert "Січень 2027" in html and 'href="?month=2026-12"' in html and 'href="?month=2027-02"' in html
        # B's coordinator sees B's calendar: not A's post
        r = _client(world.b_coordinator).get(reverse("campaign:calendar"), {"month": "2026-12"})
        assert reverse("campaign:post", args=[post.pk]) not in r.content.decode()


@pytest.mark.django_db
def test_the_month_view_leap_year_february_and_milestones(world):
    Occasion.objects.create(community=world.a, title="День села Вербівка", month=2, day=29)
    _serve(world, datetime.date(2028, 2, 10))
    with time_machine.travel(_at(datetime.date(2028, 2, 20)), tick=False):
        (first,) = milestones.detect(world.a)
        Draft.objects.filter(pk=first.draft.pk).update(state=DraftState.PUBLISHED, published_at=_at(datetime.date(2028, 2, 12)))
        c = _client(world.users["coordinator"])
        html = c.get(reverse("campaign:calendar"), {"month": "2028-02"}).content.decode()
        html27 = c.get(reverse("campaign:calendar"), {"month": "2027-02"}).content.decode()
    assert "Лютий 2028" in html
    days = [p.split('"')[0] for p in html.split('data-day="')[1:]]
    assert [d for d in days if d.startswith("2028-02")] == [f"2028-02-{n:02d}" for n in range(1, 30)]
    assert "День села Вербівка" in html.split('data-day="2028-02-29"')[1].split("</td>")[0]
    assert "Перша послуга" in html.split('data-day="2028-02-10"')[1].split("</td>")[0]
    assert "Опубліковано: Перша послуга" in html.split('data-day="2028-02-12"')[1].split("</td>")[0]
    assert 'data-day="2027-02-29"' not in html27
    assert "День села Вербівка" in html27.split('data-day="2027-02-28"')[1].split("</td>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2026-13", "абв", "1999-01", "2026-12-01", "2026-00"])
def test_a_bad_month_says_so_and_shows_this_month(world, bad):
    r = _client(world.users["communications"]).get(reverse("campaign:calendar"), {"month": bad})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Не вдалося прочитати місяць" in html and 'data-day="' in html


def _events(body):
    cal = Calendar.from_ical(body)
    return [(str(e.get("summary")), e.decoded("dtstart")) for e in cal.walk("VEVENT")]


@pytest.mark.django_db
def test_the_ical_feed(world):
    user = world.users["communications"]
    Occasion.objects.create(community=world.a, title="День громади А", month=9, day=12)
    Occasion.objects.create(community=world.b, title="День громади Б", month=9, day=12)
    _serve(world, datetime.date(2026, 11, 10))
    with time_machine.travel(_at(datetime.date(2026, 11, 19)), tick=False):
        c = _client(user)  # logged in on the day travelled to (see the month view's test)
        milestones.detect(world.a)
        html = c.get(reverse("campaign:calendar")).content.decode()
        token = occasions.feed_for(user).token
        assert reverse("campaign:ical", args=[token]) in html
        r = Client().get(reverse("campaign:ical", args=[token]))  # a calendar app: no login
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    events = _events(r.content)
    assert ("Міжнародний день людей з інвалідністю", datetime.date(2026, 12, 3)) in events
    assert ("Підготувати допис до 03.12.2026: Міжнародний день людей з інвалідністю", datetime.date(2026, 11, 19)) in events
    assert ("День громади А", datetime.date(2027, 9, 12)) in events
    assert ("Допис: Перша послуга", datetime.date(2026, 11, 10)) in events
    body = r.content.decode()
    assert "День громади Б" not in body  # one community only
    assert "Людина Для Статистики" not in body and "Коваленко" not in body  # no person's data
    # B's coordinator: B's feed
    with time_machine.travel(_at(datetime.date(2026, 11, 19)), tick=False):
        b_body = Client().get(reverse("campaign:ical", args=[occasions.feed_for(world.b_coordinator).token])).content
    assert "День громади Б" in b_body.decode() and "День громади А" not in b_body.decode()


@pytest.mark.django_db
def test_the_feed_address_is_secret_and_can_be_replaced(world):
    user = world.users["communications"]
    old = occasions.feed_for(user).token
    assert Client().get(reverse("campaign:ical", args=["no-such-token"])).status_code == 404
    r = _client(user).post(reverse("campaign:calendar"))
    assert r.status_code == 302
    new = occasions.feed_for(user).token
    assert new != old and len(new) >= 40
    assert Client().get(reverse("campaign:ical", args=[old])).status_code == 404
    assert Client().get(reverse("campaign:ical", args=[new])).status_code == 200
    user.is_active = False
    user.save()
    assert Client().get(reverse("campaign:ical", args=[new])).status_code == 404
    # A role without the campaign (an address made before the role changed) gets nothing
    operator_token = occasions.feed_for(world.users["operator"]).token
    assert Client().get(reverse("campaign:ical", args=[operator_token])).status_code == 404
    assert _client(world.users["operator"]).get(reverse("campaign:calendar")).status_code == 403


@pytest.mark.django_db
def test_staff_add_the_communitys_own_date_and_bad_input_changes_nothing(world):
    c = _client(world.users["communications"])
    url = reverse("campaign:occasions")
    good = {"action": "add", "title": "День громади", "day": "12", "month": "9", "year": "", "lead_days": "10", "text": ""}
    for bad, message in [
        ({"day": "30", "month": "2"}, "Такого числа в цьому місяці немає."),
        ({"day": "29", "month": "2", "year": "2027"}, "Такого числа в цьому місяці немає."),
        ({"title": ""}, "Напишіть назву дати."),
        ({"day": "0"}, "Число — від 1 до 31."),
        ({"month": "13"}, "Виберіть"),
        ({"lead_days": "-1"}, "Кількість днів — від 0 до 90."),
    ]:
        r = c.post(url, {**good, **bad})
        assert r.status_code == 400 and message in r.content.decode(), bad
    assert not Occasion.objects.filter(community=world.a, kind=OccasionKind.COMMUNITY).exists()
    assert c.post(url, {**good, "title": "День села", "day": "29", "month": "2"}).status_code == 302  # a leap day
    assert c.post(url, good).status_code == 302
    own = Occasion.objects.get(community=world.a, title="День громади")
    assert (own.month, own.day, own.lead_days, own.kind, own.active) == (9, 12, 10, OccasionKind.COMMUNITY, True)
    assert c.post(url, {"action": "off", "pk": own.pk}).status_code == 302
    own.refresh_from_db()
    assert not own.active
    b_own = Occasion.objects.create(community=world.b, title="Б", month=1, day=1)
    for pk in (b_own.pk, "abc", ""):
        assert c.post(url, {"action": "off", "pk": pk}).status_code == 400
    b_own.refresh_from_db()
    assert b_own.active
    assert c.post(url, {"action": "nonsense"}).status_code == 400


@pytest.mark.django_db
def test_the_post_page_ready_then_published(world):
    with time_machine.travel(_at(datetime.date(2026, 11, 19)), tick=False):
        (post,) = occasions.remind(world.a)
    c = _client(world.users["communications"])
    url = reverse("campaign:post", args=[post.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"action": "published", "url": "https://example.org/p/1"})
    assert r.status_code == 400 and "Спершу позначте допис як готовий." in r.content.decode()
    assert c.post(url, {"action": "save", "site_text": "", "social_text": "x"}).status_code == 400
    assert c.post(url, {"action": "save", "site_text": "Новий текст", "social_text": "Коротко"}).status_code == 302
    assert c.post(url, {"action": "ready"}).status_code == 302
    assert c.post(url, {"action": "published", "url": "не посилання"}).status_code == 400
    assert c.post(url, {"action": "published", "url": "https://example.org/p/1"}).status_code == 302
    post.refresh_from_db()
    assert (post.state, post.site_text, post.published_url) == (DraftState.PUBLISHED, "Новий текст", "https://example.org/p/1")
    r = c.post(url, {"action": "save", "site_text": "Інший", "social_text": "Інший"})
    assert r.status_code == 400 and "уже опубліковано" in r.content.decode()
    assert c.post(url, {"action": "refresh"}).status_code == 400
    post.refresh_from_db()
    assert post.site_text == "Новий текст"
    assert _client(world.b_coordinator).get(url).status_code == 404  # another community's post
    # The month view shows the day it was published
    day = timezone.localdate(post.published_at)
    html = c.get(reverse("campaign:calendar"), {"month": day.strftime("%Y-%m")}).content.decode()
    cell = html.split(f'data-day="{day.isoformat()}"')[1].split("</td>")[0]
    assert "Опубліковано: Міжнародний день людей з інвалідністю" in cell

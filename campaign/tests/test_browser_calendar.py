"""The calendar of information occasions in a real browser: the communications person finds the
community's own date in the month, opens the reminder's drafted post, marks it ready, and goes on to the
next month — with no JavaScript of ours, and no axe-core violation on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign import occasions
from campaign.calendar_views import MONTH_NAMES
from campaign.models import Occasion
from visits.tests.test_browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_calendar_month_reminder_post_and_next_month(page, live_world, staff_login):
    w = live_world
    occasions.ensure(w.a)
    Occasion.objects.filter(community=w.a).update(active=False)
    today = timezone.localdate()
    on = today + datetime.timedelta(days=5)
    Occasion.objects.create(community=w.a, title="День громади А", month=on.month, day=on.day, lead_days=7)
    occasions.check()
    occasions.check()  # the worker twice: one reminder

    staff_login(page, w.users["communications"])
    page.goto("/staff/campaign/")
    page.get_by_role("link", name="Календар", exact=True).click()
    expect(page.locator("#posts li")).to_have_count(1)
    if on.month == today.month:
        expect(page.locator(f'td[data-day="{on.isoformat()}"]')).to_contain_text("День громади А")
    assert_accessible(page, "campaign calendar")

    page.get_by_role("link", name=f"Підготувати допис до {on:%d.%m.%Y}: День громади А").click()
    site = page.get_by_label("Текст для сайту")
    expect(site).to_contain_text("Допоможи сусіду!")
    page.get_by_role("button", name="Готово до публікації").click()
    expect(page.locator("#state")).to_have_text("готово до публікації")
    assert_accessible(page, "occasion post")

    page.get_by_role("link", name="← календар").click()
    expect(page.locator(f'td[data-day="{on.isoformat()}"]')).to_contain_text("Допис: День громади А (готово до публікації)")
    page.get_by_role("link", name="наступний місяць →").click()
    nxt = (on.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    expect(page.locator("#month-title")).to_have_text(f"{MONTH_NAMES[nxt.month]} {nxt.year}")

"""Issue 15 "Done when" in a real browser: the communications person records a person's consent, sees
the drafted post for the first service tell the story, records that the consent was withdrawn and sees
the draft fall back to figures only, saying why."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign import milestones
from indicators.tests.dataset import at, case, request
from visits.tests.test_browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_consent_story_withdrawn_figures_only(page, live_world, staff_login):
    w = live_world
    day = timezone.localdate() - datetime.timedelta(days=2)
    req = request(w, at(day, 9), settlement=w.village)
    req.applicant_name = "Олена Петрівна Коваль"
    req.save()
    case(w, service=w.svc_cert, accepted=at(day, 10), req=req, handover_due=day, provider_due=day + datetime.timedelta(days=10))
    milestones.check()
    milestones.check()  # the worker twice: still one milestone

    staff_login(page, w.users["communications"])
    page.goto("/staff/")
    page.get_by_role("link", name="Інформування").click()
    rows = page.locator("#milestones tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Перша послуга")
    rows.get_by_role("link").click()
    site = page.get_by_label("Текст для сайту")
    expect(site).to_contain_text("надано 1 послугу")
    expect(site).not_to_contain_text("Коваль")
    assert_accessible(page, "campaign draft")

    page.get_by_label("Для чого людина дала згоду").fill("історія в дописі на сайті громади")
    page.get_by_role("button", name="Записати згоду і додати історію").click()
    expect(page.locator("#person")).to_contain_text("Згода від")
    expect(page.get_by_label("Текст для сайту")).to_contain_text("Олена Петрівна Коваль, Далеке")
    page.get_by_role("button", name="Готово до публікації").click()
    expect(page.locator("#state")).to_have_text("готово до публікації")

    page.get_by_role("button", name="Людина відкликала згоду").click()
    expect(page.locator("#dropped-note")).to_contain_text("відкликала згоду")
    expect(page.locator("#state")).to_have_text("чернетка")
    site = page.get_by_label("Текст для сайту")
    expect(site).not_to_contain_text("Коваль")
    expect(site).to_contain_text("надано 1 послугу")
    assert_accessible(page, "campaign draft after the consent was withdrawn")

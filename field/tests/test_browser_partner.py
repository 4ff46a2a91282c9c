"""Issue 12 in a real browser: a partner specialist (social protection) on a joint trip logs into the field
client on their own laptop, sees only the stop with their provider's service, accepts it, and the case is
in the journal under their name."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.models import Provider, Service
from demo.trips import published_trip
from field.tests.browser_client import SYNC_TIMEOUT_MS, by, open_client
from field.tests.factories import field_team, scheduled_request
from journal.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_accepts_their_providers_service_on_their_own_laptop(live_world, page, staff_login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w = live_world
    social = Provider.objects.create(name="Управління соціального захисту", community=w.a)
    svc = Service.objects.create(code="SOC-HELP", name_uk="Допомога по догляду", provider=social, needs_partner=True, minutes=20)
    partner = w.users["partner"]
    partner.provider = social
    partner.save(update_fields=["provider"])
    team = field_team(w, members=[w.users["field_admin"], partner])
    joint = scheduled_request(w, services=[svc, w.svc_cert], applicant_name="Мельник Ніна Петрівна")
    others = scheduled_request(w, services=[w.svc_cert], applicant_name="Іваненко Петро Сидорович")
    published_trip(team, timezone.localdate(), [joint, others], by=w.users["coordinator"])

    open_client(page, staff_login, partner)
    by(page, "load-day").click()
    by(page, "stop-1").wait_for()
    expect(page.locator("[data-testid=stop-2]")).to_have_count(0)
    expect(by(page, "stop-1")).to_contain_text("Мельник")
    expect(page.locator("body")).not_to_contain_text("Іваненко")

    by(page, "open-stop-1").click()
    by(page, "visit-start").click()
    by(page, "visit-started").wait_for()
    expect(by(page, f"accept-{w.svc_cert.pk}")).to_have_count(0)
    by(page, f"accept-{svc.pk}").click()
    by(page, f"number-{svc.pk}").wait_for()
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(2, timeout=SYNC_TIMEOUT_MS)
    case = Case.objects.get(request=joint)
    assert case.service == svc and case.accepted_by == partner
    assert not Case.objects.filter(request=others).exists()

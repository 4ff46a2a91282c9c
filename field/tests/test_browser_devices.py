"""The field client and its server-issued device in Chromium: a laptop revoked while it holds unsent
work tells the person why, and after a new login that work reaches the coordinator's review; a new
laptop waits for the coordinator's approval where the community wants it."""

from playwright.sync_api import expect

from conftest import PASSWORD
from field.models import Device, SyncItem
from field.sync import devices
from field.tests.browser_client import SYNC_TIMEOUT_MS, by, load_first_stop, open_client, until


def _refusals_only(page, *expected):
    """The refused answers are what the test is about, not a fault of the page."""
    until(page, "!document.body.dataset.syncing")
    unexpected = [p for p in page.problems if not any(e in p for e in expected)]
    assert not unexpected, unexpected
    page.problems.clear()


def test_a_revoked_laptop_says_why_and_its_unsent_work_reaches_the_coordinator(field_day, page, staff_login):
    w, trip, reqs = field_day
    admin = w.users["field_admin"]
    load_first_stop(page, staff_login, w)  # the day loaded (the laptop got its token), a visit started offline
    device = Device.objects.get(user=admin)
    assert not device.pending and device.token_hash

    devices.revoke_device(device, w.users["coordinator"], "Ноутбук залишили в автобусі")
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    # Its login was ended: the person is told to log in again, and the work waits on the laptop.
    expect(by(page, "sync-problem")).to_contain_text("Увійдіть знову")
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(1)
    _refusals_only(page, "401: POST")

    by(page, "login-again").click()
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url("**/field/**")
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    # The outbox goes with the laptop's (revoked) token: held for the coordinator, and the person sees why.
    by(page, "nav-outbox").click()
    expect(page.locator("[data-testid=outbox-item][data-state=refused]")).to_have_count(1, timeout=SYNC_TIMEOUT_MS)
    expect(by(page, "device-revoked")).to_contain_text("відкликав координатор")
    expect(by(page, "device-revoked")).to_contain_text("Ноутбук залишили в автобусі")
    expect(page.locator("[data-testid=outbox-item][data-state=refused]")).to_contain_text("Запис збережено")
    # The day's personal data left the laptop; the refused record stays, as evidence.
    by(page, "nav-day").click()
    expect(by(page, "app")).not_to_contain_text(reqs[0].applicant_name)
    # Loading the day again gets nothing, and says why.
    by(page, "load-day").click()
    expect(by(page, "notice")).to_contain_text("відкликав координатор")
    expect(by(page, "app")).not_to_contain_text(reqs[0].applicant_name)
    _refusals_only(page, "403: POST", "403: GET")

    held = SyncItem.objects.get()
    assert held.state == "refused" and held.code == "device_revoked" and held.device == device
    assert held.kind == "visit.start" and held.stop.request == reqs[0]
    assert Device.objects.filter(user=admin).count() == 1  # no second token for the revoked laptop


def test_a_new_laptop_waits_for_approval_and_then_loads_the_day(field_day, page, staff_login):
    w, trip, reqs = field_day
    w.a.field_devices_need_approval = True
    w.a.save(update_fields=["field_devices_need_approval"])
    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    expect(by(page, "notice")).to_contain_text("ще не підтвердив координатор")
    expect(by(page, "notice")).to_contain_text("0 800 111 111")
    expect(by(page, "app")).not_to_contain_text(reqs[0].applicant_name)
    _refusals_only(page, "403: GET")

    devices.approve_device(Device.objects.get(pending=True), w.users["coordinator"])
    by(page, "load-day").click()
    by(page, "stop-1").wait_for()
    expect(by(page, "stop-1")).to_contain_text(reqs[0].applicant_name)
    assert Device.objects.count() == 1  # the token it was given while pending is the one that now works

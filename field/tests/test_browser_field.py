"""The field client in a real browser (issue 4, "Done when"): a day loaded, worked offline at three
doors, found again after an offline reload, synced when the network returns, and checked in the
database: cases, journal chain, deadlines, request statuses, photos and case files.

The selectors are the client's stable automation hooks (`data-testid`), the same that soak_sync uses.
"""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from field.models import Attachment
from field.tests.browser_client import (
    SYNC_TIMEOUT_MS,
    by,
    go_offline,
    load_first_stop,
    open_client,
    photo,
    until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_shell_opens_offline_after_one_visit_online(live_world, page, staff_login):
    open_client(page, staff_login, live_world.users["field_admin"])
    expect(by(page, "load-day")).to_be_visible()
    go_offline(page)
    # Offline for the service worker too: the shell can only come from its cache.
    worker = page.context.service_workers[0]
    assert worker.evaluate("fetch('/field/manifest.webmanifest').then(() => 'online', () => 'offline')") == "offline"
    response = page.reload()
    assert response.from_service_worker and response.status == 200
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    expect(by(page, "load-day")).to_be_visible()
    assert by(page, "net-status").get_attribute("data-online") == "0"
    # The print and outbox views are part of the shell too.
    by(page, "nav-outbox").click()
    expect(by(page, "sync-now")).to_be_visible()


def test_a_shell_not_saved_at_install_is_saved_when_the_network_returns(live_world, page, staff_login):
    # As when the server did not answer while the worker installed: the app says so and asks again.
    open_client(page, staff_login, live_world.users["field_admin"])
    page.evaluate("""async () => {
        for (const name of await caches.keys()) { await (await caches.open(name)).delete('/field/'); }
    }""")
    go_offline(page)
    page.evaluate("""() => { document.querySelector('[data-testid=offline-ready]').dataset.ready = '0'; }""")
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=offline-ready][data-ready='1']", timeout=20_000)
    assert page.evaluate("caches.match('/field/').then((r) => !!r)")


def test_a_day_worked_offline_reaches_the_journal(field_day, page, staff_login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, trip, reqs = field_day
    reg, cert = w.svc_reg.pk, w.svc_cert.pk
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 48.512345, "longitude": 35.054321})
    open_client(page, staff_login, w.users["field_admin"])

    by(page, "load-day").click()
    page.wait_for_selector("[data-testid=stop-3]")
    assert "15К" in by(page, "stop-1").inner_text()
    assert "Хвіртка праворуч" in by(page, "stop-1").inner_text()
    go_offline(page)

    # Stop 1: two services, documents with sheets, photos, payment at the terminal, served.
    by(page, "open-stop-1").click()
    # The screen says which route it shows once drawn, and takes clicks again.
    page.wait_for_selector(f"[data-testid=app][data-route='stop/{trip.stops.order_by('position')[0].pk}']")
    assert page.evaluate("document.getElementById('app').inert") is False
    by(page, "visit-start").click()
    by(page, "visit-started").wait_for()
    by(page, f"doc-{reg}-{w.doc_passport.pk}").check()
    by(page, f"sheets-{reg}-{w.doc_passport.pk}").fill("2")
    by(page, f"sheets-{reg}-{w.doc_passport.pk}").dispatch_event("change")
    by(page, f"delivery-{reg}").select_option("post")
    by(page, f"accept-{reg}").click()
    provisional = by(page, f"number-{reg}").locator("strong").inner_text()
    assert provisional.startswith("Т-")
    by(page, f"photo-{reg}").set_input_files([photo("pasport-1.jpg", (200, 30, 30)), photo("pasport-2.jpg", (30, 200, 30))])
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(2)
    by(page, f"pay-method-{reg}-terminal").check()
    by(page, f"pay-receipt-{reg}").fill("Ч-000123")
    assert by(page, f"pay-amount-{reg}").input_value() == "25,50"
    by(page, f"pay-save-{reg}").click()
    by(page, f"pay-saved-{reg}").wait_for()
    by(page, f"accept-{cert}").click()
    by(page, f"number-{cert}").wait_for()
    # The intake inventory prints offline, with the provisional number.
    by(page, f"print-inventory-{reg}").click()
    sheet = by(page, "inventory")
    expect(by(page, "inventory-number")).to_have_text(provisional)
    assert "Паспорт" in sheet.inner_text() and "Поштою" in sheet.inner_text()
    page.go_back()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=stop-status-1]:has-text('Обслуговано')")

    # Stop 2: a paid service paid online with the NBU QR code, a photo, served.
    by(page, "open-stop-2").click()
    by(page, "visit-start").click()
    by(page, f"doc-{reg}-{w.doc_receipt.pk}").check()
    by(page, f"accept-{reg}").click()
    by(page, f"number-{reg}").wait_for()
    by(page, f"photo-{reg}").set_input_files([photo("kvytantsiia.jpg", (30, 30, 200))])
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(1)
    by(page, f"pay-method-{reg}-online").check()
    expect(by(page, f"pay-qr-{reg}")).to_be_visible()
    assert by(page, f"pay-link-{reg}").get_attribute("href").startswith("https://qr.bank.gov.ua/")
    by(page, f"pay-save-{reg}").click()
    by(page, f"pay-saved-{reg}").wait_for()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=stop-status-2]:has-text('Обслуговано')")

    # Stop 3: a photo, an act about doubt of legal capacity, stopped.
    by(page, "open-stop-3").click()
    by(page, "visit-start").click()
    by(page, f"photo-{cert}").set_input_files([photo("dovidka.jpg", (120, 120, 120))])
    expect(page.locator(f"[data-testid=thumbs-{cert}] img")).to_have_count(1)
    by(page, "act-open").click()
    by(page, "act-kind").select_option("capacity_doubt")
    by(page, "act-description").fill("Людина не розуміє, яку заяву підписує.")
    by(page, "act-witness-name").fill("Петренко Ольга")
    by(page, "act-witness-role").fill("соціальна працівниця")
    by(page, "act-save").click()
    by(page, "act-print-1").click()
    assert "Петренко Ольга" in by(page, "act").inner_text()
    page.go_back()
    by(page, "outcome-capacity_doubt").check()
    by(page, "outcome-note").fill("Потрібен висновок лікаря.")
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=stop-status-3]:has-text('сумнів')")

    # Offline reload: everything is still there.
    page.reload()
    page.wait_for_selector("[data-testid=stop-3]")
    assert "Обслуговано" in by(page, "stop-status-1").inner_text()
    by(page, "nav-outbox").click()
    # 3 starts, 3 accepts, 2 payments, 1 act, 3 outcomes, 4 photos: all still waiting
    total = 16
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(total)
    expect(page.locator("[data-testid=outbox-item]")).to_have_count(total)
    by(page, "nav-day").click()
    by(page, "open-stop-1").click()
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(2)
    expect(by(page, f"number-{reg}").locator("strong")).to_have_text(provisional)

    # Back online: the client syncs by itself; the button does too.
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(total, timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)
    by(page, "nav-day").click()
    by(page, "open-stop-1").click()
    page.wait_for_selector(f"[data-testid=number-{reg}]:has-text('Реєстраційний номер')", timeout=SYNC_TIMEOUT_MS)

    _check_database(w, reqs, provisional)


def _check_database(w, reqs, provisional):
    from django.core.management import call_command

    from field.models import Attachment, IncidentAct, Payment, SyncItem, Visit
    from journal.models import Case, CaseFile, JournalEntry
    from visits.models import Status

    cases = Case.objects.filter(request__in=reqs).order_by("request_id", "service_id")
    assert [(c.request_id, c.service_id) for c in cases] == sorted(
        [(reqs[0].pk, w.svc_reg.pk), (reqs[0].pk, w.svc_cert.pk), (reqs[1].pk, w.svc_reg.pk)])
    first = cases.get(request=reqs[0], service=w.svc_reg)
    assert first.provisional_number == provisional
    assert first.number and first.number != provisional
    for case in cases:
        assert case.handover_due and case.provider_due and case.provider_due >= case.handover_due
    assert JournalEntry.objects.filter(case__in=cases).count() >= 3
    out = io.StringIO()
    call_command("verify_journal", stdout=out)
    assert out.getvalue().strip().startswith("ok entries="), out.getvalue()  # the hash chain holds

    for req in reqs:
        req.refresh_from_db()
    # The third refused: it waits for the coordinator's decision, not the pool (issue 11).
    assert [r.status for r in reqs] == [Status.SERVED, Status.SERVED, Status.ON_HOLD]

    assert SyncItem.objects.count() == 16
    assert not SyncItem.objects.exclude(state="applied").exists()
    visits = {v.request_id: v for v in Visit.objects.all()}
    assert visits[reqs[0].pk].latitude == Decimal("48.512345")
    assert visits[reqs[2].pk].outcome == "capacity_doubt"
    payments = {p.method: p for p in Payment.objects.all()}
    assert payments["terminal"].receipt == "Ч-000123" and payments["terminal"].amount == Decimal("25.50")
    assert "online" in payments
    act = IncidentAct.objects.get()
    assert act.witness_name == "Петренко Ольга" and act.kind == "capacity_doubt"
    photos = Attachment.objects.filter(kind="photo")
    assert photos.count() == 4
    assert set(photos.values_list("state", flat=True)) == {"complete"}

    # The case files the server builds: the intake inventory, and the document photos as one PDF.
    kinds = set(CaseFile.objects.filter(case=first).values_list("kind", flat=True))
    assert {CaseFile.Kind.INVENTORY, CaseFile.Kind.PHOTOS} <= kinds, kinds
    for case_file in CaseFile.objects.filter(case__in=cases):
        assert case_file.file.read(5) == b"%PDF-"


def test_a_logged_out_laptop_keeps_its_outbox_and_says_what_to_do(field_day, page, staff_login):
    w, trip, reqs = field_day
    load_first_stop(page, staff_login, w)
    page.context.clear_cookies()  # the session is gone (logged out elsewhere, expired)
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(by(page, "notice")).to_contain_text("Увійдіть знову")
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(1)
    expect(by(page, "sync-problem")).to_contain_text("Увійдіть знову")
    # The refused answers are what this test is about, not a fault of the page (the "online" event
    # and the button may both have asked).
    page.wait_for_timeout(500)
    until(page, "!document.body.dataset.syncing")
    assert all("/api/v1/field/sync" in p for p in page.problems), page.problems
    page.problems.clear()


def test_logging_out_erases_the_day_but_never_unsent_work(field_day, page, staff_login):
    w, trip, reqs = field_day
    load_first_stop(page, staff_login, w)
    by(page, f"accept-{w.svc_cert.pk}").click()
    by(page, f"number-{w.svc_cert.pk}").wait_for()
    page.route("**/api/v1/field/**", lambda route: route.abort("internetdisconnected"))
    page.expected_failures.append(page.url.split("/field/")[0] + "/api/")
    page.context.set_offline(False)
    page.once("dialog", lambda dialog: dialog.accept())
    by(page, "logout").click()
    page.wait_for_url("**/staff/login/**")
    stored = page.evaluate("""() => new Promise((resolve) => {
        const r = indexedDB.open("valiza-field");
        r.onsuccess = () => {
            const t = r.result.transaction(["day", "visits", "outbox"]);
            const out = {};
            let n = 0;
            for (const name of ["day", "visits", "outbox"]) {
                const q = t.objectStore(name).getAll();
                q.onsuccess = () => { out[name] = q.result; if (++n === 3) { resolve(out); } };
            }
        };
    })""")
    assert stored["day"] == [] and stored["visits"] == []
    assert sorted(i["kind"] for i in stored["outbox"]) == ["visit.accept", "visit.start"]
    assert {i["state"] for i in stored["outbox"]} == {"waiting"}
    assert "Відвідувана" not in str(stored)


def test_session_video_with_consent_is_hashed_kept_and_uploaded(field_day, page, staff_login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, trip, reqs = field_day
    load_first_stop(page, staff_login, w)
    page.locator("summary", has_text="Відеозапис").click()
    by(page, "video-consent").check()
    by(page, "video-start").click()
    expect(by(page, "video-status")).to_contain_text("Іде запис")
    page.wait_for_timeout(1500)
    by(page, "video-stop").click()
    expect(page.locator("[data-testid=videos] li")).to_have_count(1, timeout=SYNC_TIMEOUT_MS)
    by(page, "outcome-not_at_home").check()
    by(page, "outcome-save").click()
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(3, timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)

    from field.models import Attachment, Visit

    video = Attachment.objects.get(kind="video")
    assert video.state == "complete" and video.size > 0 and len(video.sha256) == 64
    assert video.content_type.startswith("video/")
    assert Visit.objects.get(request=reqs[0]).video_consent_at is not None


def test_a_refused_photo_can_be_replaced_from_the_outbox(field_day, page, staff_login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, trip, reqs = field_day
    reg = w.svc_reg.pk
    load_first_stop(page, staff_login, w)
    # Not a picture at all, though named and typed as one (a broken camera file).
    by(page, f"photo-{reg}").set_input_files([{"name": "zlamane.jpg", "mimeType": "image/jpeg",
                                               "buffer": b"this is not a photo " * 50}])
    expect(page.locator(f"[data-testid=thumbs-{reg}] li")).to_have_count(1)
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    refused = page.locator("[data-testid=outbox-file][data-state=rejected]")
    expect(refused).to_have_count(1, timeout=20_000)
    expect(refused).to_contain_text("не прийнято")
    expect(refused).to_contain_text("зупинка 1")
    refused.get_by_test_id("replace-photo").set_input_files([photo("dobre.jpg", (10, 150, 10))])
    expect(by(page, "notice")).to_contain_text("Нове фото додано")
    by(page, "sync-now").click()
    # The new photo went (sent files leave the list); the refused one stays, as it was.
    expect(page.locator("[data-testid=outbox-item][data-kind='attachment.declare'][data-state=sent]")).to_have_count(
        2, timeout=20_000)
    until(page, "!document.body.dataset.syncing", timeout_ms=20_000)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(1)
    expect(refused).to_have_count(1)
    stop = trip.stops.order_by("position").first()
    states = sorted(Attachment.objects.filter(visit__stop=stop).values_list("state", flat=True))
    assert states == [Attachment.State.COMPLETE, Attachment.State.REJECTED]

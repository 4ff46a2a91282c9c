"""The laptop keeps evidence safe (issue 8 §3–4), in a real browser: an old laptop's database upgraded
with nothing unsent lost, a full disk told and nothing saved lost, a stalled line given up and tried
again, a recording cut by a reload kept and sent with its SHA-256, the server's limits at the door,
and a fault nobody caught shown to the person."""

import base64
import hashlib
import io
import os
import uuid

import pytest
from django.test import Client
from playwright.sync_api import expect

from field.models import Attachment, SyncItem, Visit
from field.tests.browser_client import (
    SYNC_TIMEOUT_MS,
    by,
    go_offline,
    jpeg,
    load_first_stop,
    open_client,
    photo,
    until,
)
from field.tests.syncing import laptop

pytestmark = pytest.mark.django_db(transaction=True)

TASKS_NOW = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def noise_photo(name, side):
    """A JPEG that compresses as badly as a real document photo: about 1.1 × side² bytes."""
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=95)
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def stored(page, store):
    return page.evaluate("""(store) => new Promise((resolve, reject) => {
        const r = indexedDB.open("valiza-field");
        r.onsuccess = () => {
            const q = r.result.transaction(store).objectStore(store).getAll();
            q.onsuccess = () => {
                // A chunk's bytes stay in the browser: its size tells enough.
                resolve(q.result.map((x) => x.data instanceof Blob ? {file: x.file, n: x.n, size: x.data.size} : x));
                r.result.close();
            };
            q.onerror = () => reject(q.error);
        };
    })""", store)


# -- the upgrade ladder -----------------------------------------------------------------------------

# What the client of version 1 (static/field/db.js before issue 8) made, and how it kept the day.
V1_DATABASE = """async ({records, items, file, meta}) => {
    const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open("valiza-field", 1);
        r.onupgradeneeded = () => {
            const db = r.result;
            db.createObjectStore("day", {keyPath: "key"});
            db.createObjectStore("visits", {keyPath: "stop_id"});
            const s = db.createObjectStore("outbox", {keyPath: "id"});
            s.createIndex("seq", "seq", {unique: true});
            s.createIndex("state", "state");
            db.createObjectStore("blobs", {keyPath: "id"}).createIndex("stop_id", "stop_id");
            db.createObjectStore("meta", {keyPath: "key"});
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
    });
    const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
    const t = db.transaction(["day", "visits", "outbox", "blobs", "meta"], "readwrite");
    for (const r of records) { t.objectStore("day").put(r); }
    for (const i of items) { t.objectStore("outbox").put(i); }
    for (const [key, value] of Object.entries(meta)) { t.objectStore("meta").put({key, value}); }
    t.objectStore("visits").put({stop_id: items[0].stop_id, services: {}, acts: [], started_at: items[0].at,
                                 start_item: items[0].id});
    const row = Object.assign({}, file.row, {blob: new Blob([bytes], {type: "image/jpeg"})});
    t.objectStore("blobs").put(row);
    await new Promise((resolve, reject) => { t.oncomplete = resolve; t.onerror = () => reject(t.error); });
    db.close();
    return db.version;
}"""


def _v1_records(day):
    """The day as version 1 stored it: `normDay` of the old app.js, its own names for everything."""
    info = {"key": "info", "type": "info", "date": day["date"], "loaded_at": day["server_time"], "user": day["user"],
            "choices": {k: v for k, v in day["choices"].items() if k != "item_kinds"},
            "limits": {k: v for k, v in day["limits"].items() if k != "request_timeout_s"},
            "office": None, "extra_services": []}
    records = [info]
    for order, trip in enumerate(day["trips"]):
        records.append({"key": f"trip:{trip['id']}", "type": "trip", "id": trip["id"], "order": order, "day": trip["day"],
                        "team": trip["team"], "leave_at": trip["leave_at"], "return_at": trip["return_at"]})
        for stop in trip["stops"]:
            p = stop["person"]
            records.append({
                "key": f"stop:{stop['id']}", "type": "stop", "id": stop["id"], "trip_id": trip["id"],
                "position": stop["position"], "arrival": stop["arrival"], "window_start": stop["window_start"],
                "window_end": stop["window_end"], "request_id": p["request_id"], "request_number": p["number"],
                "name": p["applicant_name"], "phone": p["applicant_phone"], "requester": "", "requester_phone": "",
                "address": p["address"], "entrance": "", "floor": None, "lift": "", "intercom": p["intercom"],
                "access_notes": p["access_notes"], "notes": "", "server_visit": None, "cases": [], "status": p["status"],
                "services": [{
                    "id": s["id"], "name": s["name"], "is_paid": s["is_paid"], "fee": s["fee"],
                    "documents": s["documents"], "provider": {"name": s["provider"]["name"]},
                    "qr_link": (s["payment_qr"] or {}).get("link"), "qr_svg": (s["payment_qr"] or {}).get("svg"),
                    "qr_error": s["payment_qr_problem"]} for s in stop["services"]],
            })
    return records


def test_an_old_laptop_database_is_upgraded_and_loses_nothing_unsent(field_day, page, staff_login, settings,
                                                                    live_server):
    settings.TASKS = TASKS_NOW
    w, trip, reqs = field_day
    user = w.users["field_admin"]
    client = Client()
    client.force_login(user)
    day = laptop(client).json()  # what the old client had stored (another login: its token is not the browser's)
    stop = day["trips"][0]["stops"][0]
    body = jpeg((180, 40, 40), size=(320, 240))
    device, start_id, photo_id, att_id = ("0f0e0d0c-0b0a-4908-8706-050403020100", "5d7c1a52-3f4e-4b7a-9a10-2b1c0d9e8f01",
                                          "5d7c1a52-3f4e-4b7a-9a10-2b1c0d9e8f02", "5d7c1a52-3f4e-4b7a-9a10-2b1c0d9e8f03")
    at = day["server_time"]
    sha = hashlib.sha256(body).hexdigest()
    items = [
        {"id": start_id, "seq": 1, "kind": "visit.start", "stop_id": stop["id"], "at": at, "data": {},
         "state": "waiting", "code": "", "message": "", "result": None},
        {"id": photo_id, "seq": 2, "kind": "attachment.declare", "stop_id": stop["id"], "at": at,
         "data": {"attachment_id": att_id, "kind": "photo", "service_id": w.svc_reg.pk, "content_type": "image/jpeg",
                  "size": len(body), "sha256": sha, "taken_at": at},
         "state": "waiting", "code": "", "message": "", "result": None},
    ]
    file_row = {"id": att_id, "stop_id": stop["id"], "service_id": w.svc_reg.pk, "kind": "photo", "type": "image/jpeg",
                "size": len(body), "sha256": sha, "uploaded": 0, "state": "waiting", "name": "pasport.jpg",
                "taken_at": at, "thumb": None}
    meta = {"device_id": device, "seq": 2, "limits": day["limits"], "csrf": day["csrf_token"]}

    # The laptop as the old client left it: same origin, no new client has opened its database yet.
    staff_login(page, user)
    page.goto("/field/manifest.webmanifest")
    assert page.evaluate(V1_DATABASE, {"records": _v1_records(day), "items": items, "meta": meta,
                                       "file": {"base64": base64.b64encode(body).decode(), "row": file_row}}) == 1

    # The new client opens it with the server out of reach, so nothing leaves before it is looked at.
    page.route("**/api/v1/field/**", lambda route: route.abort("internetdisconnected"))
    page.expected_failures.append(live_server.url + "/api/")
    open_client(page, staff_login, user)
    assert page.evaluate("indexedDB.databases().then((d) => d.find((x) => x.name === 'valiza-field').version)") == 3
    # The device id the old client made up itself is gone: the server issues the device now.
    assert not [row for row in stored(page, "meta") if row["key"] in ("device_id", "device_grants")]
    # The day the old client stored is still there to work offline, read under the server's names.
    go_offline(page)
    page.reload()
    expect(by(page, "stop-1")).to_contain_text(reqs[0].applicant_name)
    expect(by(page, "stop-1")).to_contain_text("Хвіртка праворуч")
    expect(by(page, "stop-status-1")).to_contain_text("Розпочато")
    by(page, "nav-outbox").click()
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(2)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(1)
    [moved] = stored(page, "chunks")
    assert moved["file"] == att_id and moved["n"] == 0
    assert "blob" not in stored(page, "blobs")[0]

    page.unroute("**/api/v1/field/**")
    page.context.set_offline(False)
    # With no token yet the server takes nothing and says how to get one; nothing is lost.
    by(page, "sync-now").click()
    expect(by(page, "sync-problem")).to_contain_text("Завантажити виїзди", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(2)
    until(page, "!document.body.dataset.syncing")
    # That refusal is what this step is about, not a fault of the page.
    assert page.problems and all("403: POST" in p and "/api/v1/field/sync" in p for p in page.problems), page.problems
    page.problems.clear()
    # The day's load gets the laptop its token, and what waited goes.
    by(page, "nav-day").click()
    by(page, "load-day").click()
    expect(by(page, "notice")).to_contain_text("Виїзди завантажено")
    by(page, "nav-outbox").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(2, timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)
    att = Attachment.objects.get(pk=att_id)
    assert att.state == Attachment.State.COMPLETE and att.sha256 == sha
    assert Visit.objects.get(request=reqs[0]).started_at is not None
    assert set(SyncItem.objects.values_list("id", flat=True)) == {uuid.UUID(start_id), uuid.UUID(photo_id)}
    # A sync the client tried again before the day's load brought the token was refused the same way;
    # everything sent after it was taken (above), so those refusals are no fault of the page.
    page.problems[:] = [p for p in page.problems if not ("403: POST" in p and "/api/v1/field/sync" in p)]


# -- a full disk ------------------------------------------------------------------------------------

def test_a_full_disk_is_told_and_nothing_saved_is_lost(field_day, page, staff_login, settings, live_server):
    settings.TASKS = TASKS_NOW
    w, trip, reqs = field_day
    reg = w.svc_reg.pk
    # A laptop whose disk is nearly full: room for the app, the day and a photo, not for a big one.
    # (Chromium applies a quota override for an origin only if it is set before the origin first
    # uses storage; a reset later applies at once. `storage.estimate()` does not show it.)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": live_server.url, "quotaSize": 1200 * 1024})
    load_first_stop(page, staff_login, w)
    # Offline, a sync may still start (right after a reload) and find no network: no fault of the page.
    page.expected_failures.append(live_server.url + "/api/")
    expect(by(page, "storage-status")).to_contain_text("Вільне місце для даних виїзду")
    by(page, f"photo-{reg}").set_input_files([photo("pasport.jpg", (200, 30, 30))])
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(1)

    big = noise_photo("pasport-2.jpg", 1100)
    assert len(big["buffer"]) > 1200 * 1024
    by(page, f"photo-{reg}").set_input_files([big])
    expect(by(page, "notice")).to_contain_text("закінчилося місце")
    expect(by(page, "notice")).to_contain_text("pasport-2.jpg")
    expect(by(page, "notice")).to_contain_text("Усе, що збережено раніше, на місці")
    # Nothing half-saved, nothing earlier lost, and so after a reload too.
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(1)
    page.reload()
    by(page, "nav-outbox").click()
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(2)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(1)
    assert len(stored(page, "chunks")) == 1

    # Room again (a disk cleared): the same photo is taken, and everything goes.
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": live_server.url})
    by(page, "nav-day").click()
    by(page, "open-stop-1").click()
    by(page, f"photo-{reg}").set_input_files([big])
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(2)
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(3, timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)
    sizes = sorted(Attachment.objects.filter(state=Attachment.State.COMPLETE).values_list("size", flat=True))
    assert len(sizes) == 2 and sizes[-1] == len(big["buffer"])
    # Sent files leave the laptop's disk (their record and thumbnail stay until the day is erased).
    assert stored(page, "chunks") == []


# -- a stalled line ---------------------------------------------------------------------------------

def test_a_request_that_never_answers_is_given_up_and_the_next_sync_succeeds(field_day, page, staff_login, settings):
    settings.VALIZA_FIELD_REQUEST_TIMEOUT_S = 4
    w, trip, reqs = field_day
    load_first_stop(page, staff_login, w)
    stalled = []
    page.route("**/api/v1/field/sync", lambda route: stalled.append(route))  # held: no answer, no error, ever
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(by(page, "notice")).to_contain_text("Сервер не відповів за 4 с", timeout=20_000)
    expect(by(page, "sync-problem")).to_contain_text("не відповів")
    until(page, "!document.body.dataset.syncing")
    assert stalled and not SyncItem.objects.exists()
    expect(page.locator("[data-testid=outbox-item][data-state=waiting]")).to_have_count(1)

    page.unroute("**/api/v1/field/sync")
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(1, timeout=SYNC_TIMEOUT_MS)
    expect(by(page, "notice")).to_contain_text("Усе надіслано")
    assert SyncItem.objects.count() == 1


# -- a recording cut short ----------------------------------------------------------------------------

def test_a_recording_cut_by_a_reload_is_kept_and_sent_with_its_hash(field_day, page, staff_login, settings):
    settings.TASKS = TASKS_NOW
    w, trip, reqs = field_day
    load_first_stop(page, staff_login, w)
    page.locator("summary", has_text="Відеозапис").click()
    by(page, "video-consent").check()
    by(page, "video-start").click()
    # Written to the laptop while it records, piece by piece.
    expect(by(page, "video-status")).to_contain_text("збережено", timeout=15_000)
    for _ in range(150):
        recorded = stored(page, "chunks")
        if len(recorded) >= 2:
            break
        page.wait_for_timeout(100)
    assert len(recorded) >= 2, recorded
    [row] = stored(page, "blobs")
    assert row["state"] == "recording" and row["size"] == sum(c["size"] for c in recorded)

    page.reload()  # the tab crashed, the battery went flat: the recorder is gone mid-recording
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    expect(by(page, "notice")).to_contain_text("перерваний")
    [row] = stored(page, "blobs")
    kept = stored(page, "chunks")
    assert kept[:len(recorded)] == recorded  # what was recorded before the reload is all there
    assert row["state"] == "waiting" and len(row["sha256"]) == 64 and row["size"] == sum(c["size"] for c in kept)
    by(page, "nav-day").click()
    by(page, "open-stop-1").click()
    expect(page.locator("[data-testid=videos] li")).to_have_count(1)

    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(2, timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("[data-testid=outbox-file]")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)
    video = Attachment.objects.get(kind=Attachment.Kind.VIDEO)
    assert video.state == Attachment.State.COMPLETE and video.size == row["size"] and video.sha256 == row["sha256"]
    # The consent went with the video: recorded for that visit, with the moment it was ticked (issue 11).
    assert video.visit.video_consent_at is not None and video.visit.video_consent_at <= video.completed_at
    with video.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == row["sha256"]


# -- the server's limits at the door -------------------------------------------------------------------

def test_the_servers_limits_are_enforced_at_the_door_with_no_network(field_day, page, staff_login, settings):
    settings.VALIZA_FIELD_PHOTO_MAX_BYTES = 40_000
    w, trip, reqs = field_day
    reg, passport = w.svc_reg.pk, w.doc_passport.pk
    load_first_stop(page, staff_login, w)

    by(page, f"photo-{reg}").set_input_files([noise_photo("velyke.jpg", 300), photo("male.jpg", (20, 20, 200))])
    expect(by(page, "notice")).to_contain_text("Фото «velyke.jpg» завелике")
    expect(by(page, "notice")).to_contain_text("можна до 39 КБ")
    expect(page.locator(f"[data-testid=thumbs-{reg}] img")).to_have_count(1)  # the small one is taken

    sheets = by(page, f"sheets-{reg}-{passport}")
    assert sheets.get_attribute("max") == "500"
    sheets.fill("501")
    sheets.dispatch_event("change")
    expect(by(page, "notice")).to_contain_text("від 0 до 500")
    expect(sheets).to_have_value("1")

    by(page, "act-open").click()
    assert by(page, "act-description").get_attribute("maxlength") == "5000"
    expect(by(page, "count-description")).to_have_text("0 з 5000 знаків")
    by(page, "act-description").fill("Людина не відчиняє.")
    expect(by(page, "count-description")).to_have_text("19 з 5000 знаків")
    by(page, "act-witness-name").fill("П" * 250)
    assert len(by(page, "act-witness-name").input_value()) == 200
    expect(by(page, "count-witness_name")).to_contain_text("Досягнуто найбільшої довжини: 200")

    by(page, f"pay-method-{reg}-terminal").check()
    by(page, f"pay-receipt-{reg}").fill("Ч-1")
    by(page, f"pay-amount-{reg}").fill("100000,01")
    by(page, f"pay-save-{reg}").click()
    expect(by(page, "notice")).to_contain_text("Сума завелика: можна не більше 100 000,00 грн")
    expect(by(page, f"pay-saved-{reg}")).to_have_count(0)
    # Nothing refused at the door went into the outbox: the start and the small photo only.
    assert sorted(i["kind"] for i in stored(page, "outbox")) == ["attachment.declare", "visit.start"]


# -- a fault nobody caught ------------------------------------------------------------------------------

def test_an_unhandled_rejection_reaches_the_person(field_day, page, staff_login):
    w, trip, reqs = field_day
    open_client(page, staff_login, w.users["field_admin"])
    page.evaluate("() => { setTimeout(() => { Promise.reject(new Error('перевірка повідомлення')); }, 0); }")
    expect(by(page, "notice")).to_contain_text("Сталася помилка в програмі: перевірка повідомлення")
    expect(by(page, "notice")).to_contain_text("Усе, що збережено раніше, не втрачено")
    # The browser still reports it (a real one would fail every browser test); this one is the test's own.
    for _ in range(50):
        if page.problems:
            break
        page.wait_for_timeout(100)
    assert page.problems and all("перевірка повідомлення" in p for p in page.problems), page.problems
    page.problems.clear()

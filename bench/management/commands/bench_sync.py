"""Sync a field day's outbox on loopback and print the time (issue 4: ≤ 5 s).

A throwaway site (bench/field/throwaway_site.py: its own SQLite or PostgreSQL database, gunicorn) gets a
published trip of 30 visits. The client (bench/field/sync_driver.py) sends what a day produces: 300
actions in batches of 50 and 60 document photos of about 1.5 MB each in 1 MB chunks on a second
connection as soon as their declarations are in. The timed part is from the first batch to the last photo's hash check. The
case files (intake inventories, photo PDFs) are built afterwards by the worker and timed apart.
"""

import datetime
import hashlib
import json
import queue
import threading
import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from bench.field.sync_driver import SyncDriver, noise_jpeg
from bench.field.throwaway_site import ThrowawaySite


def day_items(client, stops, photos_per_visit, now):
    """Ten actions per visit, as the field client makes them, and the photos they declare."""
    items, uploads, expected = [], [], []
    for n, stop in enumerate(stops):
        # The day's work within the last hour: on the trip's day (today) whenever the bench runs, so the
        # server believes the laptop's clock (field/sync/clock.py).
        at = now - datetime.timedelta(hours=1) * (len(stops) - n) / len(stops)
        sid = stop["stop_id"]
        paid = next(s for s in stop["services"] if s["paid"])
        items.append(client.item("visit.start", sid, {"latitude": 48.5, "longitude": 35.0}, at))
        for k, svc in enumerate(stop["services"]):
            items.append(client.item("visit.accept", sid, {"services": [{
                "service_id": svc["service_id"], "provisional_number": f"Т-{client.device_id[:4]}-{n}-{k}",
                "delivery": "repeat_visit",
                "documents": [{"document_id": d, "present": True, "sheets": 2} for d in svc["documents"]]}]}, at))
        payment = {"service_id": paid["service_id"], "method": "terminal", "receipt": f"R-{n}", "amount": paid["fee"]}
        items.append(client.item("visit.payment", sid, payment, at))
        for p in range(photos_per_visit):
            blob = noise_jpeg(seed=f"{sid}-{p}-{client.device_id}")
            att = {"attachment_id": str(uuid.uuid4()), "kind": "photo",
                   "service_id": stop["services"][p % len(stop["services"])]["service_id"],
                   "content_type": "image/jpeg", "size": len(blob), "sha256": hashlib.sha256(blob).hexdigest(),
                   "taken_at": at.isoformat()}
            items.append(client.item("attachment.declare", sid, att, at))
            uploads.append((att["attachment_id"], blob))
        items.append(client.item("visit.act", sid, {
            "act_id": str(uuid.uuid4()), "kind": "other",
            "description": "Заявниця попросила повторно пояснити порядок отримання результату.",
            "witness_name": "Сусідка Ганна Петрівна", "witness_role": "сусідка"}, at))
        items.append(client.item("visit.outcome", sid, {"outcome": "served", "note": "", "video_consent": False}, at))
        # Corrections made later in the day: the receipt number retyped, a note added.
        items.append(client.item("visit.payment", sid, dict(payment, receipt=f"R-{n}-1"), at))
        items.append(client.item("visit.outcome", sid, {"outcome": "served", "note": "Документи звірено.",
                                                         "video_consent": False}, at))
        expected.append({"stop_id": sid, "outcome": "served", "accepted": [s["service_id"] for s in stop["services"]],
                         "payments": [paid["service_id"]], "photos": photos_per_visit, "acts": 1})
    return items, uploads, expected


class Command(BaseCommand):
    help = "Синхронізує денну чергу виїзду (30 візитів, 300 дій, 60 фото ≈1,5 МБ) на loopback і друкує час."

    def add_arguments(self, parser):
        parser.add_argument("--visits", type=int, default=30)
        parser.add_argument("--photos-per-visit", type=int, default=2)
        parser.add_argument("--batch", type=int, default=50)
        parser.add_argument("--chunk-kb", type=int, default=1024, help="chunk size (the server's limit by default)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/valiza_bench "
                            "(an empty database that may be wiped); default: SQLite in a temporary folder")
        parser.add_argument("--keep", action="store_true", help="keep the temporary site for a look")

    def handle(self, *args, **opts):
        site = ThrowawaySite(database_url=opts["database_url"], workers=opts["workers"], keep=opts["keep"],
                        log=self.stdout.write)
        try:
            self.run(site, opts)
        finally:
            site.close()

    def run(self, site, opts):
        out = self.stdout.write
        started = time.monotonic()
        site.prepare()
        seed = site.manage_json("field_bench_data", "seed", "--visits", str(opts["visits"]))
        session = site.manage_json("field_bench_data", "session")["session"]
        out(f"site ready in {time.monotonic() - started:.1f} s ({site.env['DATABASE_URL'].split(':')[0]})")
        site.start()
        client = SyncDriver(site.url, session)
        day = client.load_day()
        if not day.get("trips"):
            raise CommandError("the day has no trips for the bench administrator")
        now = datetime.datetime.now(datetime.UTC)
        items, uploads, expected = day_items(client, seed["stops"], opts["photos_per_visit"], now)
        photo_bytes = sum(len(b) for _, b in uploads)

        # Two streams, as the field client runs them: the actions in batches, and the photos whose
        # declaration the server has already accepted, uploaded meanwhile on a second connection.
        blobs = dict(uploads)
        ready = queue.Queue()
        uploader = client.same_laptop()
        done = {"complete": 0, "error": None}

        def upload_all():
            try:
                while (attachment_id := ready.get()) is not None:
                    state = uploader.upload(attachment_id, blobs[attachment_id], opts["chunk_kb"] * 1024, offset=0)
                    done["complete"] += state.get("state") == "complete"
            except Exception as exc:  # noqa: BLE001 - reported below, the bench fails
                done["error"] = exc

        t0 = time.perf_counter()
        thread = threading.Thread(target=upload_all)
        thread.start()
        states = {}
        try:
            for i in range(0, len(items), opts["batch"]):
                batch = items[i:i + opts["batch"]]
                status, answer = client.sync(batch, datetime.datetime.now(datetime.UTC))
                if status not in (200, 422):
                    raise CommandError(f"sync answered {status}: {answer}")
                applied = {r["id"] for r in answer["results"] if r["state"] == "applied"}
                for r in answer["results"]:
                    states[r["state"]] = states.get(r["state"], 0) + 1
                for it in batch:
                    if it["kind"] == "attachment.declare" and it["id"] in applied:
                        ready.put(it["data"]["attachment_id"])
            t_items = time.perf_counter() - t0
        finally:
            ready.put(None)
            thread.join()
        elapsed = time.perf_counter() - t0
        if done["error"]:
            raise CommandError(f"upload failed: {done['error']}")
        complete = done["complete"]

        t1 = time.perf_counter()
        site.manage("db_worker", "--batch", "--no-startup-delay")
        files_s = time.perf_counter() - t1
        expected_path = site.dir / "expected.json"
        expected_path.write_text(json.dumps(expected))
        verdict = site.manage_json("field_bench_data", "check", "--expected", str(expected_path))
        out(f"items={len(items)} states={json.dumps(states)} photos={len(uploads)} complete={complete} "
            f"photo_mb={photo_bytes / 2**20:.1f} items_s={t_items:.2f}")
        out(f"case_files_s={files_s:.2f} (worker, after the sync) cases={verdict['cases']} "
            f"chain_ok={verdict['chain_ok']} lost={verdict['lost']} duplicated={verdict['duplicated']}")
        out(f"sync_s={elapsed:.2f} target_s=5 {'ok' if elapsed <= 5 and complete == len(uploads) else 'SLOW'}")

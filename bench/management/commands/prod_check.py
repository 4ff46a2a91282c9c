"""`make prod-check` (issue 17): the production layout on this machine and a smoke test through it.

bench/prod/layout.py starts a fresh PostgreSQL database, TWO gunicorn servers (A and B, debug off,
persistent connections) and TWO task workers, with the cache shared on Redis. Then, over HTTP:

1. an operator logs in on server A and takes a request with the intake form;
2. the coordinator's decisions (accept, run the week's planning) queue the planning run, and one of
   the workers computes it; the plan is approved and published (prod_check_data);
3. the field administrator logs in on server B, loads the day (the laptop is registered: a device
   token), and syncs the visit's result (start, services accepted, payment, outcome "served");
4. the laptop sends the visit's document photo in chunks to A and B in turn (each server is asked
   how far the upload got before its chunk: a resumable upload across app servers); the server that
   takes the last chunk checks the SHA-256; the operator downloads the photo through the other server,
   whole and with a Range request; a worker builds the case's photos PDF from it;
5. the operator sees on server A, through the API, that the request is served;
6. the cache is shared: the status look-up's rate limit counted on A refuses the next look-up on B.

With `--s3` (`make prod-check S3=1`) the files are in object storage: a moto S3 server is started
(bench/s3.py), all four processes run with VALIZA_STORAGE=s3 on its bucket, each server with an upload
folder of its own, and step 4 also checks that the photo and the PDF are objects in the bucket and that
no chunk object or temporary file is left. Without it the servers share one media and upload folder
(the NFS variant of docs/deploy.md) and step 4 checks the file there.

Everything is stopped at the end, also on failure. One summary line; exit code 1 on any failure.
"""

import datetime
import hashlib
import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from bench.field.sync_driver import SyncDriver
from bench.management.commands.bench_sync import day_items
from bench.prod.layout import REDIS_URL, ProdLayout, drop_database

PHOTO_CHUNK_BYTES = 256 * 1024  # a 1.5 MB photo in six chunks: three to each server


class Browser:
    """A person's browser on one server: cookies, CSRF token, redirects followed."""

    def __init__(self, base_url, ip="127.0.0.1"):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.ip = ip

    def on(self, base_url):
        """The same person (the same cookies: the session is in the shared database) on another server."""
        other = Browser(base_url, ip=self.ip)
        other.jar, other.opener = self.jar, self.opener
        return other

    def fetch(self, path, headers=None):
        """GET a file: status, headers and the bytes."""
        req = urllib.request.Request(self.base + path, headers={"X-Real-IP": self.ip, **(headers or {})})
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def send(self, method, path, data=None, *, json_body=None, headers=None):
        body, hdrs = None, {"X-Real-IP": self.ip, **(headers or {})}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        if method != "GET" and self.cookie("csrftoken"):
            hdrs["X-CSRFToken"] = self.cookie("csrftoken")
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.geturl(), resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl(), exc.read().decode(errors="replace")

    def form_token(self, path):
        status, _url, html = self.send("GET", path)
        if status != 200:
            raise CommandError(f"GET {self.base}{path} answered {status}")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise CommandError(f"no CSRF token on {path}")
        return found.group(1)

    def login(self, username, password):
        token = self.form_token("/staff/login/")
        status, url, _html = self.send(
            "POST", "/staff/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if status != 200 or "/staff/login/" in url or not self.cookie("sessionid"):
            raise CommandError(f"{username} could not log in on {self.base} ({status}, {url})")


class Command(BaseCommand):
    help = (
        "Запускає виробничу схему на цій машині (PostgreSQL, два сервери gunicorn, два фонові "
        "обробники, спільний кеш Redis), проводить заявку через обидва сервери й зупиняє все."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/valiza_prodcheck",
            help="a throwaway PostgreSQL database: dropped and created anew",
        )
        parser.add_argument("--redis-url", default=REDIS_URL)
        parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
        parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) for a look")
        parser.add_argument(
            "--s3",
            action="store_true",
            help="files in object storage: a moto S3 server, VALIZA_STORAGE=s3 on every server and worker",
        )

    def handle(self, *args, **opts):
        if not opts["database_url"].startswith("postgres"):
            raise CommandError("prod_check runs on PostgreSQL (--database-url postgres://…)")
        t0 = time.monotonic()
        self.steps = []
        layout = ProdLayout(
            database_url=opts["database_url"],
            redis_url=opts["redis_url"],
            keep=opts["keep"],
            extra_env={"VALIZA_PUBLIC_STATUS_LIMIT": "3"},
            log=self.stdout.write,
            s3=opts["s3"],
        )
        failure = None
        try:
            self.run(layout)
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit code 1
            failure = exc
        finally:
            layout.close()
            if not opts["keep_database"]:
                drop_database(opts["database_url"])
        elapsed = time.monotonic() - t0
        done = " ".join(self.steps)
        if failure is not None:
            self.stdout.write(
                f"prod-check{' --s3' if opts['s3'] else ''} FAILED after {elapsed:.0f} s: {failure} (passed: {done or 'nothing'})"
            )
            raise CommandError("prod-check failed") from failure
        self.stdout.write(f"prod-check{' --s3' if opts['s3'] else ''} ok in {elapsed:.0f} s: {done}")

    def step(self, name, started):
        self.steps.append(f"{name}={time.monotonic() - started:.1f}s")
        self.stdout.write(f"  {name}: ok ({time.monotonic() - started:.1f} s)")

    def run(self, layout):
        out = self.stdout.write
        t = time.monotonic()
        layout.prepare()
        password = secrets.token_urlsafe(16)
        stand = layout.manage_json("prod_check_data", "seed", "--password", password)
        self.step("migrate+seed", t)

        t = time.monotonic()
        layout.start(workers=2)
        out(f"  servers A={layout.a.url} B={layout.b.url}, workers={len(layout.workers)}")
        if layout.s3 is not None:
            out(f"  files: VALIZA_STORAGE=s3, bucket {layout.bucket.name} on {layout.s3.url} (moto)")
        else:
            out("  files: one shared media and upload folder")
        self.step("start", t)

        # 1. Server A: the operator takes a phone request with the intake form.
        t = time.monotonic()
        operator = Browser(layout.a.url)
        operator.login(stand["operator"], password)
        token = operator.form_token("/staff/requests/new/")
        paid = {s["id"] for s in stand["services"] if s["paid"]}
        form = {
            "csrfmiddlewaretoken": token,
            "channel": "phone",
            "for_someone_else": "0",
            "applicant_name": "Перевірна Ганна Олексіївна",
            "applicant_birth_date": "12.03.1938",
            "applicant_phone": "067 765 43 21",
            "settlement": stand["settlement"],
            "street": "вул. Садова",
            "building": "7",
            "flat": "12",
            "category": stand["category"],
            "evidence_available": "on",
            "services": [s["id"] for s in stand["services"]],
            "payment_method": "terminal",
            "consent": "on",
            "warning_acknowledged": "on",
            **{f"doc_{d}": "1" for s in stand["services"] for d in s["documents"]},
        }
        status, url, html = operator.send("POST", "/staff/requests/new/", form)
        found = re.search(r"/staff/requests/(\d+)/$", url)
        if status != 200 or not found:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,200})<', html)[:5]
            raise CommandError(f"intake on A did not save the request ({status}, {url}): {errors}")
        request_id = int(found.group(1))
        self.step(f"intake@A(request={request_id})", t)

        # 2. A worker computes the week's plan; it is approved and published.
        t = time.monotonic()
        plan_id = layout.manage_json("prod_check_data", "plan", "--request", str(request_id))["plan"]
        deadline = time.monotonic() + 90
        while layout.sql("SELECT state FROM planning_plan WHERE id = %s", plan_id) == "planning":
            if time.monotonic() > deadline:
                raise CommandError("no worker finished the planning run in 90 s")
            if not all(layout.workers_alive()):
                raise CommandError("a worker stopped; see its log")
            time.sleep(0.3)
        state = layout.manage_json("prod_check_data", "state", "--plan", str(plan_id))
        if state["state"] != "draft" or not any(s["request"] == request_id for s in state["stops"]):
            raise CommandError(f"the plan did not place the request: {state}")
        ran_by = sorted({w for task in state["tasks"] for w in task["worker_ids"]})
        layout.manage_json("prod_check_data", "publish", "--plan", str(plan_id))
        out(f"  plan {plan_id} computed by {', '.join(ran_by)}; workers alive: {', '.join(state['workers'])}")
        if len(state["workers"]) != 2:
            raise CommandError(f"expected two live workers, the database knows {state['workers']}")
        self.step(f"planned-by-worker({','.join(ran_by)})", t)

        # 3. Server B: the field administrator logs in, loads the day (device registered), syncs the visit.
        t = time.monotonic()
        field = Browser(layout.b.url)
        field.login(stand["field"], password)
        client = SyncDriver(layout.b.url, field.cookie("sessionid"))
        day = client.load_day()
        if not client.token:
            raise CommandError("the day did not register the laptop (no device token)")
        stops = [s for trip in day["trips"] for s in trip["stops"] if s["kind"] == "visit"]
        if len(stops) != 1:
            raise CommandError(f"today's day on B has {len(stops)} visits, expected the one request")
        stop = stops[0]
        services = [
            {
                "service_id": s["id"],
                "paid": s["id"] in paid,
                "fee": s.get("fee") or "0",
                "documents": [d["id"] for d in s["documents"]],
            }
            for s in stop["services"]
        ]
        now = datetime.datetime.now(datetime.UTC)
        # The actions happen now: the request was taken a minute ago (day_items spreads them over the last hour).
        # One document photo (≈1.5 MB), declared in the batch and sent in chunks after it (step 4).
        items, uploads, _expected = day_items(client, [{"stop_id": stop["id"], "services": services}], 1, now)
        for item in items:
            item["at"] = (now - datetime.timedelta(seconds=5)).isoformat()
        status, answer = client.sync(items, datetime.datetime.now(datetime.UTC))
        states = {}
        for r in answer.get("results", []):
            states[r["state"]] = states.get(r["state"], 0) + 1
        if status != 200 or set(states) != {"applied"}:
            problems = [r for r in answer.get("results", []) if r["state"] != "applied"][:3]
            raise CommandError(f"sync on B answered {status}, states {states}: {problems or answer}")
        self.step(f"sync@B(items={len(items)},device={client.device_id})", t)

        # 4. The photo in chunks to A and B in turn; downloaded through the server that did not finish it.
        self.photo(layout, client, operator, uploads)

        # 5. Server A sees the visit's result: the request served.
        t = time.monotonic()
        status, _url, body = operator.send("GET", f"/api/v1/requests/{request_id}")
        detail = json.loads(body) if status == 200 else {}
        if detail.get("status") != "served":
            raise CommandError(f"A shows the request as {detail.get('status')!r} ({status}), not served")
        self.step(f"served@A(status={detail['status']})", t)

        # 6. The cache is shared: three look-ups counted on A, the fourth refused on B (limit 3).
        t = time.monotonic()
        ip = "198.51.100.77"
        codes = []
        for base in [layout.a.url] * 3 + [layout.b.url]:
            browser = Browser(base, ip=ip)
            token = browser.form_token(f"/{stand['community']}/status/")
            codes.append(
                browser.send(
                    "POST",
                    f"/{stand['community']}/status/",
                    {"csrfmiddlewaretoken": token, "number": "0", "phone": "067 000 00 00"},
                )[0]
            )
        if codes[:3] != [200, 200, 200] or codes[3] != 429:
            raise CommandError(f"the rate limit is not shared through Redis: A,A,A,B answered {codes}")
        other = Browser(layout.b.url, ip="198.51.100.78")
        token = other.form_token(f"/{stand['community']}/status/")
        if (
            other.send(
                "POST", f"/{stand['community']}/status/", {"csrfmiddlewaretoken": token, "number": "0", "phone": "067 000 00 00"}
            )[0]
            != 200
        ):
            raise CommandError("another client was refused too: the limit is not per client")
        self.step(f"shared-cache(A,A,A,B={','.join(map(str, codes))})", t)

    def photo(self, layout, client_b, operator, uploads):
        out = self.stdout.write
        t = time.monotonic()
        ((attachment_id, blob),) = uploads
        digest = hashlib.sha256(blob).hexdigest()
        # The same laptop (its session and device token) talking to A: a load balancer's next choice.
        client_a = SyncDriver(layout.a.url, "")
        client_a.cookies, client_a.csrf = dict(client_b.cookies), client_b.csrf
        client_a.device_id, client_a.token = client_b.device_id, client_b.token
        servers = [("A", client_a), ("B", client_b)]
        path = f"/api/v1/field/attachments/{attachment_id}"
        offset, turn, state = 0, 0, {}
        while offset < len(blob):
            name, client = servers[turn % 2]
            # Resuming on this server: it must know how far the other one got.
            status, state = client.json("GET", path)
            if status != 200 or state.get("received") != offset:
                raise CommandError(f"server {name} says the upload is at {state} ({status}), the laptop sent {offset}")
            chunk = blob[offset : offset + PHOTO_CHUNK_BYTES]
            status, body = client.request("PUT", f"{path}?offset={offset}", chunk, "application/octet-stream")
            state = json.loads(body or b"{}")
            if status != 200 or state.get("received") != offset + len(chunk):
                raise CommandError(f"chunk at {offset} on {name} answered {status}: {state}")
            offset += len(chunk)
            turn += 1
        finisher = servers[(turn - 1) % 2][0]
        if state.get("state") != "complete":
            raise CommandError(f"the last chunk on {finisher} did not complete the upload: {state}")
        row = layout.sql("SELECT json_build_array(file, sha256, state) FROM field_attachment WHERE id = %s::uuid", attachment_id)
        name, sha256, db_state = row
        if sha256 != digest or db_state != "complete" or not name:
            raise CommandError(f"the attachment is {db_state} with hash {sha256}, expected {digest}")
        out(f"  photo {attachment_id}: {len(blob)} bytes in {turn} chunks A,B,… finished on {finisher}")

        # The operator downloads it through the other server: a range, then the whole file.
        other, other_url = ("B", layout.b.url) if finisher == "A" else ("A", layout.a.url)
        staff = operator.on(other_url)
        first, last = len(blob) // 3, len(blob) // 3 + 65535
        status, headers, part = staff.fetch(f"/staff/field/files/photo/{attachment_id}/", {"Range": f"bytes={first}-{last}"})
        if status != 206 or part != blob[first : last + 1] or headers.get("Content-Range") != f"bytes {first}-{last}/{len(blob)}":
            raise CommandError(f"Range on {other} answered {status} {headers.get('Content-Range')} ({len(part)} bytes)")
        status, _headers, whole = staff.fetch(f"/staff/field/files/photo/{attachment_id}/")
        if status != 200 or hashlib.sha256(whole).hexdigest() != digest:
            raise CommandError(f"the whole photo on {other} answered {status}, {len(whole)} bytes, another hash")

        # Where the file is: an object in the bucket (no chunk objects, no temporary files left), or the shared folder.
        if layout.bucket is not None:
            stored = layout.bucket.read(f"media/{name}")
            leftovers = layout.bucket.keys(f"media/uploads/{attachment_id}/")
            temp = [p for site in (layout.a, layout.b) for p in (site.dir / "uploads").glob("**/*") if p.is_file()]
            local = [p for p in (layout.b.dir / "media", layout.a.dir / "media") if p.exists() and any(p.iterdir())]
            if hashlib.sha256(stored).hexdigest() != digest or leftovers or temp or local:
                raise CommandError(
                    f"bucket object media/{name}: {len(stored)} bytes; chunk objects left {leftovers}; "
                    f"temporary files {temp}; local media {local}"
                )
            where = f"s3://{layout.bucket.name}/media/{name}"
        else:
            stored = (layout.a.dir / "media" / name).read_bytes()
            if hashlib.sha256(stored).hexdigest() != digest:
                raise CommandError(f"the file in the shared media folder differs: {name}")
            where = f"media/{name}"
        out(f"  downloaded through {other}: Range {first}-{last} -> 206, whole -> 200, sha256 ok; stored at {where}")

        # A worker builds the case's photos PDF from the stored photo and stores the PDF the same way.
        deadline = time.monotonic() + 90
        query = (
            "SELECT file FROM journal_casefile WHERE kind = 'photos' AND pages > 0"
            " AND created_at >= (SELECT completed_at FROM field_attachment WHERE id = %s::uuid) ORDER BY id LIMIT 1"
        )
        while not (pdf := layout.sql(query, attachment_id)):
            if time.monotonic() > deadline:
                raise CommandError("no worker built the case's photos PDF in 90 s")
            if not all(layout.workers_alive()):
                raise CommandError("a worker stopped; see its log")
            time.sleep(0.3)
        if layout.bucket is not None:
            if f"media/{pdf}" not in layout.bucket.keys(f"media/{pdf}"):
                raise CommandError(f"the photos PDF {pdf} is not in the bucket")
        elif not (layout.a.dir / "media" / pdf).is_file():
            raise CommandError(f"the photos PDF {pdf} is not in the shared media folder")
        out(f"  photos PDF built by a worker: {pdf}")
        self.step(f"photo(A/B chunks={turn},finished@{finisher},range+whole@{other}{',in-bucket' if layout.bucket else ''})", t)

"""Drive the real field client in Chromium through days of work while the network drops and the
server is killed at random moments, then check the database (issue 4).

Each iteration is one visit worked through the client's own screens: start, documents ticked,
services accepted, a photo or two, the payment, sometimes an act, the outcome. Before any step the
network may be cut (the browser context goes offline for a few steps), the page may be reloaded
(offline too: the service worker serves the app, IndexedDB keeps the day), a sync may be started,
and the server may be killed (SIGKILL to gunicorn's whole process group) at a random moment —
often in the middle of a sync or an upload — and started again. A day ends online with the outbox
and uploads drained; then the next day's trip is loaded.

The last line is `lost=<a> duplicated=<b> iterations=<N>`: what the driver did in the client and
is not in the database, and what is in the database more often than it was done.
"""

import json
import random
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from bench.field.sync_driver import noise_jpeg
from bench.field.throwaway_site import ThrowawaySite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class Chaos:
    """Network cuts and server kills, chosen by a seeded random generator so a run can be repeated."""

    def __init__(self, site, context, rnd, *, cut, restart, log):
        self.site, self.context, self.rnd = site, context, rnd
        self.cut, self.restart = cut, restart
        self.log = log
        self.offline_steps = 0
        self.restarts = 0
        self.cuts = 0
        self._thread = None

    @property
    def offline(self):
        return self.offline_steps > 0

    def step(self):
        if self.offline_steps:
            self.offline_steps -= 1
            if not self.offline_steps:
                self.context.set_offline(False)
        elif self.rnd.random() < self.cut:
            self.offline_steps = self.rnd.randint(1, 12)
            self.cuts += 1
            self.context.set_offline(True)
        if self.rnd.random() < self.restart:
            self.kill_soon(self.rnd.uniform(0, 1.5))

    def kill_soon(self, delay):
        """Kill the server `delay` seconds from now, in the background, and start it again."""
        if self._thread and self._thread.is_alive():
            return
        self.restarts += 1

        def run():
            time.sleep(delay)
            self.site.restart()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def settle(self):
        """Online, with the server up: for loading a day and for the end-of-day drain."""
        if self._thread:
            self._thread.join()
        self.offline_steps = 0
        self.context.set_offline(False)
        if self.site.process is None or self.site.process.poll() is not None:
            self.site.start()


class Command(BaseCommand):
    help = ("Ганяє справжній польовий клієнт у Chromium через дні роботи з обривами мережі та "
            "перезапусками сервера; остання строка: lost=<a> duplicated=<b> iterations=<N>.")

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=20, help="visits to work in all")
        parser.add_argument("--visits-per-day", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--cut", type=float, default=0.15, help="chance of a network cut before a step")
        parser.add_argument("--restart", type=float, default=0.03, help="chance of a server kill per step")
        parser.add_argument("--reload", type=float, default=0.05, help="chance of a page reload per step")
        parser.add_argument("--photo-kb", type=int, default=300, help="size of each document photo")
        parser.add_argument("--database-url", help="an empty PostgreSQL database that may be wiped; default SQLite")
        parser.add_argument("--keep", action="store_true", help="keep the temporary site for a look")

    def handle(self, *args, **opts):
        from playwright.sync_api import sync_playwright

        rnd = random.Random(opts["seed"])
        site = ThrowawaySite(database_url=opts["database_url"], workers=2, keep=opts["keep"], log=self.stdout.write)
        started = time.monotonic()
        try:
            site.prepare()
            session = site.manage_json("field_bench_data", "session")["session"]
            site.start()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(base_url=site.url, locale="uk-UA", timezone_id="Europe/Kyiv")
                context.set_default_timeout(20_000)
                context.add_cookies([{"name": "sessionid", "value": session, "url": site.url}])
                page = context.new_page()
                page.on("dialog", lambda d: d.accept())
                chaos = Chaos(site, context, rnd, cut=opts["cut"], restart=opts["restart"], log=self.stdout.write)
                driver = Driver(page, rnd, photo_kb=opts["photo_kb"])
                try:
                    expected = self.work(site, chaos, driver, rnd, opts)
                except Exception as exc:
                    site.keep = True
                    self.stderr.write(f"stopped at {page.url} (offline={chaos.offline}, visits done "
                                      f"{len(driver.done)}): {exc!r}"[:2000])
                    (site.dir / "expected.json").write_text(json.dumps(driver.done))
                    try:
                        page.screenshot(path=str(site.dir / "failure.png"), full_page=True, timeout=5000)
                        (site.dir / "failure.html").write_text(page.content())
                    except Exception as shot_exc:  # noqa: BLE001 - the page may be hung; report that instead
                        self.stderr.write(f"no screenshot: {shot_exc!r}"[:500])
                    raise
                browser.close()
            path = site.dir / "expected.json"
            path.write_text(json.dumps(expected))
            verdict = site.manage_json("field_bench_data", "check", "--expected", str(path))
        finally:
            site.close()
        for line in verdict["details"]:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"items={json.dumps(verdict['items'])} cases={verdict['cases']} chain_ok={verdict['chain_ok']} "
            f"cuts={chaos.cuts} restarts={chaos.restarts} minutes={(time.monotonic() - started) / 60:.1f}")
        self.stdout.write(f"lost={verdict['lost']} duplicated={verdict['duplicated']} iterations={len(expected)}")

    def work(self, site, chaos, driver, rnd, opts):
        expected, day = [], 0
        while len(expected) < opts["iterations"]:
            day += 1
            visits = min(opts["visits_per_day"], opts["iterations"] - len(expected))
            seed = site.manage_json("field_bench_data", "seed", "--visits", str(visits))
            chaos.settle()
            driver.load_day([s["stop_id"] for s in seed["stops"]])
            for stop in seed["stops"]:
                expected.append(driver.work_visit(stop, chaos, opts["reload"]))
            chaos.settle()
            if not driver.drain(deadline_s=180):
                raise CommandError(f"day {day}: the outbox did not drain in 3 minutes")
            # The end of the day: log out (the client erases the day from the laptop), log in again.
            driver.logout()
            session = site.manage_json("field_bench_data", "session")["session"]
            driver.page.context.add_cookies([{"name": "sessionid", "value": session, "url": site.url}])
            driver.open_app()
            path = site.dir / "expected.json"
            path.write_text(json.dumps(expected))
            so_far = site.manage_json("field_bench_data", "check", "--expected", str(path))
            self.stdout.write(f"day {day}: {len(expected)} visits, cuts={chaos.cuts} restarts={chaos.restarts} "
                              f"lost={so_far['lost']} duplicated={so_far['duplicated']} chain_ok={so_far['chain_ok']}")
        return expected


class Driver:
    """The field client's screens through its automation hooks (`data-testid`, listed at the top of
    static/field/main.js)."""

    def __init__(self, page, rnd, *, photo_kb):
        self.page, self.rnd = page, rnd
        self.photo_kb = photo_kb
        self.photo_n = 0
        self.done = []  # every visit worked so far, for a report after a failure

    def tid(self, name):
        return self.page.locator(f'[data-testid="{name}"]')

    def press(self, button, shown=None, *, until=None, before=None, wait_ms=8000, tries=3):
        """Click `button` until `shown` (a testid) is visible or `until()` holds. A click can land on
        a button that a background re-render (sync done, network back) is just replacing; a person
        would press it again, and so does this."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in range(tries):
            if before:
                before()
            self.tid(button).click()
            try:
                if shown:
                    self.tid(shown).wait_for(timeout=wait_ms)
                else:
                    until(wait_ms)
                return
            except PlaywrightTimeout:
                if attempt == tries - 1:
                    raise

    def photo(self):
        self.photo_n += 1
        blob = noise_jpeg(target_bytes=self.photo_kb * 1024, seed=f"soak-{self.photo_n}-{time.time()}")
        return {"name": f"doc-{self.photo_n}.jpg", "mimeType": "image/jpeg", "buffer": blob}

    def ready(self):
        self.page.wait_for_selector('[data-testid="app"][data-ready="1"]')

    def open_app(self):
        self.page.goto("/field/")
        self.ready()
        self.offline_ready()

    def offline_ready(self):
        """Online, wait until the client says it can be opened with no network (as the administrator
        checks before leaving): a reload offline before that fails in any browser."""
        self.page.wait_for_selector('[data-testid="offline-ready"][data-ready="1"]', timeout=60_000)

    def go(self, fragment):
        self.page.evaluate("(h) => { location.hash = h; }", fragment)

    def load_day(self, stop_ids):
        """Load the day until the new trip's stops are on screen; a load that fails (the server
        just restarting) is tried again, as a person would press the button again."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        if "/field/" not in self.page.url:
            self.open_app()
        end = time.monotonic() + 120
        while True:
            self.go("#/")
            self.tid("load-day").click()
            try:
                self.page.wait_for_function(
                    "(ids) => ids.every((id) => document.querySelector(`[data-stop-id=\"${id}\"]`))",
                    arg=stop_ids, timeout=15_000)
                self.offline_ready()
                return
            except PlaywrightTimeout:
                if time.monotonic() > end:
                    raise

    def logout(self):
        self.go("#/")
        with self.page.expect_navigation():
            self.tid("logout").click()

    def maybe_reload(self, chance):
        if self.rnd.random() < chance:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            for attempt in range(3):  # a reload that hangs (server restarting) is done again
                try:
                    self.page.reload()
                    break
                except PlaywrightTimeout:
                    if attempt == 2:
                        raise
            self.ready()

    def work_visit(self, stop, chaos, reload_chance):
        """One visit through the screens; returns what was done, for the database check."""
        sid = stop["stop_id"]
        done = {"stop_id": sid, "accepted": [], "payments": [], "photos": 0, "acts": 0, "outcome": None}

        def step():
            chaos.step()
            self.maybe_reload(reload_chance)
            if f"#/stop/{sid}" not in self.page.url:
                self.go(f"#/stop/{sid}")
            # This stop's screen, drawn: right after the hash changes the previous stop is still shown.
            self.page.wait_for_selector(f'[data-testid="app"][data-route="stop/{sid}"]')
            self.tid("stop-title").wait_for()

        step()
        start = self.tid("visit-start")
        if start.count():
            self.press("visit-start", "visit-started")
        # Most people get everything they asked for; some only part; a few are not served at all.
        roll = self.rnd.random()
        services = stop["services"] if roll < 0.8 else stop["services"][:1] if roll < 0.9 else []
        for svc in services:
            s = svc["service_id"]
            step()
            for d in svc["documents"]:
                self.tid(f"doc-{s}-{d}").check()
                self.tid(f"sheets-{s}-{d}").fill(str(self.rnd.randint(1, 4)))
                self.tid(f"sheets-{s}-{d}").dispatch_event("change")
            if self.rnd.random() < 0.5:
                step()
                before = self.tid(f"thumbs-{s}").locator("li").count()
                self.tid(f"photo-{s}").set_input_files(self.photo())
                self.page.wait_for_function(
                    "([s, n]) => document.querySelectorAll(`[data-testid=thumbs-${s}] li`).length > n", arg=[s, before])
                done["photos"] += 1
            step()
            self.press(f"accept-{s}", f"number-{s}")
            done["accepted"].append(s)
            if svc["paid"]:
                step()
                method = self.rnd.choice(["terminal", "prepaid", "online"])
                self.tid(f"pay-method-{s}-{method}").check()
                self.tid(f"pay-receipt-{s}").fill("" if method == "online" else f"Ч-{sid}-{s}")
                self.press(f"pay-save-{s}", f"pay-saved-{s}")
                done["payments"].append(s)
        if self.rnd.random() < 0.1:
            step()
            self.tid("act-open").click()
            self.tid("act-kind").select_option(self.rnd.choice(["capacity_doubt", "aggression", "refusal", "other"]))
            self.tid("act-description").fill("Під час візиту людина поводилася збуджено; роз'яснено порядок.")
            self.tid("act-witness-name").fill("Сусід Петро Іванович")
            self.tid("act-witness-role").fill("сусід")
            before = self.tid("acts").locator("li").count() if self.tid("acts").count() else 0
            self.press("act-save", until=lambda ms: self.page.wait_for_function(
                "(n) => document.querySelectorAll('[data-testid=acts] li').length > n", arg=before, timeout=ms),
                wait_ms=15000)
            done["acts"] += 1
        if services:
            outcome = "served" if len(services) == len(stop["services"]) else "partly_served"
        else:
            outcome = self.rnd.choice(["not_at_home", "refused", "capacity_doubt", "technical_failure"])
        step()
        self.press("outcome-save", before=lambda: self.tid(f"outcome-{outcome}").check(),
                   until=lambda ms: self.page.wait_for_function(
            "() => !location.hash.startsWith('#/stop/')", timeout=ms))
        done["outcome"] = outcome
        self.done.append(done)
        if not chaos.offline and self.rnd.random() < 0.3:
            self.go("#/outbox")
            self.tid("sync-now").click()
        return done

    def drain(self, deadline_s):
        """Online with the server up: sync until nothing waits and every file is in."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            self.go("#/outbox")
            self.tid("sync-now").click()
            try:
                self.page.wait_for_function(
                    "() => !document.querySelector('[data-testid=outbox-item][data-state=waiting]')"
                    " && !document.querySelector('[data-testid=outbox-file]')", timeout=20_000)
                return True
            except PlaywrightTimeout:
                continue
        return False

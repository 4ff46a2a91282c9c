"""Kill the background worker at random moments and check that no work is stuck, sent twice or lost
(issue 9, "Faults, as commands"; ADR 5).

A throwaway site (bench/field/throwaway_site.py: its own SQLite database, or `--database-url` for an
empty PostgreSQL one) gets a community with a team and a pool of requests. Each round queues a
planning run, ten SMS (file gateway) and a visit's case files with a photo (bench/chaos/stand.py),
starts the real worker (`manage.py worker`) as a child process and kills it with SIGKILL: in turn
in the middle of a planning run's search, of an SMS being sent, of a case-file build (the stand
watches the database for the moment), or at any moment. After the last round a worker runs until
all work has ended, and the database and the SMS file are checked: every plan ended planned or
failed (none stuck), every SMS went out at most once (or is marked "may have arrived"), every
accepted case has its PDFs. The last line is `runs=<n> stuck=<n> duplicated_sms=<n> missing_files=<n>`.

The worker's clocks are shortened so a run takes minutes (a lease of 2 s, SMS "sending" for 3 s is
a dead worker's). Case-file attempts are not capped in the run: every kill of a build counts as an
attempt, and a person would press "try again" after so many.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.field.throwaway_site import ThrowawaySite

CHAOS_ENV = {
    "VALIZA_WORKER_HEARTBEAT_SECONDS": "0.5",
    "VALIZA_WORKER_LEASE_SECONDS": "2",
    "VALIZA_WORKER_CHECK_SECONDS": "1",
    "VALIZA_SMS_TIMEOUT_SECONDS": "1",
    "VALIZA_OUTBOX_STALE_SECONDS": "3",
    "VALIZA_PLANNING_MARGIN_SECONDS": "20",
    "VALIZA_CASE_FILES_RETRY_SECONDS": "3",
    "VALIZA_CASE_FILES_MAX_ATTEMPTS": "1000",
    "VALIZA_SOLVER_NO_IMPROVEMENT": "",
}


class Workers:
    """The real worker processes of the site, started and killed as a crash would."""

    def __init__(self, site, count):
        self.site = site
        self.count = count
        self.processes = []
        self.log = open(site.dir / "worker.log", "ab")  # noqa: SIM115 - closed in close()

    def start(self):
        for _ in range(self.count - len(self.processes)):
            self.processes.append(subprocess.Popen(
                [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "worker", "--no-startup-delay",
                 "--no-reload", "--interval", "0.2"],
                env=self.site.env, cwd=settings.BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT))

    def kill(self):
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        self.processes = []

    def stop(self):
        """A clean stop (SIGTERM): the running task ends first."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def close(self):
        self.kill()
        self.log.close()


# What each round's kill aims at, in turn (None: any moment); then up to this long into it, seconds.
TARGETS = ("planning", "sms", "files", None)
DELAY = {"planning": 1.0, "sms": 0.0, "files": 0.3}


class Feeder:
    """`manage.py chaos_data feed` in the site: queues rounds and watches for the moment to kill."""

    def __init__(self, site, seed):
        self.site = site
        self.log = open(site.dir / "feeder.log", "ab")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "chaos_data", "feed", "--seed", str(seed)],
            env=site.env, cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            stderr=self.log)

    def ask(self, order):
        self.process.stdin.write(order + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise CommandError(f"the stand did not answer {order!r}; see {self.site.dir / 'feeder.log'}")
        return json.loads(answer)

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        finally:
            self.log.close()


class Command(BaseCommand):
    help = ("Вбиває фонову службу (SIGKILL) у випадкові моменти під час розрахунків планів, надсилання SMS і "
            "створення PDF справ, запускає знову і перевіряє: жоден план не застряг, жодне SMS не пішло двічі, "
            "кожна прийнята справа має свої PDF. Остання лінія: runs=… stuck=… duplicated_sms=… missing_files=…")

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50, help="rounds of queue, start, kill")
        parser.add_argument("--workers", type=int, default=1, help="worker processes at once")
        parser.add_argument("--max-wait", type=float, default=8.0,
                            help="longest wait for the moment to kill a worker, seconds (it starts in about 1.5 s)")
        parser.add_argument("--settle-timeout", type=float, default=900.0,
                            help="how long the last worker may take to finish what is left, seconds")
        parser.add_argument("--seed", type=int, default=None, help="random seed (kill moments, time limits)")
        parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/valiza_chaos "
                            "(an empty database that may be wiped); default: SQLite in a temporary folder")
        parser.add_argument("--keep", action="store_true", help="keep the temporary site for a look")

    def handle(self, *args, **opts):
        if opts["runs"] < 1 or opts["workers"] < 1:
            raise CommandError("--runs and --workers must be at least 1")
        site = ThrowawaySite(database_url=opts["database_url"], keep=opts["keep"], log=self.stdout.write)
        site.env.update(CHAOS_ENV)
        workers = Workers(site, opts["workers"])
        try:
            self.run(site, workers, opts)
        finally:
            workers.close()
            site.close()

    def run(self, site, workers, opts):
        out = self.stdout.write
        seed = opts["seed"] if opts["seed"] is not None else random.SystemRandom().randrange(10**6)
        rng = random.Random(seed)
        started = time.monotonic()
        site.prepare()
        site.manage("chaos_data", "seed")
        out(f"site ready in {time.monotonic() - started:.1f} s ({site.env['DATABASE_URL'].split(':')[0]}), "
            f"seed={seed}, workers={opts['workers']}")
        feeder = Feeder(site, seed)
        kills = Counter()
        try:
            for number in range(opts["runs"]):
                feeder.ask(f"queue {number}")
                workers.start()
                target = TARGETS[number % len(TARGETS)]
                if target is None:
                    time.sleep(rng.uniform(0.3, opts["max_wait"]))
                else:
                    # Wait for the moment: the worker in the middle of that work, or the wait's end.
                    busy = feeder.ask(f"wait {target} {opts['max_wait']}")["busy"]
                    kills[f"{target}_{'hit' if busy else 'missed'}"] += 1
                    time.sleep(rng.uniform(0, DELAY[target]))
                workers.kill()
        finally:
            feeder.close()
        out(f"{opts['runs']} rounds queued and killed in {time.monotonic() - started:.1f} s; "
            f"kills aimed: {json.dumps(dict(sorted(kills.items())))}")

        workers.start()
        deadline = time.monotonic() + opts["settle_timeout"]
        while True:
            time.sleep(2)
            open_work = site.manage_json("chaos_data", "status")
            if not any(open_work.values()) or time.monotonic() > deadline:
                break
        workers.stop()
        result = site.manage_json("chaos_data", "check")
        out(f"settled in {time.monotonic() - started:.1f} s; open at the end: {json.dumps(open_work)}")
        out(f"plans={json.dumps(result['plans'])} tasks={json.dumps(result['tasks'])} reaped={json.dumps(result['reaped'])} "
            f"claimed_twice={result['claimed_twice']}")
        out(f"sms={json.dumps(result['sms'])} unknown_lines={result['sms_unknown_lines']} "
            f"torn_lines={result['sms_torn_lines']}")
        out(f"cases={result['cases']} missing={result['missing_cases']}")
        out(f"runs={opts['runs']} stuck={result['stuck']} duplicated_sms={result['duplicated_sms']} "
            f"missing_files={result['missing_files']}")
        sms = result["sms"]
        problems = {
            "stuck": result["stuck"], "duplicated_sms": result["duplicated_sms"],
            "missing_files": result["missing_files"], "open_work": sum(open_work.values()),
            "claimed_twice": result["claimed_twice"], "sms_unknown_lines": result["sms_unknown_lines"],
            "sms_sent_without_line": sms.get("sent_without_line", 0),
            "sms_sent_in_other_state": sms.get("sent_in_other_state", 0),
        }
        bad = {k: v for k, v in problems.items() if v}
        if bad:
            raise CommandError(f"the worker did not recover: {bad} (seed={seed})")

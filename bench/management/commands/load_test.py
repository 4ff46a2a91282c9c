"""`make load-test` (issue 17): the production layout (bench/prod/layout.py: PostgreSQL, two gunicorn
servers, two workers, Redis) with the demo community, and locust (bench/load/locustfile.py, from the
separate .venv-load) headless against both servers for LOAD_MINUTES (10 by default). Prints the RPS,
p50/p95 and failures of the whole run and of each page, from locust's CSV.

For the run the public forms' per-address limits are raised (VALIZA_PUBLIC_REQUEST_LIMIT,
VALIZA_PUBLIC_STATUS_LIMIT, VALIZA_PUBLIC_REQUESTS_PER_PHONE): a load test is not an abuse test.
"""

import csv
import json
import os
import secrets
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.prod.layout import REDIS_URL, ProdLayout, drop_database

LOAD_LIMITS = {
    "VALIZA_PUBLIC_REQUEST_LIMIT": "1000000",
    "VALIZA_PUBLIC_STATUS_LIMIT": "1000000",
    "VALIZA_PUBLIC_REQUESTS_PER_PHONE": "1000",
}


def targets(password):
    """What the simulated people need from the demo community (run inside the layout's database)."""
    from accounts.models import User
    from catalogue.models import Service
    from communities.models import Community
    from eligibility.models import EligibilityCategory
    from visits.models import VisitRequest

    community = Community.objects.get(slug="verbivka")
    operator = User.objects.get(username="operator")
    operator.set_password(password)
    operator.save()
    requests = list(VisitRequest.objects.filter(community=community).order_by("pk"))
    services = Service.objects.filter(mobile_allowed=True, is_paid=False, needs_partner=False).order_by("pk")[:3]
    return {
        "community": community.slug,
        "operator": operator.username,
        "password": password,
        "settlements": [s.pk for s in community.settlements.all()],
        "category": EligibilityCategory.objects.filter(community=community).order_by("pk").first().pk,
        "services": [{"id": s.pk, "documents": [d.pk for d in s.documents.all()]} for s in services],
        "request_ids": [r.pk for r in requests],
        "surnames": sorted({r.applicant_name.split()[0] for r in requests})[:10],
        "lookups": [(r.number, r.applicant_phone) for r in requests if r.applicant_phone][:50],
    }


class Command(BaseCommand):
    help = "Навантажувальний тест: locust проти двох серверів gunicorn з демо-громадою (issue 17)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=float(os.environ.get("LOAD_MINUTES", "10")))
        parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "40")))
        parser.add_argument("--spawn-rate", type=float, default=float(os.environ.get("LOAD_SPAWN_RATE", "2")))
        parser.add_argument("--locust", default=str(Path(settings.BASE_DIR) / ".venv-load" / "bin" / "locust"))
        parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/valiza_loadtest")
        parser.add_argument("--redis-url", default=REDIS_URL)
        parser.add_argument("--targets", metavar="FILE", help="(internal) write the targets JSON and stop")
        parser.add_argument("--password", default="")

    def handle(self, *args, **opts):
        if opts["targets"]:
            Path(opts["targets"]).write_text(json.dumps(targets(opts["password"]), ensure_ascii=False))
            return
        if not Path(opts["locust"]).exists():
            raise CommandError(f"{opts['locust']} is missing: make load-test installs it (requirements-load.txt)")
        layout = ProdLayout(
            database_url=opts["database_url"],
            redis_url=opts["redis_url"],
            threads=4,
            extra_env=LOAD_LIMITS,
            log=self.stdout.write,
        )
        try:
            self.run(layout, opts)
        finally:
            layout.close()
            drop_database(opts["database_url"])

    def run(self, layout, opts):
        out = self.stdout.write
        t = time.monotonic()
        layout.prepare()
        layout.manage("load_demo", "--quiet", "--requests", "200")
        target_file = layout.dir / "targets.json"
        layout.manage("load_test", "--targets", str(target_file), "--password", secrets.token_urlsafe(16))
        layout.start(workers=2)
        out(
            f"layout ready in {time.monotonic() - t:.0f} s: servers {' '.join(layout.urls)}, 2 workers, "
            f"PostgreSQL, Redis; {opts['users']} users at {opts['spawn_rate']}/s for {opts['minutes']:g} min"
        )
        prefix = layout.dir / "locust"
        env = dict(os.environ, LOAD_TARGETS=str(target_file), LOAD_HOSTS=",".join(layout.urls))
        done = subprocess.run(
            [
                opts["locust"],
                "-f",
                str(Path(settings.BASE_DIR) / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(opts["users"]),
                "--spawn-rate",
                str(opts["spawn_rate"]),
                "--run-time",
                f"{int(opts['minutes'] * 60)}s",
                "--host",
                layout.urls[0],
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
        failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))
        out(f"{'page':44} {'requests':>8} {'fails':>6} {'p50_ms':>7} {'p95_ms':>7} {'rps':>6}")
        for row in rows:
            out(
                f"{row['Type'] + ' ' + row['Name']:44.44} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{row['50%']:>7} {row['95%']:>7} {float(row['Requests/s']):6.2f}"
            )
        for row in failures[:10]:
            out(f"failure: {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}")
        for log in sorted(layout.dir.glob("*.log")) + sorted(layout.b.dir.glob("*.log")):
            lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
            if lines and int(next(r for r in rows if r["Name"] == "Aggregated")["Failure Count"]):
                out(f"{log.name} ({log.parent.name}), last lines:")
                for line in lines[-8:]:
                    out("  " + line[:300])
        total = next(r for r in rows if r["Name"] == "Aggregated")
        alive = layout.workers_alive()
        out(
            f"load minutes={opts['minutes']:g} users={opts['users']} rps={float(total['Requests/s']):.2f} "
            f"requests={total['Request Count']} failures={total['Failure Count']} p50_ms={total['50%']} "
            f"p95_ms={total['95%']} p99_ms={total['99%']} max_ms={float(total['Max Response Time']):.0f} "
            f"workers_alive={sum(alive)}/{len(alive)}"
        )
        if done.returncode not in (0, 1) or int(total["Failure Count"]) or not all(alive):
            raise CommandError(f"load test failed (locust exit {done.returncode}): {done.stderr[-2000:]}")

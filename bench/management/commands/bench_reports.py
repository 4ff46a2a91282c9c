"""`manage.py bench_reports`: the reports' figures against a year of a large city (issue 14, "Scale").

Run it on PostgreSQL, in a database of its own that seed_reports filled (never the test database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/valiza_bench_reports
    createdb -h 127.0.0.1 -U postgres valiza_bench_reports
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_reports --cases 200000
    .venv/bin/python manage.py bench_reports

The last line is `dashboard_year_s=… export_xlsx_year_s=… report_pdf_quarter_s=… bare_view_s=…`, all measured
in this one run, then extra keys: `export_xlsx_year_mb=… public_stats_s=… dashboard_page_s=…`. Targets: the
dashboard ≤ 1 s, the year's XLSX ≤ 30 s under 300 MB, the quarterly PDF ≤ 20 s.

- dashboard_year_s: indicators.figures.dashboard(community, start, end) for the year (every figure, no page).
- dashboard_page_s / public_stats_s: the quality officer's dashboard page and the public statistics page of
  the year through the whole middleware, after a warm-up of their templates on an empty week.
- export_xlsx_year_s: journal.paper.write_xlsx of the whole year to a temporary file, in a forked child
  process; export_xlsx_year_mb (and the line export_xlsx_peak_rss_mb=) is that process's own peak resident
  set (getrusage ru_maxrss, the pages it shares with this process included), export_xlsx_growth_mb its
  growth over what it started with.
- report_pdf_quarter_s: until the quarterly reports exist, the journal PDF of the year's last quarter
  (journal.paper.journal_pdf), cut to journal.paper.PDF_MAX_ROWS rows as the journal page cuts it — a NOTE
  line says so (WeasyPrint lays out about 10–40 register rows a second).
- bare_view_s: a page that reads no data (the staff member's own account page) through the whole
  middleware stack, the floor every page stands on.
"""

import datetime
import os
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings

from accounts import roles
from accounts.models import User
from bench.reports.seed import SLUG
from communities.models import Community
from journal import paper
from journal.models import Case


def _rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def in_own_process(run):
    """Run `run()` in a forked child and return (seconds, result, peak_rss_bytes, start_rss_bytes): the
    child's own peak resident set (getrusage ru_maxrss — the pages it shares with this process count too,
    so it is the memory a worker doing only this export would hold). The database connection is closed
    first, so the child opens its own and this process opens a fresh one afterwards; `result` must be
    picklable."""
    import pickle
    import resource

    connection.close()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report through the pipe, leave without running any exit handler
        code = 0
        try:
            os.close(read_end)
            start_rss = _rss_bytes()
            started = time.perf_counter()
            result = run()
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            payload = ("ok", (seconds, result, peak, start_rss))
            connection.close()
        except BaseException as exc:  # noqa: BLE001 - the parent raises it
            payload, code = ("error", repr(exc)), 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(payload))
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data) if data else ("error", "the child process left no answer")
    if status != "ok":
        raise CommandError(f"the measured child process failed: {value}")
    return value


def _timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


class Command(BaseCommand):
    help = "Measure the dashboard, the year's XLSX, the quarter's PDF and a bare page on the seed_reports data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="run on SQLite anyway (the tests do, at a tiny size); the figures mean nothing",
        )

    def handle(self, *args, allow_sqlite, **opts):
        out = self.stdout.write
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "bench_reports measures PostgreSQL, and this database is "
                f"{connection.vendor}. Point DATABASE_URL at a database of its own, e.g. "
                "postgres://postgres@127.0.0.1:5432/valiza_bench_reports, migrate it and run seed_reports first."
            )
        community = Community.objects.filter(slug=SLUG).first()
        if community is None:
            raise CommandError(f"No seeded city ({SLUG}): run `manage.py seed_reports --cases 200000` first.")
        cases = Case.objects.filter(community=community)
        first, last = (
            cases.order_by("accepted_at").values_list("accepted_at", flat=True).first(),
            cases.order_by("-accepted_at").values_list("accepted_at", flat=True).first(),
        )
        if first is None:
            raise CommandError("The seeded city has no cases.")
        from django.utils import timezone

        end = timezone.localtime(last).date()
        start = end - datetime.timedelta(days=364)
        quarter_start = end - datetime.timedelta(days=90)
        operator, _new = User.objects.get_or_create(
            username=f"{SLUG}-operator", defaults={"role": roles.OPERATOR, "community": community}
        )
        year_cases = paper.journal_cases(cases, start, end)
        out(
            f"database={connection.vendor} community={community.slug} cases={cases.count()} "
            f"year={start:%d.%m.%Y}–{end:%d.%m.%Y} year_cases={year_cases.count()}"
        )

        with override_settings(ALLOWED_HOSTS=["*"]):
            client = Client()
            client.force_login(operator)
            client.get("/staff/account/")  # warm-up: templates, translations, the session
            dashboard_s = self._dashboard(community, start, end)
            query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
            # The quality officer sees the dashboard with a password alone (a coordinator is asked for a code).
            viewer = User.objects.filter(community=community, role=roles.QUALITY).first()
            page_s = self._page(viewer, f"/staff/indicators/{query}")
            public_s = self._page(None, f"/{community.slug}/stats/{query}")
            bare_s, response = _timed(lambda: client.get("/staff/account/"))
            if response.status_code != 200:
                raise CommandError(f"the bare page answered {response.status_code}")

        def export():
            with tempfile.TemporaryFile(suffix=".xlsx") as target:
                paper.write_xlsx(year_cases, target, community=community, start=start, end=end)
                return target.tell()

        xlsx_s, size, peak, at_start = in_own_process(export)
        xlsx_mb = peak / 2**20
        out(
            f"export_xlsx_peak_rss_mb={xlsx_mb:.0f} export_xlsx_growth_mb="
            f"{(peak - at_start) / 2**20:.0f} export_xlsx_bytes={size}"
        )

        out(
            f"NOTE report_pdf_quarter_s measures the journal PDF of the last quarter until the quarterly reports "
            f"exist, cut to the {paper.PDF_MAX_ROWS} rows the journal page allows in a PDF (WeasyPrint lays out "
            "about 10–40 rows a second; a quarter of a large city is an XLSX)."
        )
        quarter_ids = list(paper.journal_cases(cases, quarter_start, end).values_list("pk", flat=True)[: paper.PDF_MAX_ROWS])
        quarter = paper.journal_cases(cases.filter(pk__in=quarter_ids), quarter_start, end)
        pdf_s, body = _timed(lambda: paper.journal_pdf(quarter, community=community, start=quarter_start, end=end))
        out(f"report_pdf_quarter_rows={quarter.count()} report_pdf_quarter_bytes={len(body)}")
        out(
            f"dashboard_year_s={dashboard_s:.3f} export_xlsx_year_s={xlsx_s:.3f} "
            f"report_pdf_quarter_s={pdf_s:.3f} bare_view_s={bare_s:.3f} "
            f"export_xlsx_year_mb={xlsx_mb:.0f} public_stats_s={public_s:.3f} dashboard_page_s={page_s:.3f}"
        )

    def _page(self, user, path):
        """One GET of `path` through the whole middleware (as `user`, or anonymous), after a warm-up of
        the templates on an empty period."""
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(path.split("?")[0] + "?start=2001-01-01&end=2001-01-07")
        seconds, response = _timed(lambda: client.get(path))
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
        return seconds

    def _dashboard(self, community, start, end):
        from indicators.figures import dashboard  # every indicator of the staff dashboard (issue 14)

        seconds, _figures = _timed(lambda: dashboard(community, start, end))
        return seconds

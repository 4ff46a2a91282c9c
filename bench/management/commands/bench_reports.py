"""`manage.py bench_reports`: the reports' figures against a year of a large city (issue 14, "Scale").

Run it on PostgreSQL, in a database of its own that seed_reports filled (never the test database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/valiza_bench_reports
    createdb -h 127.0.0.1 -U postgres valiza_bench_reports
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_reports --cases 200000
    .venv/bin/python manage.py bench_reports

The last line is `dashboard_year_s=… export_xlsx_year_s=… report_pdf_quarter_s=… bare_view_s=…`, all measured
in this one run, preceded by the XLSX export's peak memory. Targets: the dashboard ≤ 1 s, the year's XLSX
≤ 30 s under 300 MB, the quarterly PDF ≤ 20 s.

- dashboard_year_s: indicators.figures.dashboard(community, start, end) for the year, imported lazily.
  Until the indicators app is merged, the journal page of the year's community is measured instead and a
  NOTE line says so.
- export_xlsx_year_s: journal.paper.write_xlsx of the whole year to a temporary file; peak memory is the
  process's resident set sampled every 20 ms during the export (and its growth over the start).
- report_pdf_quarter_s: the quarterly report of the last calendar quarter the data covers, built as the
  worker builds it (reports.actions.build: the snapshot of every figure for the quarter and the one before,
  the PDF with its charts, the file saved); the report is removed afterwards.
- bare_view_s: a page that reads no data (the staff member's own account page) through the whole
  middleware stack, the floor every page stands on.
"""

import datetime
import tempfile
import threading
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


class PeakMemory:
    """The resident set's peak while the block runs, sampled by a thread."""

    def __init__(self, every=0.02):
        self.every, self.peak, self.start = every, 0, 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            self._stop.wait(self.every)

    def __enter__(self):
        self.start = self.peak = _rss_bytes()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


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
            dashboard_s = self._dashboard(community, start, end, client, out)
            bare_s, response = _timed(lambda: client.get("/staff/account/"))
            if response.status_code != 200:
                raise CommandError(f"the bare page answered {response.status_code}")

        with tempfile.TemporaryFile(suffix=".xlsx") as target, PeakMemory() as memory:
            xlsx_s, _none = _timed(lambda: paper.write_xlsx(year_cases, target, community=community, start=start, end=end))
            size = target.tell()
        out(
            f"export_xlsx_peak_rss_mb={memory.peak / 2**20:.0f} export_xlsx_growth_mb="
            f"{(memory.peak - memory.start) / 2**20:.0f} export_xlsx_bytes={size}"
        )

        pdf_s = self._quarterly_report(community, end, out)
        out(
            f"dashboard_year_s={dashboard_s:.3f} export_xlsx_year_s={xlsx_s:.3f} "
            f"report_pdf_quarter_s={pdf_s:.3f} bare_view_s={bare_s:.3f}"
        )

    def _quarterly_report(self, community, end, out):
        """The quarterly report (reports app) of the last calendar quarter that ended by `end` (or the one
        `end` is in), built as the worker builds it; removed afterwards."""
        from reports import actions as report_actions
        from reports.models import Kind, Report
        from reports.periods import bounds, previous

        q_start, q_end = bounds(Kind.QUARTER, end.year, (end.month - 1) // 3 + 1)
        if q_end > end:
            q_start, q_end = previous(Kind.QUARTER, q_start)
        version = (report_actions.latest_version(community, Kind.QUARTER, q_start) or 0) + 1
        report = Report.objects.create(community=community, kind=Kind.QUARTER, start=q_start, end=q_end, version=version)
        try:
            seconds, built = _timed(lambda: report_actions.build(report.pk))
            if built is None or not built.pdf:
                report.refresh_from_db()
                raise CommandError(f"the quarterly report was not built: {report.error}")
            out(
                f"report_pdf_quarter={q_start:%d.%m.%Y}–{q_end:%d.%m.%Y} report_pdf_quarter_bytes={built.pdf.size} "
                f"report_pdf_quarter_services={built.data['figures']['activity']['extra']['services']}"
            )
        finally:
            report.refresh_from_db()
            if report.pdf:
                report.pdf.delete(save=False)
            report.delete()
        return seconds

    def _dashboard(self, community, start, end, client, out):
        from indicators.figures import dashboard  # every indicator of the staff dashboard (issue 14)

        seconds, _figures = _timed(lambda: dashboard(community, start, end))
        return seconds
        out("NOTE dashboard_year_s measures the journal page (/staff/journal/) until indicators.figures.dashboard is merged.")
        seconds, response = _timed(lambda: client.get("/staff/journal/"))
        if response.status_code != 200:
            raise CommandError(f"the journal page answered {response.status_code}")
        return seconds

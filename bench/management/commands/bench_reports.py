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

- dashboard_year_s: indicators.figures.dashboard(community, start, end) for the year (every figure, no page),
  as every view after the first: the closed weeks from the roll-up (indicators/rollup.py).
  dashboard_year_cold_s: the first view, with no stored week (every closed week counted and stored);
  dashboard_year_4_weeks_changed_s: after a day's work that marked the last four closed weeks stale.
- dashboard_page_s / public_stats_s: the quality officer's dashboard page and the public statistics page of
  the year through the whole middleware, after a warm-up of their templates on an empty week.
- export_xlsx_year_s: journal.paper.write_xlsx of the whole year to a temporary file, in a forked child
  process; export_xlsx_year_mb (and the line export_xlsx_peak_rss_mb=) is that process's own peak resident
  set (getrusage ru_maxrss, the pages it shares with this process included), export_xlsx_growth_mb its
  growth over what it started with.
- report_pdf_quarter_s: the quarterly report of the last calendar quarter the data covers, built as the
  worker builds it (reports.actions.build: the snapshot of every figure for the quarter and the one before,
  the PDF with its charts, the file saved); the report is removed afterwards.
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
from bench.logins import logged_in_client
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
            dashboard_s, dashboard_cold_s, dashboard_changed_s = self._dashboard(community, start, end)
            query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
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

        pdf_s = self._quarterly_report(community, end, out)
        out(
            f"dashboard_year_s={dashboard_s:.3f} export_xlsx_year_s={xlsx_s:.3f} "
            f"report_pdf_quarter_s={pdf_s:.3f} bare_view_s={bare_s:.3f} "
            f"export_xlsx_year_mb={xlsx_mb:.0f} public_stats_s={public_s:.3f} dashboard_page_s={page_s:.3f} "
            f"dashboard_year_cold_s={dashboard_cold_s:.3f} dashboard_year_4_weeks_changed_s={dashboard_changed_s:.3f}"
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

    def _page(self, user, path):
        """One GET of `path` through the whole middleware (as `user`, or anonymous), after a warm-up of
        the templates on an empty period."""
        client = logged_in_client(user) if user is not None else Client()
        client.get(path.split("?")[0] + "?start=2001-01-01&end=2001-01-07")
        seconds, response = _timed(lambda: client.get(path))
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
        return seconds

    def _dashboard(self, community, start, end):
        """(warm, cold, after a day's changes) seconds of indicators.figures.dashboard for the period: cold
        with no stored week (every closed week counted and stored, as the first view of a period), warm
        as every later view, and after a day's work that marked the last four closed weeks stale."""
        from indicators import rollup
        from indicators.figures import dashboard  # every indicator of the staff dashboard (issue 14)

        rollup.forget(community.pk)
        cold, _figures = _timed(lambda: dashboard(community, start, end))
        warm, _figures = _timed(lambda: dashboard(community, start, end))
        from django.utils import timezone

        closed = rollup.closed_weeks(start, end, timezone.localdate())
        rollup.mark_days([(community.pk, monday) for monday in closed[-4:]])
        changed, _figures = _timed(lambda: dashboard(community, start, end))
        return warm, cold, changed

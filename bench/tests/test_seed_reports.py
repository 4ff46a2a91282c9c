"""seed_reports at a tiny size: the proportions hold and the keys are the ones the models compute."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from bench.reports import seed
from communities.models import Community
from field.models import AcceptedService, Visit
from journal import chain
from journal.models import Case, CaseState, JournalEntry, JournalSequence
from quality.models import SurveyTask


@pytest.mark.django_db
def test_seed_reports_builds_a_year_with_a_valid_journal_chain():
    out = StringIO()
    call_command("seed_reports", "--cases", "300", stdout=out)
    community = Community.objects.get(slug=seed.SLUG)
    cases = Case.objects.filter(community=community)
    assert cases.count() == 300
    assert "cases=300" in out.getvalue().splitlines()[-1]
    # A valid chain, in the order things happened, one registration per case.
    verdict = chain.verify(community.pk)
    assert verdict.ok, verdict.why
    entries = JournalEntry.objects.filter(community=community)
    assert entries.filter(event=JournalEntry.REGISTERED).count() == 300
    stamps = list(entries.order_by("sequence").values_list("recorded_at", flat=True))
    assert stamps == sorted(stamps)
    # Numbers from each office's yearly sequence, the sequence left at the last one given.
    for sequence in JournalSequence.objects.filter(office__community=community):
        numbers = cases.filter(office=sequence.office, number__startswith=f"{sequence.office_id}-{sequence.year}-")
        assert numbers.count() == sequence.last
        assert numbers.filter(number=f"{sequence.office_id}-{sequence.year}-{sequence.last:06d}").exists()
    # Deadlines as the calendar computes them; most cases closed, a few late, surveys and visits made.
    case = cases.order_by("accepted_at").first()
    from communities.workdays import WorkCalendar

    calendar = WorkCalendar(community)
    assert case.handover_due == calendar.handover_deadline(case.accepted_at)
    assert case.provider_due == calendar.add_term(case.accepted_at, case.term_count, case.term_kind)
    assert cases.filter(state=CaseState.RESULT_DELIVERED).count() > 200
    assert Visit.objects.filter(community=community).count() >= cases.values("request").distinct().count()
    assert SurveyTask.objects.filter(community=community, rating__isnull=False).exists()
    # Every case came from a service accepted at its request's visit (the dashboard's teams and services).
    accepted = AcceptedService.objects.filter(visit__community=community)
    assert accepted.count() == 300
    assert not accepted.exclude(visit__request_id=F("case__request_id")).exists()
    assert not accepted.exclude(service_id=F("case__service_id")).exists()


@pytest.mark.django_db
def test_seed_reports_refuses_a_second_run_without_reset_and_rebuilds_with_it():
    call_command("seed_reports", "--cases", "20", stdout=StringIO())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_reports", "--cases", "20", stdout=StringIO())
    call_command("seed_reports", "--cases", "30", "--reset", stdout=StringIO())
    assert Case.objects.filter(community__slug=seed.SLUG).count() == 30
    assert chain.verify(Community.objects.get(slug=seed.SLUG).pk).ok


@pytest.mark.django_db
def test_bench_reports_refuses_sqlite_and_says_why():
    from django.db import connection

    if connection.vendor == "postgresql":  # the suite's second run: here it goes on, to the missing seed
        with pytest.raises(CommandError, match="seed_reports"):
            call_command("bench_reports", stdout=StringIO())
        return
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_reports", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_bench_reports_prints_its_figures_on_the_last_line():
    # transaction=True: the XLSX export runs in a child process with a connection of its own, which sees
    # only committed rows.
    call_command("seed_reports", "--cases", "40", stdout=StringIO())
    out = StringIO()
    call_command("bench_reports", "--allow-sqlite", stdout=out)
    lines = out.getvalue().splitlines()
    names = [pair.split("=")[0] for pair in lines[-1].split()]
    assert names[:4] == ["dashboard_year_s", "export_xlsx_year_s", "report_pdf_quarter_s", "bare_view_s"]
    assert names[4:] == [
        "export_xlsx_year_mb",
        "public_stats_s",
        "dashboard_page_s",
        "dashboard_year_cold_s",
        "dashboard_year_4_weeks_changed_s",
    ]
    figures = {name: float(value) for name, value in (pair.split("=") for pair in lines[-1].split())}
    assert all(value > 0 for value in figures.values())
    # The export's memory is the child process's own peak: more than an empty interpreter, and the same
    # figure on its own line.
    assert figures["export_xlsx_year_mb"] > 20
    assert f"export_xlsx_peak_rss_mb={figures['export_xlsx_year_mb']:.0f} " in out.getvalue()
    assert int(next(line for line in lines if "export_xlsx_bytes=" in line).split("export_xlsx_bytes=")[1]) > 1000

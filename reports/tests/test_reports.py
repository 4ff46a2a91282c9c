"""The periodic reports (issue 14, "Reports"): the snapshot holds exactly what indicators.figures counts,
against the period before; a published report never changes; an empty period is a report of zeros."""

import datetime

import pytest
from django.utils import timezone

from indicators import figures
from reports import actions, periods, snapshot
from reports.models import Kind, Report, State
from visits.models import RejectReason, Status

from .helpers import dataset_in_one_quarter, make_report

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _plain(found):
    return snapshot._plain({k: f.as_dict() for k, f in found.items()})


def test_periods_are_calendar_quarters_halves_and_years():
    assert periods.bounds(Kind.QUARTER, 2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert periods.bounds(Kind.QUARTER, 2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert periods.bounds(Kind.HALF, 2026, 2) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert periods.bounds(Kind.YEAR, 2024) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    # A quarter against the quarter before it, across the turn of the year too.
    assert periods.previous(Kind.QUARTER, datetime.date(2026, 1, 1)) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    assert periods.previous(Kind.QUARTER, datetime.date(2026, 7, 1)) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert periods.previous(Kind.HALF, datetime.date(2026, 1, 1)) == (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))
    assert periods.previous(Kind.YEAR, datetime.date(2026, 1, 1)) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("kind", "year", "part", "field"),
    [
        (Kind.QUARTER, 2026, 5, "part"),
        (Kind.QUARTER, 2026, 0, "part"),
        (Kind.QUARTER, 2026, None, "part"),
        (Kind.HALF, 2026, 3, "part"),
        (Kind.YEAR, 1999, None, "year"),
        (Kind.YEAR, 3000, None, "year"),
        ("decade", 2026, 1, "kind"),
    ],
)
def test_a_period_no_report_can_cover_is_refused_with_a_message(kind, year, part, field):
    today = timezone.localdate()
    year = today.year if year == 2026 else year
    with pytest.raises(periods.PeriodError) as refused:
        periods.checked(kind, year, part, today)
    assert refused.value.field == field and str(refused.value)


def test_a_period_that_has_not_begun_is_refused():
    today = timezone.localdate()
    next_quarter = (today.month - 1) // 3 + 2
    if next_quarter <= 4:
        with pytest.raises(periods.PeriodError, match="ще не почався"):
            periods.checked(Kind.QUARTER, today.year, next_quarter, today)
    # The current quarter has begun: it may be reported on (as far as it went).
    assert periods.checked(Kind.QUARTER, today.year, (today.month - 1) // 3 + 1, today)[0] <= today


def test_the_snapshot_holds_every_figure_of_the_dashboard_and_the_period_before(world, django_capture_on_commit_callbacks):
    data, start, end = dataset_in_one_quarter(world)
    previous_start, previous_end = periods.previous(Kind.QUARTER, start)
    # The quarter before: two requests, one of them a false call (50 %).
    for i, rejected in enumerate((True, False)):
        from indicators.tests.dataset import at, request

        extra = {"status": Status.REJECTED, "reject_reason": RejectReason.FALSE_CALL} if rejected else {}
        request(world, at(previous_start + datetime.timedelta(days=10 + i), 10), services=[world.svc_reg], **extra)

    report = make_report(world, django_capture_on_commit_callbacks, start, end)

    assert (report.state, report.progress, report.version, report.error) == (State.DONE, 100, 1, "")
    today = timezone.localdate()
    assert report.data["figures"] == _plain(figures.dashboard(world.a, start, end, today))
    # The hand-built fortnight is in it: the figures are not empty ones.
    assert report.data["figures"]["late_handover"]["numerator"] >= 2
    assert report.data["figures"]["activity"]["extra"]["services"] >= 6
    rows = {r["key"]: r for r in report.data["comparison"]}
    current_false = figures.false_calls(world.a, start, end).value
    assert rows["false_calls"]["previous"] == 50.0
    assert rows["false_calls"]["value"] == current_false
    assert rows["false_calls"]["change"] == round(current_false - 50.0, 1)
    before = figures.dashboard(world.a, previous_start, previous_end, today)
    assert rows["requested"]["previous"] == before["top_services"].denominator == 2
    assert rows["late_handover"]["value"] == report.data["figures"]["late_handover"]["value"]
    assert rows["late_handover"]["previous"] is None and rows["late_handover"]["change"] is None
    assert report.data["previous"] == {"start": previous_start.isoformat(), "end": previous_end.isoformat()}


def test_services_by_category_of_person_and_by_service_sum_the_weeks(world, django_capture_on_commit_callbacks):
    data, start, end = dataset_in_one_quarter(world)
    category = world.cat["disability_1"]
    type(data.r1).objects.filter(pk=data.r1.pk).update(category=category)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    by_category = {r["label"]: r for r in report.data["by_category"]}
    # r1's two cases (c1, c2) and its served visit (v1) are the category's; the rest have none ("—").
    assert by_category[category.name] == {"label": category.name, "services": 2, "visits": 1, "people": 1}
    total = report.data["figures"]["activity"]["extra"]
    assert sum(r["services"] for r in report.data["by_category"]) == total["services"]
    assert sum(r["services"] for r in report.data["by_service"]) == total["services"]
    by_service = {r["label"]: r["services"] for r in report.data["by_service"]}
    # A served visit that accepted no service has none ("—"); it has no services either.
    assert set(by_service) <= {world.svc_reg.name_uk, world.svc_cert.name_uk, "—"} and by_service.get("—", 0) == 0


def test_a_published_report_never_changes_corrected_data_makes_a_new_version(world, django_capture_on_commit_callbacks):
    data, start, end = dataset_in_one_quarter(world)
    first = make_report(world, django_capture_on_commit_callbacks, start, end)
    actions.publish(first, by=world.users["coordinator"])
    frozen_data = first.data
    with first.pdf.open("rb") as f:
        frozen_pdf = f.read()
    late_before = first.data["figures"]["late_handover"]["numerator"]

    # Weeks later the coordinator finds that c2 went to the provider on its day after all.
    type(data.c2).objects.filter(pk=data.c2.pk).update(handed_over_on=data.c2.handover_due)
    second = make_report(world, django_capture_on_commit_callbacks, start, end)

    assert (second.pk != first.pk, second.version, second.state) == (True, 2, State.DONE)
    assert second.data["figures"]["late_handover"]["numerator"] == late_before - 1
    first.refresh_from_db()
    assert first.data == frozen_data and first.is_published
    with first.pdf.open("rb") as f:
        assert f.read() == frozen_pdf
    # The published one is never built again, even if its task ran twice.
    assert actions.build(first.pk) is None
    first.refresh_from_db()
    assert first.data == frozen_data
    with pytest.raises(actions.ReportError):
        actions.publish(first, by=world.users["coordinator"])


def test_a_draft_is_built_again_in_place(world, django_capture_on_commit_callbacks):
    data, start, end = dataset_in_one_quarter(world)
    draft = make_report(world, django_capture_on_commit_callbacks, start, end)
    type(data.c2).objects.filter(pk=data.c2.pk).update(handed_over_on=data.c2.handover_due)
    again = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert (again.pk, again.version, Report.objects.count()) == (draft.pk, 1, 1)
    assert again.data["figures"]["late_handover"]["numerator"] == draft.data["figures"]["late_handover"]["numerator"] - 1


def test_a_draft_being_built_is_not_queued_twice(world):
    start, end = periods.bounds(Kind.YEAR, 2024)
    first = actions.request_report(world.a, Kind.YEAR, start, end, by=None)
    second = actions.request_report(world.a, Kind.YEAR, start, end, by=None)
    assert first.pk == second.pk and second.state == State.QUEUED


def test_a_period_with_no_data_is_a_report_of_zeros(world, django_capture_on_commit_callbacks):
    start, end = periods.bounds(Kind.QUARTER, periods.FIRST_YEAR, 1)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert report.state == State.DONE and report.pdf
    assert not snapshot.has_data(report.data)
    assert report.data["by_category"] == [] and report.data["proposals"]["accepted"] == 0
    assert all(r["value"] in (None, 0) for r in report.data["comparison"])


def test_the_build_tells_its_progress_on_the_row(world, django_capture_on_commit_callbacks, monkeypatch):
    start, end = periods.bounds(Kind.QUARTER, periods.FIRST_YEAR, 2)
    seen = []
    real = figures.dashboard

    def watching(community, *args, **kwargs):
        seen.append(Report.objects.values_list("state", "progress").get())
        return real(community, *args, **kwargs)

    monkeypatch.setattr(figures, "dashboard", watching)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert seen == [(State.RUNNING, 5), (State.RUNNING, 35)]
    assert (report.state, report.progress) == (State.DONE, 100)


def test_a_build_that_fails_says_so_on_the_row(world, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("reports.actions.report_pdf", broken)
    start, end = periods.bounds(Kind.QUARTER, periods.FIRST_YEAR, 3)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert report.state == State.FAILED and "no fonts" in report.error and not report.pdf
    with pytest.raises(actions.ReportError):
        actions.publish(report, by=None)


def test_a_build_whose_worker_died_is_marked_failed_and_can_be_asked_for_again(world, django_capture_on_commit_callbacks):
    start, end = periods.bounds(Kind.QUARTER, periods.FIRST_YEAR, 4)
    report = actions.request_report(world.a, Kind.QUARTER, start, end, by=None)
    Report.objects.filter(pk=report.pk).update(state=State.RUNNING, progress=35)
    assert actions.recover(timezone.now() + actions.STALE_AFTER - datetime.timedelta(seconds=1)) == 0
    assert actions.recover(timezone.now() + actions.STALE_AFTER + datetime.timedelta(seconds=1)) == 1
    report.refresh_from_db()
    assert report.state == State.FAILED and "lost" in report.error
    again = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert (again.pk, again.state, again.error) == (report.pk, State.DONE, "")

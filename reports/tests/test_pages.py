"""The reports' pages: the list and the form (bad input gives a message, never a 500), progress while
a report is built, the web view and the PDF of the snapshot, publishing, other communities (404), and
the access log for reports that tell people's stories."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessLog
from campaign import actions as campaign
from reports import actions, periods
from reports.models import Kind, Report, State

from .helpers import dataset_in_one_quarter, make_report

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.users["coordinator"])
    return client


def _post(client, **data):
    return client.post("/staff/reports/new/", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "quarter", "year": "2026", "part": "5"}, "Квартал — число від 1 до 4."),
        ({"kind": "quarter", "year": "2026", "part": ""}, "Квартал — число від 1 до 4."),
        ({"kind": "half", "year": "2026", "part": "3"}, "Півріччя — 1 або 2."),
        ({"kind": "year", "year": "1999"}, "Рік має бути від"),
        ({"kind": "year", "year": "99999"}, "Рік має бути від"),
        ({"kind": "year", "year": "два"}, "Рік — це число"),
        ({"kind": "decade", "year": "2026"}, "Оберіть вид звіту"),
        ({}, "Оберіть вид звіту."),
    ],
)
def test_a_wrong_period_gives_the_form_again_with_a_message(coordinator, data, message):
    if data.get("year") == "2026":
        data["year"] = str(timezone.localdate().year)
    response = _post(coordinator, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_quarter_not_begun_yet_is_refused(coordinator):
    today = timezone.localdate()
    response = _post(coordinator, kind="year", year=str(today.year + 1))
    assert response.status_code == 400 and not Report.objects.exists()


def test_the_coordinator_makes_a_quarterly_report_and_reads_it_on_the_page_and_in_the_pdf(
    coordinator, world, django_capture_on_commit_callbacks
):
    data, start, end = dataset_in_one_quarter(world)
    part = (start.month - 1) // 3 + 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(coordinator, kind="quarter", year=str(start.year), part=str(part))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/reports/{report.pk}/"
    assert (report.start, report.end, report.state) == (start, end, State.DONE)

    page = coordinator.get(f"/staff/reports/{report.pk}/").content.decode()
    assert "Показники порівняно з попереднім періодом" in page and 'role="img"' in page
    assert "Послуги за категоріями людей" in page and "За цей період немає даних" not in page
    assert 'http-equiv="refresh"' not in page

    answer = coordinator.get(f"/staff/reports/{report.pk}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    pages = len(reader.pages)
    first = reader.pages[0].extract_text()
    assert "Громада А" in first and report.title in first
    assert f"Сторінка 1 з {pages}" in first
    assert f"Сторінка {pages} з {pages}" in reader.pages[-1].extract_text()
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4 portrait


def test_progress_is_shown_while_the_report_is_built_and_the_page_refreshes_itself(coordinator, world):
    start, end = periods.bounds(Kind.YEAR, periods.FIRST_YEAR)
    report = actions.request_report(world.a, Kind.YEAR, start, end, by=world.users["coordinator"])
    Report.objects.filter(pk=report.pk).update(state=State.RUNNING, progress=35)
    page = coordinator.get(f"/staff/reports/{report.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="35"' in page and "Готово 35 %" in page
    # Its PDF is not there yet: a page that says so, not an error.
    answer = coordinator.get(f"/staff/reports/{report.pk}/pdf/")
    assert answer.status_code == 404 and "Звіт ще складається" in answer.content.decode()


def test_publish_then_a_new_version_the_old_one_stays_readable(coordinator, world, django_capture_on_commit_callbacks):
    start, end = periods.bounds(Kind.HALF, periods.FIRST_YEAR, 1)
    first = make_report(world, django_capture_on_commit_callbacks, start, end, kind=Kind.HALF)
    assert coordinator.post(f"/staff/reports/{first.pk}/publish/").status_code == 302
    first.refresh_from_db()
    assert first.published_by == world.users["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(f"/staff/reports/{first.pk}/rebuild/")
    second = Report.objects.get(version=2)
    assert response["Location"] == f"/staff/reports/{second.pk}/"
    page = coordinator.get(f"/staff/reports/{second.pk}/").content.decode()
    assert "Версія 1" in page and "За цей період немає даних" in page
    assert coordinator.get(f"/staff/reports/{first.pk}/pdf/").status_code == 200
    # Publishing twice is refused with a message, not an error.
    coordinator.post(f"/staff/reports/{first.pk}/publish/")
    assert "уже опубліковано" in coordinator.get(f"/staff/reports/{first.pk}/").content.decode()


def test_another_communitys_report_is_not_found(coordinator, world, django_capture_on_commit_callbacks):
    start, end = periods.bounds(Kind.YEAR, periods.FIRST_YEAR)
    foreign = make_report(world, django_capture_on_commit_callbacks, start, end, kind=Kind.YEAR, community=world.b, by=None)
    for url in (f"/staff/reports/{foreign.pk}/", f"/staff/reports/{foreign.pk}/pdf/"):
        assert coordinator.get(url).status_code == 404
    assert coordinator.post(f"/staff/reports/{foreign.pk}/publish/").status_code == 404
    assert coordinator.get(f"/staff/reports/?community={world.b.slug}").status_code == 404
    assert (
        foreign.title not in coordinator.get("/staff/reports/").content.decode()
        or not Report.objects.filter(community=world.a).exists()
    )
    foreign.refresh_from_db()
    assert foreign.published_at is None


def test_roles_without_the_capability_are_refused(client, world):
    for role, status in (("operator", 403), ("communications", 403), ("quality", 200), ("coordinator", 200)):
        client.force_login(world.users[role])
        assert client.get("/staff/reports/").status_code == status, role


def test_a_story_told_with_consent_is_in_the_report_logged_and_leaves_when_consent_is_withdrawn(
    coordinator, world, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    milestone = campaign.record_preparation(world.a, "memorandum", today)
    draft = milestone.draft
    consent = campaign.use_person(draft, world.req, purpose="звіт", given_on=today, taken_by=world.users["coordinator"])
    campaign.edit(draft, draft.site_text, draft.social_text, "Пані Марія отримала довідку вдома.")
    quarter = (today.month - 1) // 3 + 1
    start, end = periods.bounds(Kind.QUARTER, today.year, quarter)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    assert [s["story"] for s in report.data["stories"]] == ["Пані Марія отримала довідку вдома."]

    before = AccessLog.objects.count()
    assert "Пані Марія" in coordinator.get(f"/staff/reports/{report.pk}/").content.decode()
    logged = AccessLog.objects.order_by("id")[before:]
    assert {(e.action, e.object_type) for e in logged} == {("view", "reports.report"), ("view", "visits.visitrequest")}
    pdf = coordinator.get(f"/staff/reports/{report.pk}/pdf/").content
    assert "Пані Марія" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert AccessLog.objects.filter(action="export", object_type="visits.visitrequest", object_id=str(world.req.pk)).exists()

    campaign.withdraw(consent)
    assert "Пані Марія" not in coordinator.get(f"/staff/reports/{report.pk}/").content.decode()
    pdf = coordinator.get(f"/staff/reports/{report.pk}/pdf/").content
    assert "Пані Марія" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_report_without_stories_is_not_logged_as_personal_data(coordinator, world, django_capture_on_commit_callbacks):
    start, end = periods.bounds(Kind.YEAR, periods.FIRST_YEAR)
    report = make_report(world, django_capture_on_commit_callbacks, start, end, kind=Kind.YEAR)
    before = AccessLog.objects.count()
    coordinator.get(f"/staff/reports/{report.pk}/")
    coordinator.get(f"/staff/reports/{report.pk}/pdf/")
    assert AccessLog.objects.count() == before


def test_proposals_taken_up_are_counted_and_the_published_ones_told(coordinator, world, django_capture_on_commit_callbacks):
    from quality import actions as quality

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    start, end = periods.bounds(Kind.QUARTER, today.year, quarter)
    made = []
    for text, decision, publish in (
        ("Приймати по суботах", "accepted", True),
        ("Другий номер", "accepted", False),
        ("Не треба", "rejected", False),
    ):
        p = quality.register_proposal(world.a, channel="phone", received_on=start, text=text, by=None)
        quality.decide_proposal(
            p.pk,
            discussed_on=today,
            decision=decision,
            reason="Так вирішили",
            procedure_changed=publish,
            change="Субота — робочий день" if publish else "",
            publish=publish,
            by=None,
        )
        made.append(p)
    report = make_report(world, django_capture_on_commit_callbacks, start, end)
    taken = report.data["proposals"]
    assert (taken["accepted"], taken["procedure_changed"]) == (2, 1)
    assert [p["text"] for p in taken["published"]] == ["Приймати по суботах"]
    page = coordinator.get(f"/staff/reports/{report.pk}/").content.decode()
    assert "Приймати по суботах" in page and "Другий номер" not in page

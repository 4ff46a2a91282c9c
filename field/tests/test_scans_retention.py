"""Issue 11: photos / scans of documents are kept VALIZA_KEEP_SCANS_DAYS after the request is closed and its
cases are finished, then the worker (and `manage.py purge_personal_data`) deletes their files, marks the rows
purged and removes the case's photos PDF; a later rebuild of the case's files leaves them out and works.
Every date derives from the frozen "now" (conftest)."""

import datetime
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from field import documents
from field.models import Attachment
from field.retention import purge_personal_data
from field.tests.attachment_helpers import declare, files, jpeg_bytes, upload_all, visit_with_cases  # noqa: F401
from journal.models import Case, CaseFile, CaseState
from visits.models import Status, StatusChange, VisitRequest


def _with_photos(world):
    visit, cases = visit_with_cases(world)
    for color in ((200, 0, 0), (0, 200, 0)):
        body = jpeg_bytes(color=color)
        upload_all(declare(visit, body, service=cases[0].service), body)
    documents.build_case_files(cases[0].pk)
    assert CaseFile.objects.filter(case=cases[0], kind=CaseFile.Kind.PHOTOS).exists()
    return visit, cases


def _closed(visit, days_ago, *, finished_days_ago=None):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    VisitRequest.objects.filter(pk=visit.request_id).update(status=Status.SERVED)
    StatusChange.objects.create(request_id=visit.request_id, from_status=Status.SCHEDULED, to_status=Status.SERVED, at=at)
    if finished_days_ago is not None:
        day = timezone.localdate() - datetime.timedelta(days=finished_days_ago)
        Case.objects.filter(request_id=visit.request_id).update(state=CaseState.RESULT_DELIVERED, result_delivered_on=day)


@pytest.fixture
def keep_180(settings, files):  # noqa: F811
    settings.VALIZA_KEEP_SCANS_DAYS = 180


def test_scans_are_removed_after_their_term_once_the_request_is_closed_and_its_cases_finished(world, keep_180):
    visit, cases = _with_photos(world)
    _closed(visit, 200, finished_days_ago=181)
    paths = [a.file.path for a in Attachment.objects.filter(visit=visit)]
    pdf = CaseFile.objects.get(case=cases[0], kind=CaseFile.Kind.PHOTOS).file.path
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "scans=2" in out.getvalue()
    for att in Attachment.objects.filter(visit=visit):
        assert att.state == Attachment.State.PURGED and not att.file and att.purged_at
    assert not any(os.path.exists(p) for p in [*paths, pdf])
    assert not CaseFile.objects.filter(case__request_id=visit.request_id, kind=CaseFile.Kind.PHOTOS).exists()
    # The inventory (the register's list of documents) stays with the case.
    assert CaseFile.objects.filter(case=cases[0], kind=CaseFile.Kind.INVENTORY).exists()
    assert purge_personal_data()["scans"] == 0  # a second run finds nothing


def test_a_rebuild_of_the_case_files_after_the_scans_were_removed_leaves_them_out_and_works(world, keep_180, login):
    visit, cases = _with_photos(world)
    _closed(visit, 200, finished_days_ago=181)
    purge_personal_data()
    built = documents.build_case_files(cases[0].pk)
    assert CaseFile.Kind.PHOTOS not in built
    assert not CaseFile.objects.filter(case=cases[0], kind=CaseFile.Kind.PHOTOS).exists()
    page = login(world.users["coordinator"]).get(f"/staff/journal/{cases[0].pk}/").content.decode()
    assert "Скани документів видалено після строку зберігання" in page
    assert "ще завантажуються" not in page


def test_scans_of_a_case_not_finished_or_finished_recently_are_kept(world, keep_180):
    visit, cases = _with_photos(world)
    _closed(visit, 400)  # the visit was long ago, but the provider has not decided yet
    assert purge_personal_data()["scans"] == 0
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        state=CaseState.RESULT_DELIVERED, result_delivered_on=timezone.localdate() - datetime.timedelta(days=179)
    )
    assert purge_personal_data()["scans"] == 0
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        result_delivered_on=timezone.localdate() - datetime.timedelta(days=181)
    )
    assert purge_personal_data()["scans"] == 2


def test_scans_of_a_request_closed_less_than_the_term_ago_are_kept(world, keep_180):
    visit, _cases = _with_photos(world)
    _closed(visit, 179, finished_days_ago=200)
    assert purge_personal_data()["scans"] == 0
    assert Attachment.objects.filter(visit=visit, state=Attachment.State.COMPLETE).count() == 2

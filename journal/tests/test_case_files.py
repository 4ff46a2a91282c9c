"""The case's files from the field: the inventory and photos PDFs on the case page, access-logged."""

import io

import pytest
from pypdf import PdfReader

from audit.models import AccessLog
from field import documents
from field.tests.attachment_helpers import declare, files, jpeg_bytes, upload_all, visit_with_cases  # noqa: F401


@pytest.fixture
def case_from_field(world, files):  # noqa: F811
    visit, cases = visit_with_cases(world)
    return visit, cases[0]


def test_the_case_page_says_the_files_are_not_built_yet(case_from_field, login, world):
    visit, case = case_from_field
    att = declare(visit, jpeg_bytes(), service=case.service)
    page = login(world.users["operator"]).get(f"/staff/journal/{case.pk}/").content.decode()
    assert "Опис вхідного пакета документів ще не сформовано" in page
    assert "отримано 0 з 1" in page
    assert f"/staff/journal/{case.pk}/inventory.pdf" not in page
    response = login(world.users["operator"]).get(f"/staff/journal/{case.pk}/photos.pdf")
    assert response.status_code == 404 and "ще не готові" in response.content.decode()
    assert att.pk


def test_the_case_page_links_the_built_files_and_each_download_is_logged(case_from_field, login, world):
    visit, case = case_from_field
    att = declare(visit, jpeg_bytes(), service=case.service)
    upload_all(att, jpeg_bytes())
    documents.build_case_files(case.pk)
    client = login(world.users["operator"])
    page = client.get(f"/staff/journal/{case.pk}/").content.decode()
    assert f"/staff/journal/{case.pk}/inventory.pdf" in page and f"/staff/journal/{case.pk}/photos.pdf" in page
    assert "1 арк." in page
    before = AccessLog.objects.count()
    for name, pages in (("inventory", 1), ("photos", 1)):
        response = client.get(f"/staff/journal/{case.pk}/{name}.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert len(PdfReader(io.BytesIO(body)).pages) == pages
        entry = AccessLog.objects.order_by("-id").first()
        assert (entry.object_type, entry.object_id, entry.user) == ("journal.case", str(case.pk), world.users["operator"])
        assert entry.path.endswith(f"{name}.pdf")
    assert AccessLog.objects.count() == before + 2


def test_another_communitys_case_files_are_not_found(case_from_field, world, login):
    visit, case = case_from_field
    documents.build_case_files(case.pk)
    client = login(world.b_coordinator)
    assert client.get(f"/staff/journal/{case.pk}/inventory.pdf").status_code == 404
    assert not AccessLog.objects.filter(user=world.b_coordinator).exists()


def test_a_desk_case_says_it_has_no_inventory_here(world, login, files):  # noqa: F811
    from journal import actions

    case = actions.register_cases(world.req, [world.svc_cert], by=world.users["coordinator"])[0]
    page = login(world.users["coordinator"]).get(f"/staff/journal/{case.pk}/").content.decode()
    assert "справу прийнято не через ноутбук виїзду" in page

"""Case files from the field: the intake inventory PDF, the document photos as one PDF, the act PDF."""

import datetime
import hashlib
import io

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from field import documents, tasks
from field.models import IncidentAct
from field.tests.attachment_helpers import declare, files, jpeg_bytes, make_device, upload_all, visit_with_cases  # noqa: F401
from journal.models import CaseFile


def pdf_text(body):
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.split())


def stored(case, kind):
    cf = CaseFile.objects.get(case=case, kind=kind)
    with cf.file.open("rb") as f:
        return cf, f.read()


@pytest.fixture
def visit(world, files):  # noqa: F811
    return visit_with_cases(world)


def test_the_inventory_lists_number_applicant_documents_and_sheets(visit):
    visit, cases = visit
    case = cases[0]  # the paid registration, with passport (present, 2 sheets) and receipt (not given)
    assert documents.build_case_files(case.pk) == {CaseFile.Kind.INVENTORY}
    cf, body = stored(case, CaseFile.Kind.INVENTORY)
    assert body.startswith(b"%PDF") and cf.pages == len(PdfReader(io.BytesIO(body)).pages) == 1
    assert cf.sha256 == hashlib.sha256(body).hexdigest()
    text = pdf_text(body)
    for expected in ("Опис вхідного пакета документів", case.number, "Петренко Ганна Степанівна",
                     "Реєстрація місця проживання", "Відділ реєстрації", "Паспорт", "Квитанція", "Поштою",
                     "Олена Виїзна", "Адміністратор ЦНАП", "Заявник", "(підпис)",
                     timezone.localtime(case.accepted_at).strftime("%d.%m.%Y")):
        assert expected in text, expected
    # Passport: given, 2 sheets; receipt: not given.
    assert "Паспорт так 2" in text and "Квитанція ні —" in text
    assert "Усього аркушів 2" in text


def test_a_rebuild_skips_what_did_not_change_and_replaces_what_did(visit):
    visit, cases = visit
    documents.build_case_files(cases[0].pk)
    first = CaseFile.objects.get(case=cases[0], kind=CaseFile.Kind.INVENTORY)
    # Asked again (every arriving photo asks): nothing changed, nothing is made again.
    assert documents.build_case_files(cases[0].pk) == set()
    assert CaseFile.objects.get(pk=first.pk).sha256 == first.sha256
    accepted = cases[0].accepted_service
    accepted.documents = [dict(d, sheets=5) if d.get("present") else d for d in accepted.documents]
    accepted.save(update_fields=["documents"])
    assert documents.build_case_files(cases[0].pk) == {CaseFile.Kind.INVENTORY}
    assert CaseFile.objects.filter(case=cases[0], kind=CaseFile.Kind.INVENTORY).count() == 1
    again = CaseFile.objects.get(case=cases[0], kind=CaseFile.Kind.INVENTORY)
    assert again.sha256 != first.sha256 and "Усього аркушів 5" in pdf_text(stored(cases[0], again.kind)[1])


def test_a_case_from_the_desk_has_no_field_files(world, files):  # noqa: F811
    from journal import actions

    case = actions.register_cases(world.req, [world.svc_cert], by=world.users["coordinator"])[0]
    assert documents.build_case_files(case.pk) == set()
    assert documents.build_case_files(999999) == set()


def test_completed_photos_become_one_pdf_per_case_oldest_first_and_upright(visit, django_capture_on_commit_callbacks):
    visit, cases = visit
    reg, cert = cases
    device = make_device_for(visit)
    now = timezone.now()
    # Taken in this order: an untagged photo (goes to both cases), two of the registration, one of the certificate.
    later = declare(visit, jpeg_bytes((800, 600), color=(0, 0, 200)), service=reg.service, device=device,
                    taken_at=now - datetime.timedelta(minutes=1))
    # Stored sideways, with EXIF orientation 6 ("rotate 90° to view"): a portrait document.
    sideways = declare(visit, jpeg_bytes((800, 600), color=(0, 200, 0), orientation=6), service=reg.service,
                       device=device, taken_at=now - datetime.timedelta(minutes=5))
    general = declare(visit, jpeg_bytes((600, 800), color=(200, 0, 0), fmt="PNG"), content_type="image/png",
                      device=device, taken_at=now - datetime.timedelta(minutes=10))
    other = declare(visit, jpeg_bytes(), service=cert.service, device=device, taken_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        upload_all(later, jpeg_bytes((800, 600), color=(0, 0, 200)))
        upload_all(sideways, jpeg_bytes((800, 600), color=(0, 200, 0), orientation=6))
        upload_all(general, jpeg_bytes((600, 800), color=(200, 0, 0), fmt="PNG"))
        upload_all(other, jpeg_bytes())

    cf, body = stored(reg, CaseFile.Kind.PHOTOS)
    reader = PdfReader(io.BytesIO(body))
    assert cf.pages == len(reader.pages) == 3
    # Oldest first: general (red), sideways (green), later (blue).
    colors = [_page_color(page) for page in reader.pages]
    assert [_dominant(c) for c in colors] == ["red", "green", "blue"]
    # EXIF orientation respected: the sideways landscape photo is printed on a portrait page.
    green = reader.pages[1]
    assert float(green.mediabox.height) > float(green.mediabox.width)
    # A4 at 150 dpi: 595 × 842 points, give or take a rounding.
    assert abs(float(green.mediabox.width) - 595) < 2 and abs(float(green.mediabox.height) - 842) < 2
    # The certificate's case: its own photo and the untagged one.
    cf_cert, _body = stored(cert, CaseFile.Kind.PHOTOS)
    assert cf_cert.pages == 2
    # Reasonable size: well under the originals' weight per page at this resolution.
    assert len(body) < 3 * 400 * 1024


def make_device_for(visit):
    class W:
        users = {"field_admin": visit.recorded_by}
    return make_device(W)


def _page_color(page):
    image = next(iter(page.images)).image.convert("RGB")
    w, h = image.size
    return image.getpixel((w // 2, h // 2))


def _dominant(rgb):
    return ["red", "green", "blue"][max(range(3), key=lambda i: rgb[i])]


def test_a_broken_stored_photo_is_left_out_not_fatal(visit, django_capture_on_commit_callbacks):
    visit, cases = visit
    device = make_device_for(visit)
    good = declare(visit, jpeg_bytes(), service=cases[0].service, device=device)
    upload_all(good, jpeg_bytes())
    bad = declare(visit, jpeg_bytes(color=(1, 2, 3)), service=cases[0].service, device=device)
    upload_all(bad, jpeg_bytes(color=(1, 2, 3)))
    bad.refresh_from_db()
    with bad.file.open("wb") as f:
        f.write(b"garbage")
    documents.build_case_files(cases[0].pk)
    assert CaseFile.objects.get(case=cases[0], kind=CaseFile.Kind.PHOTOS).pages == 1


def test_the_incident_act_pdf(visit):
    visit, cases = visit
    act = IncidentAct.objects.create(
        visit=visit, kind=IncidentAct.Kind.CAPACITY_DOUBT, description="Людина не впізнала родичів і не розуміла, "
        "яку заяву підписує.", witness_name="Іваненко Петро", witness_role="сусід", happened_at=timezone.now(),
        drawn_up_by=visit.recorded_by)
    body = documents.incident_act_pdf(act)
    text = pdf_text(body)
    for expected in ("Акт", "Сумнів щодо дієздатності", "Петренко Ганна Степанівна", "не впізнала родичів",
                     "Іваненко Петро", "сусід", "Олена Виїзна", "Громада А", visit.request.street,
                     timezone.localtime(act.happened_at).strftime("%d.%m.%Y %H:%M"), "(підпис)"):
        assert expected in text, expected


def test_schedule_case_files_runs_after_commit(visit, django_capture_on_commit_callbacks):
    visit, cases = visit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.schedule_case_files([cases[0].pk, cases[0].pk, cases[1].pk])
    assert len(callbacks) == 2 and not CaseFile.objects.exists()
    for callback in callbacks:
        callback()
    assert CaseFile.objects.filter(kind=CaseFile.Kind.INVENTORY).count() == 2


def test_photos_pdf_module_uses_a4(visit):
    assert documents.A4_PX == (round(210 / 25.4 * documents.DPI), round(297 / 25.4 * documents.DPI))
    assert Image.new("RGB", documents.A4_PX).size == documents.A4_PX


def test_a_photo_arriving_while_the_pdf_is_made_is_not_lost_from_it(visit, monkeypatch):
    visit, cases = visit
    reg = cases[0]
    device = make_device_for(visit)
    first = declare(visit, jpeg_bytes(color=(200, 0, 0)), service=reg.service, device=device)
    upload_all(first, jpeg_bytes(color=(200, 0, 0)))
    second = declare(visit, jpeg_bytes(color=(0, 0, 200)), service=reg.service, device=device)
    made = []
    real = documents.photos_pdf

    def slow_photos_pdf(case, photos):
        made.append(len(photos))
        if len(made) == 1:
            # The second photo completes while the first PDF is being made.
            upload_all(second, jpeg_bytes(color=(0, 0, 200)))
        return real(case, photos)

    monkeypatch.setattr(documents, "photos_pdf", slow_photos_pdf)
    assert documents.build_case_files(reg.pk) == {CaseFile.Kind.INVENTORY, CaseFile.Kind.PHOTOS}
    # The first PDF (one photo) was not stored over the newer state; the second has both.
    assert made == [1, 2]
    cf, body = stored(reg, CaseFile.Kind.PHOTOS)
    assert cf.pages == len(PdfReader(io.BytesIO(body)).pages) == 2


def test_the_inventory_carries_the_persons_consent_line_to_sign(visit):
    visit, cases = visit
    documents.build_case_files(cases[0].pk)
    text = pdf_text(stored(cases[0], CaseFile.Kind.INVENTORY)[1])
    assert "даю згоду на обробку моїх персональних даних, зокрема даних про здоров'я" in text
    assert "Згода на обробку персональних даних" in text

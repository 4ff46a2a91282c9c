"""Issue 11 ("Money that reconciles"): the payer's РНОКПП is collected on the request where a payment needs it,
validated (stdnum.ua.rntrc), shown in full only in the edit form, and a provider whose Treasury account needs
it gets a payment QR whose purpose carries it."""

import base64
import re

import pytest

from conftest import intake_post_data
from field.tests.factories import published_trip, scheduled_request
from field.tests.syncing import day
from payments import budget, nbu_qr
from visits.models import VisitRequest

pytestmark = pytest.mark.usefixtures("no_case_files")

CODE = "1759013776"  # valid check digit


def _fields(link):
    encoded = link[len(nbu_qr.LINK_PREFIX):]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("cp1251").split("\n")


def _version(page):
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', page).group(1)


def test_the_payers_rnokpp_is_checked_and_a_wrong_one_is_refused_in_ukrainian(world, login):
    client = login(world.users["operator"])
    before = VisitRequest.objects.count()
    for wrong, message in (("1759013770", "помилка в одній із цифр"), ("12345", "10 цифр"), ("17590abc76", "10 цифр")):
        response = client.post("/staff/requests/new/", intake_post_data(world, applicant_tax_number=wrong))
        assert response.status_code == 200 and message in response.content.decode()
    assert VisitRequest.objects.count() == before
    response = client.post("/staff/requests/new/", intake_post_data(world, applicant_tax_number="1759 013 776"))
    assert response.status_code == 302
    assert VisitRequest.objects.get(applicant_name="Бондаренко Ганна Олексіївна").applicant_tax_number == CODE


def test_the_payers_rnokpp_is_shown_in_full_only_in_the_edit_form(world, login):
    VisitRequest.objects.filter(pk=world.req.pk).update(applicant_tax_number=CODE)
    client = login(world.users["operator"])
    detail = client.get(f"/staff/requests/{world.req.pk}/").content.decode()
    assert "••••••3776" in detail and CODE not in detail
    edit = client.get(f"/staff/requests/{world.req.pk}/edit/").content.decode()
    assert f'value="{CODE}"' in edit
    # Saving the edit form keeps it; the laptop's day never carries it as such.
    data = intake_post_data(world, applicant_name=world.req.applicant_name, applicant_tax_number=CODE,
                            version=_version(edit))
    assert client.post(f"/staff/requests/{world.req.pk}/edit/", data).status_code == 302
    world.req.refresh_from_db()
    assert world.req.applicant_tax_number == CODE
    published_trip(world, requests=[world.req])
    assert CODE not in day(login(world.users["field_admin"])).content.decode()


def _treasury_provider_needing_the_payer_code(world):
    provider = world.svc_reg.provider
    provider.iban = budget.treasury_iban("0334", "22012500", "0001")
    provider.edrpou, provider.payer_code_required = "37988155", True
    provider.save()


def _qr_of_the_paid_service(world, login, code=""):
    req = scheduled_request(world, services=[world.svc_reg], docs={world.doc_passport.pk})
    VisitRequest.objects.filter(pk=req.pk).update(applicant_tax_number=code)
    published_trip(world, requests=[req])
    answer = day(login(world.users["field_admin"])).json()
    reg = next(s for s in answer["trips"][0]["stops"][0]["services"] if s["id"] == world.svc_reg.pk)
    return reg["payment_qr"], reg["payment_qr_problem"]


def test_a_provider_that_needs_the_payers_rnokpp_gets_a_qr_whose_purpose_carries_it(world, login):
    _treasury_provider_needing_the_payer_code(world)
    qr, problem = _qr_of_the_paid_service(world, login, CODE)
    assert problem == "" and _fields(qr["link"])[11].startswith(f"*;101;{CODE};")


def test_without_the_payers_rnokpp_such_a_provider_gets_no_qr_and_the_laptop_says_why(world, login):
    _treasury_provider_needing_the_payer_code(world)
    qr, problem = _qr_of_the_paid_service(world, login)
    assert qr is None and "РНОКПП" in problem

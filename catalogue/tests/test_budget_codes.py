"""Budget payment details in the catalogue (issue 11): the ККДБ of a service, and the demo providers'
valid Treasury IBANs."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from catalogue.models import Provider, Service
from core.identifiers import clean_recipient_code, clean_ua_iban
from payments import budget


@pytest.mark.django_db
def test_a_budget_classification_code_has_eight_digits(world):
    svc = world.svc_reg
    svc.budget_code = "2201250"
    with pytest.raises(ValidationError) as err:
        svc.full_clean()
    assert "budget_code" in err.value.message_dict
    svc.budget_code = "22012500"
    svc.full_clean()


@pytest.mark.django_db
def test_demo_providers_of_paid_services_carry_valid_treasury_ibans_and_budget_codes():
    call_command("load_demo", quiet=True)
    paid = Service.objects.filter(is_paid=True).select_related("provider")
    assert paid.exists()
    for svc in paid:
        iban = svc.provider.iban
        assert clean_ua_iban(iban) == iban and budget.is_treasury_account(iban), svc.code
        assert clean_recipient_code(svc.provider.edrpou) == svc.provider.edrpou, svc.code
        assert len(svc.budget_code) == 8 and svc.budget_code.isdigit(), svc.code
        assert svc.budget_code in iban, svc.code
    assert Provider.objects.exclude(iban="").exists()

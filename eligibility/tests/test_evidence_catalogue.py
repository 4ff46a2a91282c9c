"""Part 2 of issue 11: which documents prove a category, as a catalogue valid from/to a date."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from eligibility import rules
from eligibility.models import EligibilityCategory, EvidenceDocument

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


def test_the_catalogue_names_the_expert_team_decision_and_old_msek_certificates_for_group_i(world):
    names = rules.evidence_documents(EligibilityCategory.DISABILITY_1, DAY)
    assert any("експертної команди з оцінювання повсякденного функціонування" in n for n in names)
    assert any("МСЕК" in n for n in names)
    assert any("ЛКК" in n for n in rules.evidence_documents(EligibilityCategory.LKK, DAY))


def test_a_document_is_named_only_while_it_is_valid():
    EvidenceDocument.objects.create(category_kind="hospital", name="Стара довідка",
                                    valid_to=date(2026, 11, 22))
    EvidenceDocument.objects.create(category_kind="hospital", name="Нова довідка",
                                    valid_from=date(2026, 11, 24))
    EvidenceDocument.objects.create(category_kind="hospital", name="Виписка з лікарні",
                                    valid_from=date(2026, 11, 23), valid_to=date(2026, 11, 23))
    names = rules.evidence_documents("hospital", DAY)
    assert "Виписка з лікарні" in names
    assert "Стара довідка" not in names and "Нова довідка" not in names
    assert "Нова довідка" in rules.evidence_documents("hospital", date(2026, 11, 24))


def test_a_document_cannot_stop_being_valid_before_it_starts():
    doc = EvidenceDocument(category_kind="lkk", name="Х", valid_from=date(2026, 1, 2),
                           valid_to=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        doc.full_clean()


def test_the_verdict_names_the_documents_valid_today_for_the_chosen_category(world):
    cats = list(EligibilityCategory.objects.filter(community=world.a))
    cat = world.cat["disability_1"]
    verdict = rules.evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, claimed=cat,
                             today=DAY)
    assert verdict.status == rules.NEEDS_EVIDENCE
    assert verdict.missing_evidence == rules.evidence_documents("disability_1", DAY)


def test_a_category_without_catalogue_documents_names_its_own_evidence_text(world):
    EvidenceDocument.objects.filter(category_kind="immobile").delete()
    cats = list(EligibilityCategory.objects.filter(community=world.a))
    cat = world.cat["immobile"]
    verdict = rules.evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, claimed=cat,
                             today=DAY)
    assert verdict.missing_evidence == [cat.evidence]


def test_the_public_form_names_the_documents_valid_today_next_to_each_category(world, client):
    import datetime as dt

    import time_machine
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), tick=False):
        html = client.get(f"/{world.a.slug}/request/").content.decode()
    assert "експертної команди з оцінювання повсякденного функціонування особи" in html

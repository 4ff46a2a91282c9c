from datetime import date

import pytest
from django.core.exceptions import ValidationError

from eligibility import rules
from eligibility.models import EligibilityCategory
from eligibility.rules import age_on, evaluate

TODAY = date(2026, 11, 23)


@pytest.fixture
def cats(world):
    return list(EligibilityCategory.objects.filter(community=world.a))


def by_kind(cats, kind):
    return next(c for c in cats if c.kind == kind)


def test_age_counts_full_years_and_leap_birthdays():
    assert age_on(date(1946, 11, 23), TODAY) == 80
    assert age_on(date(1946, 11, 24), TODAY) == 79
    assert age_on(date(1944, 2, 29), date(2024, 2, 28)) == 79
    assert age_on(date(1944, 2, 29), date(2024, 2, 29)) == 80
    assert age_on(date(1944, 2, 29), date(2025, 3, 1)) == 81


def test_person_of_eighty_is_eligible_by_age_without_evidence(cats, world):
    verdict = evaluate(cats, birth_date=date(1946, 11, 23), settlement=world.city, today=TODAY)
    assert verdict.status == rules.ELIGIBLE
    assert verdict.category.kind == EligibilityCategory.AGE
    assert "80" in verdict.reason


def test_person_of_seventy_nine_is_not_eligible_by_age(cats, world):
    verdict = evaluate(cats, birth_date=date(1946, 11, 24), settlement=world.city,
                       claimed=by_kind(cats, "age"), today=TODAY)
    assert verdict.status == rules.NOT_ELIGIBLE
    assert "79" in verdict.reason


def test_age_threshold_is_configurable(cats, world):
    age = by_kind(cats, "age")
    age.age_threshold = 75
    verdict = evaluate(cats, birth_date=date(1950, 1, 1), settlement=world.city, today=TODAY)
    assert verdict.status == rules.ELIGIBLE


def test_switched_off_category_does_not_count(cats, world):
    by_kind(cats, "age").is_active = False
    verdict = evaluate(cats, birth_date=date(1930, 1, 1), settlement=world.city, today=TODAY)
    assert verdict.status == rules.NOT_ELIGIBLE


def test_remote_settlement_makes_anyone_eligible(cats, world):
    verdict = evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.village, today=TODAY)
    assert verdict.status == rules.ELIGIBLE
    assert verdict.category.kind == EligibilityCategory.REMOTE


def test_disability_without_evidence_needs_evidence_and_names_it(cats, world):
    cat = by_kind(cats, "disability_1")
    verdict = evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, claimed=cat,
                       evidence_available=False, today=TODAY)
    assert verdict.status == rules.NEEDS_EVIDENCE
    assert verdict.missing_evidence == rules.evidence_documents("disability_1", TODAY)
    assert any("МСЕК" in name for name in verdict.missing_evidence)


def test_disability_with_evidence_is_eligible(cats, world):
    cat = by_kind(cats, "lkk")
    verdict = evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, claimed=cat,
                       evidence_available=True, today=TODAY)
    assert verdict.status == rules.ELIGIBLE
    assert verdict.category == cat


def test_nobody_claimed_is_not_eligible(cats, world):
    verdict = evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, today=TODAY)
    assert verdict.status == rules.NOT_ELIGIBLE


def test_category_of_another_community_is_ignored(cats, world):
    foreign = world.b_cat["disability_1"]
    verdict = evaluate(cats, birth_date=date(1990, 1, 1), settlement=world.city, claimed=foreign,
                       evidence_available=True, today=TODAY)
    assert verdict.status == rules.NOT_ELIGIBLE


def test_every_community_gets_both_mandatory_categories(world):
    for community in (world.a, world.b):
        kinds = set(EligibilityCategory.objects.filter(community=community).values_list("kind", flat=True))
        assert {"disability_1", "lkk"} <= kinds


def test_mandatory_category_cannot_be_deleted_or_switched_off(world):
    cat = world.cat["disability_1"]
    with pytest.raises(ValidationError):
        cat.delete()
    cat.is_active = False
    with pytest.raises(ValidationError):
        cat.clean()
    cat.save()
    cat.refresh_from_db()
    assert cat.is_active


def test_optional_category_can_be_deleted(world):
    world.cat["hospital"].delete()
    assert not EligibilityCategory.objects.filter(community=world.a, kind="hospital").exists()


def test_ensure_mandatory_categories_is_idempotent(world):
    before = EligibilityCategory.objects.count()
    assert rules.ensure_mandatory_categories(world.a) == []
    assert EligibilityCategory.objects.count() == before


def test_admin_bulk_delete_keeps_mandatory_categories(world, client):
    from django.contrib.admin.sites import site

    from eligibility.admin import EligibilityCategoryAdmin
    from visits.models import VisitRequest

    VisitRequest.objects.all().delete()  # a category in use is protected anyway
    admin = EligibilityCategoryAdmin(EligibilityCategory, site)
    admin.delete_queryset(None, EligibilityCategory.objects.filter(community=world.a))
    kinds = set(EligibilityCategory.objects.filter(community=world.a).values_list("kind", flat=True))
    assert kinds == {"disability_1", "lkk"}

"""Part 1 of issue 11: the law makes two categories mandatory; the others exist only by a council decision."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from communities.models import Community
from eligibility import rules
from eligibility.models import EligibilityCategory

pytestmark = pytest.mark.django_db


def test_a_new_community_starts_with_only_the_two_mandatory_categories():
    community = Community.objects.create(name="Нова громада", slug="nova")
    rules.ensure_mandatory_categories(community)
    cats = list(EligibilityCategory.objects.filter(community=community))
    assert sorted(c.kind for c in cats) == ["disability_1", "lkk"]
    lkk = next(c for c in cats if c.kind == "lkk")
    # The full wording of the law, not a shorthand: both conditions matter.
    assert "лікарсько-консультативної комісії" in lkk.name
    assert "не здатна до самообслуговування" in lkk.name
    assert "постійної сторонньої допомоги" in lkk.name


def test_an_optional_category_cannot_be_switched_on_without_the_council_decision(world):
    cat = EligibilityCategory(community=world.b, kind="hospital", name="У лікарні", is_active=True)
    with pytest.raises(ValidationError) as exc:
        cat.full_clean()
    assert "decision_number" in exc.value.message_dict
    assert "decision_date" in exc.value.message_dict
    cat.is_active = False
    cat.full_clean()  # switched off, it may wait for the decision
    cat.is_active = True
    cat.decision_number = "12/3"
    cat.decision_date = date(2025, 1, 15)
    cat.full_clean()


def test_a_mandatory_category_needs_no_council_decision(world):
    world.b_cat["lkk"].full_clean()


def test_switching_on_an_optional_category_records_the_decision(world):
    cat = rules.switch_on_category(world.b, EligibilityCategory.AGE, decision_number="7/41",
                                   decision_date=date(2025, 3, 1))
    assert cat.is_active and cat.decision_number == "7/41" and cat.decision_date == date(2025, 3, 1)
    with pytest.raises(ValidationError):
        rules.switch_on_category(world.b, EligibilityCategory.HOSPITAL, decision_number="",
                                 decision_date=date(2025, 3, 1))
    assert not EligibilityCategory.objects.filter(community=world.b, kind="hospital").exists()


def test_an_optional_category_without_a_decision_says_so_to_staff(world):
    cat = world.cat["hospital"]
    cat.decision_number, cat.decision_date = "", None
    assert cat.decision_label == "рішення не вказано"
    cat.decision_number, cat.decision_date = "12/3", date(2025, 1, 15)
    assert cat.decision_label == "рішення ради № 12/3 від 15.01.2025"
    assert world.cat["lkk"].decision_label == "обов'язкова за законом"


def test_the_public_page_shows_the_council_decision_next_to_the_category(world, client):
    cat = world.cat["hospital"]
    cat.decision_number, cat.decision_date = "12/3", date(2025, 1, 15)
    cat.save()
    html = client.get(f"/{world.a.slug}/").content.decode()
    assert "рішення ради № 12/3 від 15.01.2025" in html

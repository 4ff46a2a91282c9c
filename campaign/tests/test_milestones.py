"""Milestones found in the journal (issue 15): each threshold crossed on hand-built cases, each found
once with the right figures, the worker run twice or the data corrected finds nothing twice."""

import datetime

import pytest
from django.utils import timezone

from campaign import milestones
from campaign.models import Kind, Milestone
from indicators.tests.dataset import at, case, request


def _day(n):
    """n days before the frozen today (Kyiv)."""
    return timezone.localdate() - datetime.timedelta(days=n)


def _serve(world, day, *, service=None, settlement=None, category=None, req=None):
    req = req or request(world, at(day, 9), settlement=settlement, category=category)
    return case(
        world,
        service=service or world.svc_cert,
        accepted=at(day, 10),
        req=req,
        handover_due=day,
        provider_due=day + datetime.timedelta(days=10),
    )


def _keys(world):
    return set(Milestone.objects.filter(community=world.a).values_list("key", flat=True))


@pytest.mark.django_db
def test_nothing_before_the_first_service(world):
    assert milestones.detect(world.a) == []


@pytest.mark.django_db
def test_the_first_service_is_found_once_with_its_figures(world):
    first = _serve(world, _day(10))
    made = milestones.detect(world.a)
    assert [m.key for m in made] == ["services:1"]
    m = made[0]
    assert m.kind == Kind.SERVICES and m.happened_on == _day(10)
    assert m.figures["services"] == 1 and m.figures["case_id"] == first.pk
    assert m.figures["request_id"] == first.request_id
    assert m.draft.person is None and "надано 1 послугу" in m.draft.site_text
    assert "0 800 111 111" in m.draft.site_text and "Допоможи сусіду!" in m.draft.site_text
    assert milestones.detect(world.a) == []
    assert milestones.check() == 0
    assert Milestone.objects.filter(community=world.a).count() == 1


@pytest.mark.django_db
def test_five_and_twenty_services_and_their_figures(world):
    for n in range(4):
        _serve(world, _day(40 - n))
    assert "services:5" not in {m.key for m in milestones.detect(world.a)}
    _serve(world, _day(30))
    made = {m.key: m for m in milestones.detect(world.a)}
    assert set(made) == {"services:5"}
    assert made["services:5"].happened_on == _day(30) and made["services:5"].figures["services"] == 5
    assert made["services:5"].title == "Перші 5 послуг"
    for n in range(14):
        _serve(world, _day(29 - n))
    assert "services:20" not in _keys(world)
    _serve(world, _day(10))
    made = {m.key: m for m in milestones.detect(world.a)}
    assert set(made) == {"services:20"}
    assert made["services:20"].figures["services"] == 20 and made["services:20"].happened_on == _day(10)
    assert "надано 20 послуг" in made["services:20"].draft.site_text


@pytest.mark.django_db
def test_new_settlement_service_and_category(world):
    _serve(world, _day(20), settlement=world.city)
    _serve(world, _day(19), settlement=world.city)
    milestones.detect(world.a)
    assert _keys(world) == {"services:1"}
    _serve(world, _day(18), settlement=world.village)
    _serve(world, _day(17), service=world.svc_reg)
    category = next(iter(world.cat.values()))
    _serve(world, _day(16), category=category)
    made = {m.key: m for m in milestones.detect(world.a)}
    assert set(made) == {"services:5", f"settlement:{world.village.pk}", f"service:{world.svc_reg.pk}", f"category:{category.pk}"}
    village = made[f"settlement:{world.village.pk}"]
    assert village.kind == Kind.SETTLEMENT and village.happened_on == _day(18) and "Далеке" in village.title
    assert made[f"service:{world.svc_reg.pk}"].figures["service"] == world.svc_reg.name_uk
    assert made[f"category:{category.pk}"].happened_on == _day(16)


@pytest.mark.django_db
def test_quarter_half_year_and_year_of_work(world):
    first = timezone.localdate() - datetime.timedelta(days=200)
    _serve(world, first)
    keys = {m.key for m in milestones.detect(world.a)}
    assert {"work:quarter", "work:half"} <= keys and "work:year" not in keys
    quarter = Milestone.objects.get(community=world.a, key="work:quarter")
    assert quarter.happened_on == milestones.add_months(first, 3)
    assert milestones.add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)
    assert milestones.detect(world.a, timezone.now() + datetime.timedelta(days=200))[0].key == "work:year"


@pytest.mark.django_db
def test_round_numbers_of_people_served(world, monkeypatch):
    monkeypatch.setattr(milestones, "PEOPLE_COUNTS", (3, 6))
    req = _serve(world, _day(30)).request
    _serve(world, _day(29), req=req, service=world.svc_reg)  # the same person again: still one person
    _serve(world, _day(28))
    assert "people:3" not in {m.key for m in milestones.detect(world.a)}
    _serve(world, _day(27))
    made = {m.key: m for m in milestones.detect(world.a)}
    assert "people:3" in made and made["people:3"].happened_on == _day(27)
    assert made["people:3"].title == "Допомогли 3 людям"


@pytest.mark.django_db
def test_corrected_data_does_not_find_a_milestone_twice(world):
    wrong = _serve(world, _day(12))
    milestones.detect(world.a)
    # The first case was entered by mistake: removed, the right one entered with another day.
    wrong.delete()
    _serve(world, _day(11))
    assert milestones.detect(world.a) == []
    assert Milestone.objects.filter(community=world.a, key="services:1").count() == 1


@pytest.mark.django_db
def test_the_database_holds_a_key_once(world):
    from django.db import IntegrityError, transaction

    _serve(world, _day(5))
    milestones.detect(world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(community=world.a, key="services:1", kind=Kind.SERVICES, title="x", happened_on=_day(5))


@pytest.mark.django_db
def test_another_communitys_cases_are_not_counted(world):
    _serve(world, _day(5))
    assert milestones.detect(world.b) == []

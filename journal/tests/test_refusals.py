"""Issue 13: a refusal carries a coded ground from its provider's list (plus the provider's words), and
a page groups a period's refusals by service, provider and ground for the team to discuss."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue.models import Provider
from journal import actions, terms
from journal.actions import JournalError
from journal.models import Case, CaseState, RefusalReason

from .factories import make_case


@pytest.fixture
def reasons(world):
    provider = world.svc_cert.provider
    return {
        "docs": RefusalReason.objects.create(provider=provider, code="D1", title="Неповний пакет документів"),
        "right": RefusalReason.objects.create(provider=provider, code="R2", title="Немає права на послугу"),
    }


def handed_over(world, service=None):
    case = make_case(world, service=service)
    return actions.hand_over(case, by=world.users["coordinator"])


def refuse(world, case, code, reason=""):
    return actions.record_decision(case, by=world.users["coordinator"], granted=False, refusal_code=code, reason=reason)


def test_a_refusal_needs_a_ground_from_the_providers_list_when_it_has_one(world, reasons):
    case = handed_over(world)
    with pytest.raises(JournalError, match="зі списку"):
        refuse(world, case, None, reason="Просто так")
    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER
    refuse(world, case, reasons["docs"].pk)
    case.refresh_from_db()
    assert case.refusal_code == reasons["docs"]
    assert case.refusal_reason == "Неповний пакет документів"  # no own words: the ground's title
    assert case.entries.last().payload["refusal_code"] == "D1"


def test_another_providers_ground_or_a_switched_off_one_is_refused(world, reasons):
    other = RefusalReason.objects.create(provider=Provider.objects.create(name="Інший"), code="X", title="Чуже")
    case = handed_over(world)
    with pytest.raises(JournalError, match="немає"):
        refuse(world, case, other.pk)
    RefusalReason.objects.filter(pk=reasons["right"].pk).update(is_active=False)
    with pytest.raises(JournalError, match="немає"):
        refuse(world, case, reasons["right"].pk)
    with pytest.raises(JournalError, match="немає"):
        refuse(world, case, "1; DROP TABLE")
    case.refresh_from_db()
    assert case.state == CaseState.HANDED_OVER and case.refusal_code is None


def test_a_provider_without_a_list_still_takes_a_refusal_with_its_words(world):
    case = handed_over(world)
    refuse(world, case, None, reason="Подано не той документ")
    case.refresh_from_db()
    assert case.refusal_code is None and case.refusal_reason == "Подано не той документ"


def test_refusals_are_grouped_by_service_provider_and_ground_for_a_period(world, reasons):
    for code in ("docs", "docs", "right"):
        refuse(world, handed_over(world), reasons[code].pk, reason="Слова суб'єкта")
    actions.record_decision(handed_over(world), by=world.users["coordinator"], granted=True)
    old = refuse(world, handed_over(world), reasons["docs"].pk)
    Case.objects.filter(pk=old.pk).update(decided_on=timezone.localdate() - timedelta(days=400))
    today = timezone.localdate()
    rows, total = terms.refusals(Case.objects.for_user(world.users["coordinator"]), today - timedelta(days=30), today)
    assert total == 3
    assert [(r["refusal_code__code"], r["n"]) for r in rows] == [("D1", 2), ("R2", 1)]
    assert {r["service__name_uk"] for r in rows} == {world.svc_cert.name_uk}


def test_the_refusals_page_shows_the_groups_and_refuses_a_bad_period_kindly(world, login, reasons):
    refuse(world, handed_over(world), reasons["right"].pk)
    client = login(world.users["coordinator"])
    page = client.get("/staff/journal/refusals/")
    assert page.context["total"] == 1 and "R2 — Немає права на послугу" in page.content.decode()
    bad = client.get("/staff/journal/refusals/?start=31.02.2026&end=01.01.2026")
    assert bad.status_code == 200 and "день.місяць.рік" in bad.content.decode()
    backwards = client.get("/staff/journal/refusals/?start=10.03.2026&end=01.03.2026")
    assert "пізніше" in backwards.content.decode()


def test_the_decision_form_offers_the_providers_grounds(world, login, reasons):
    case = handed_over(world)
    client = login(world.users["coordinator"])
    page = client.get(f"/staff/journal/{case.pk}/").content.decode()
    assert "D1 — Неповний пакет документів" in page
    response = client.post(f"/staff/journal/{case.pk}/decision/", {"granted": "0", "refusal_code": ""}, follow=True)
    assert "Оберіть підставу відмови зі списку" in response.content.decode()
    client.post(
        f"/staff/journal/{case.pk}/decision/",
        {"granted": "0", "refusal_code": str(reasons["docs"].pk), "reason": "Немає довідки"},
    )
    case.refresh_from_db()
    assert case.refusal_code == reasons["docs"] and case.refusal_reason == "Немає довідки"

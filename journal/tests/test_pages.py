from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from journal import actions
from journal.models import Case, CaseState, Delivery

from .factories import make_case


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _numbers(client, query=""):
    return {c.number for c in client.get("/staff/journal/" + query).context["page"].object_list}


def test_the_list_shows_only_the_own_community(world, login):
    own = make_case(world)
    make_case(world, community=world.b)
    assert _numbers(login(world.users["operator"])) == {own.number}


def test_due_today_and_late_filters(world, login):
    today = timezone.localdate()
    due_today, late_handover, late_decision, on_time = (make_case(world) for _ in range(4))
    Case.objects.filter(pk=due_today.pk).update(handover_due=today, provider_due=today + timedelta(days=9))
    Case.objects.filter(pk=late_handover.pk).update(handover_due=today - timedelta(days=1))
    actions.hand_over(late_decision, by=world.users["coordinator"])
    Case.objects.filter(pk=late_decision.pk).update(provider_due=today - timedelta(days=1))
    Case.objects.filter(pk=on_time.pk).update(handover_due=today + timedelta(days=1))
    client = login(world.users["coordinator"])
    assert _numbers(client, "?when=today") == {due_today.number}
    assert _numbers(client, "?when=late") == {late_handover.number, late_decision.number}
    assert _numbers(client, "?state=handed_over") == {late_decision.number}
    assert client.get("/staff/journal/").context["late"] == 2


def test_office_filter(world, login):
    from communities.models import Office

    branch = Office.objects.create(community=world.a, name="Філія", address="с. Далеке",
                                   latitude=48.4, longitude=35.2)
    make_case(world)
    in_branch = make_case(world, office=branch)
    assert _numbers(login(world.users["operator"]), f"?office={branch.pk}") == {in_branch.number}


def test_list_query_count_does_not_grow_with_rows(world, login):
    client = login(world.users["coordinator"])
    for _ in range(3):
        make_case(world)
    few = _count_queries(client, "/staff/journal/")
    few_late = _count_queries(client, "/staff/journal/?when=late&state=accepted")
    for _ in range(20):
        make_case(world, service=world.svc_reg)
    assert _count_queries(client, "/staff/journal/") == few
    assert _count_queries(client, "/staff/journal/?when=late&state=accepted") == few_late


def test_another_communitys_case_is_404(world, login):
    other = make_case(world, community=world.b)
    client = login(world.users["coordinator"])
    assert client.get(f"/staff/journal/{other.pk}/").status_code == 404
    assert client.post(f"/staff/journal/{other.pk}/hand-over/").status_code == 404
    other.refresh_from_db()
    assert other.state == CaseState.ACCEPTED


@pytest.mark.parametrize("role", ["field_admin", "technician", "sysadmin", "starosta"])
def test_roles_without_the_journal_get_403(world, login, role):
    case = make_case(world)
    client = login(world.users[role])
    assert client.get("/staff/journal/").status_code == 403
    assert client.get(f"/staff/journal/{case.pk}/").status_code == 403


def test_a_partner_sees_the_journal_without_another_providers_case(world, login):
    # Issue 12: the partner belongs to the national provider; this case is the community's own provider's.
    case = make_case(world)
    client = login(world.users["partner"])
    response = client.get("/staff/journal/")
    assert response.status_code == 200 and case.number not in response.content.decode()
    assert client.get(f"/staff/journal/{case.pk}/").status_code == 404


def test_the_operator_reads_but_cannot_record(world, login):
    case = make_case(world)
    client = login(world.users["operator"])
    response = client.get(f"/staff/journal/{case.pk}/")
    assert response.status_code == 200 and "Передано суб" not in response.content.decode().split("<h1>")[1].split("Записи")[0]
    assert client.post(f"/staff/journal/{case.pk}/hand-over/").status_code == 403


def test_the_detail_page_is_in_the_access_log(world, login):
    case = make_case(world)
    login(world.users["operator"]).get(f"/staff/journal/{case.pk}/")
    entry = AccessLog.objects.get(object_type="journal.case")
    assert entry.object_id == str(case.pk) and entry.user == world.users["operator"]


def test_the_coordinator_records_hand_over_decision_and_result(world, login):
    case = make_case(world, preferred_delivery=Delivery.COURIER)
    client = login(world.users["coordinator"])
    url = f"/staff/journal/{case.pk}/"
    assert client.post(url + "hand-over/").status_code == 302
    response = client.post(url + "decision/", {"granted": "0", "reason": ""}, follow=True)
    assert "Вкажіть підставу відмови" in response.content.decode()
    client.post(url + "decision/", {"granted": "0", "reason": "Немає довіреності"})
    # The delivery the person chose is offered first.
    assert client.get(url).context["result_form"].initial["delivery"] == Delivery.COURIER
    client.post(url + "result/", {"delivery": Delivery.COURIER})
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_DELIVERED and case.refusal_reason == "Немає довіреності"
    page = client.get(url).content.decode()
    assert "Немає довіреності" in page and "Результат видано" in page


def test_a_step_out_of_order_shows_the_reason(world, login):
    case = make_case(world)
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/journal/{case.pk}/result/", {"delivery": "office"}, follow=True)
    assert "Результат видають після рішення" in response.content.decode()


def test_the_nav_links_the_journal_for_those_who_may_read_it(world, login):
    assert "/staff/journal/" in login(world.users["operator"]).get("/staff/requests/").content.decode()


def test_the_coordinator_enters_the_day_each_step_happened(world, login):
    case = make_case(world)
    client = login(world.users["coordinator"])
    url = f"/staff/journal/{case.pk}/"
    accepted = timezone.localtime(case.accepted_at).date()
    response = client.post(url + "hand-over/", {"on": (accepted + timedelta(days=400)).strftime("%d.%m.%Y")},
                           follow=True)
    assert "пізніше за сьогодні" in response.content.decode()
    client.post(url + "hand-over/", {"on": accepted.strftime("%d.%m.%Y")})
    case.refresh_from_db()
    assert case.handed_over_on == accepted
    response = client.post(url + "decision/", {"granted": "1", "on": "31.02.2026"}, follow=True)
    assert "день.місяць.рік" in response.content.decode()


def test_the_journal_page_records_what_a_register_needs(world, login):
    case = make_case(world)
    client = login(world.users["coordinator"])
    url = f"/staff/journal/{case.pk}/"
    client.post(url + "hand-over/", {"official": "Петренко О. І."})
    client.post(url + "extend/", {"new_due": (case.provider_due + timedelta(days=30)).strftime("%d.%m.%Y"),
                                  "reason": "Продовжено суб'єктом надання"})
    client.post(url + "note/", {"note": "Сплачено в касі", "fee_paid": "85"})
    response = client.post(url + "close/", {"state": "withdrawn", "reason": ""}, follow=True)
    assert "Вкажіть підставу" in response.content.decode()
    client.post(url + "close/", {"state": "withdrawn", "reason": "Людина відкликала заяву"})
    case.refresh_from_db()
    assert case.provider_official == "Петренко О. І." and case.fee_paid == 85
    assert case.state == CaseState.WITHDRAWN
    page = client.get(url).content.decode()
    assert "Відкликано заявником" in page and "Петренко О. І." in page and "Строк продовжено" in page
    assert [e.event for e in case.entries.all()] == ["registered", "handed_over", "term_extended", "note", "closed"]


def test_an_operator_cannot_record_register_events(world, login):
    case = make_case(world)
    client = login(world.users["operator"])
    assert client.post(f"/staff/journal/{case.pk}/note/", {"note": "x"}).status_code == 403

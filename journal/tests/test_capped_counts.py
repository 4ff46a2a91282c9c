"""Issue 17: the journal's "due today" and "late" links count up to a cap and say "понад" beyond it,
so a big city's thousands of late cases are not all read on every page. Dates derive from the frozen
"now" (conftest)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journal import views
from journal.models import Case

from .factories import make_case


def test_the_late_count_stops_at_the_cap_and_says_more(world, login, monkeypatch):
    monkeypatch.setattr(views, "TAB_COUNT_CAP", 2)
    today = timezone.localdate()
    cases = [make_case(world) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(handover_due=today - timedelta(days=1))
    response = login(world.users["coordinator"]).get("/staff/journal/")
    assert response.context["late"] == 2 and response.context["late_more"]
    assert "Прострочені</a>: <strong>понад 2</strong>" in response.content.decode()
    assert response.context["due_today"] == 0 and not response.context["due_today_more"]


def test_under_the_cap_the_count_is_exact(world, login):
    today = timezone.localdate()
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(handover_due=today, provider_due=today + timedelta(days=9))
    response = login(world.users["coordinator"]).get("/staff/journal/")
    assert response.context["due_today"] == 1 and not response.context["due_today_more"]
    assert "Строк сьогодні</a>: <strong>1</strong>" in response.content.decode()


def _counts(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.context, sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_the_late_list_counts_its_own_link_once(world, login, monkeypatch):
    today = timezone.localdate()
    late = [make_case(world) for _ in range(3)]
    make_case(world)  # not late
    Case.objects.filter(pk__in=[c.pk for c in late]).update(handover_due=today - timedelta(days=1))
    client = login(world.users["coordinator"])
    # The late list is the link's own filter: its page count gives the link's number (one count fewer).
    context, counts = _counts(client, "/staff/journal/?when=late")
    assert (context["late"], context["late_more"], context["page"].paginator.count) == (3, False, 3)
    filtered, filtered_counts = _counts(client, "/staff/journal/?when=late&state=accepted")
    assert (filtered["late"], filtered["late_more"]) == (3, False)
    assert counts == filtered_counts - 1
    monkeypatch.setattr(views, "TAB_COUNT_CAP", 2)
    response = client.get("/staff/journal/?when=late")
    assert response.context["late"] == 2 and response.context["late_more"]
    assert "Прострочені</a>: <strong>понад 2</strong>" in response.content.decode()


def test_the_late_list_pages_newest_first_and_only_open_cases(world, login, monkeypatch):
    # The list reads its page's pks first, then those cases (issue 17): the order and the pages stay the
    # journal's, and a case no longer open is never late whatever its dates.
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    today = timezone.localdate()
    now = timezone.now()
    late = [make_case(world) for _ in range(3)]
    for age, case in enumerate(late):
        Case.objects.filter(pk=case.pk).update(handover_due=today - timedelta(days=1),
                                               accepted_at=now - timedelta(hours=age + 1))
    handed = make_case(world)
    Case.objects.filter(pk=handed.pk).update(state="handed_over", handover_due=today - timedelta(days=5),
                                             provider_due=today + timedelta(days=5))
    suspended = make_case(world)
    Case.objects.filter(pk=suspended.pk).update(state="suspended", provider_due=today - timedelta(days=5))
    client = login(world.users["coordinator"])
    first = client.get("/staff/journal/?when=late").context["page"]
    second = client.get("/staff/journal/?when=late&page=2").context["page"]
    assert [c.pk for c in first.object_list] == [late[0].pk, late[1].pk]
    assert [c.pk for c in second.object_list] == [late[2].pk]
    assert first.paginator.count == 3 and all(c.late for c in first.object_list)
    # The related rows come in the same query as the cases (no query per row on the page).
    assert first.object_list[0].office.name and first.object_list[0].service.provider_id

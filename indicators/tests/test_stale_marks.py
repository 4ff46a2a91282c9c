"""The weekly roll-up's writing side (indicators/stale.py, core/changes.py): every ORM write to a row the
figures count marks the weeks of its old and new dates stale, and a rename drops the stored partials.

Dates are taken from the frozen today (conftest.py): the weeks six and four weeks back, so the marks are
closed weeks whatever the day the suite runs."""

import datetime

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from field.models import AcceptedService, Visit
from indicators.models import StaleWeek, WeekPartial
from journal.models import Case
from visits.models import VisitRequest

from .dataset import at, case, period, request, team, visit

WEEK = datetime.timedelta(days=7)


@pytest.fixture
def weeks():
    """Three Mondays, a fortnight apart: the weeks the tests move rows between."""
    first = period(weeks_back=6)[0]
    return first, first + 2 * WEEK, first + 4 * WEEK


@pytest.fixture(autouse=True)
def _no_marks_before(world):
    # The shared world's requests asked for services when it was built: their marks are not the test's.
    StaleWeek.objects.all().delete()


def marks():
    return set(StaleWeek.objects.values_list("community_id", "monday"))


def clear():
    StaleWeek.objects.all().delete()


def a_case(world, monday, **fields):
    """A case accepted on `monday`, all its dates in that week; no marks left behind."""
    fields = {"accepted": at(monday, 10), "handover_due": monday + datetime.timedelta(days=1),
              "provider_due": monday + datetime.timedelta(days=4)} | fields
    c = case(world, service=world.svc_cert, **fields)
    clear()
    return Case.objects.get(pk=c.pk)


# Cases -----------------------------------------------------------------------------------------------

def test_a_new_case_marks_the_weeks_of_its_dates_in_kyiv_time(world, weeks):
    first, second, third = weeks
    # 00:30 in Kyiv on a Monday is still Sunday in UTC: the Kyiv day's week is marked, not the one before.
    case(world, service=world.svc_cert, accepted=at(second, 0, 30), handover_due=second,
         provider_due=third + datetime.timedelta(days=6), decided_on=first + datetime.timedelta(days=2))
    assert marks() == {(world.a.pk, first), (world.a.pk, second), (world.a.pk, third)}


def test_a_decision_moved_to_another_week_marks_both_mondays(world, weeks):
    first, second, _ = weeks
    c = a_case(world, first, decided_on=first + datetime.timedelta(days=3))
    c.decided_on = second + datetime.timedelta(days=2)
    c.save()
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_a_save_with_update_fields_marks_only_what_it_writes(world, weeks):
    first, second, _ = weeks
    c = a_case(world, first)
    c.decided_on = second
    c.save(update_fields=["escalated_at"])  # decided_on is not written: nothing the figures count changed
    assert marks() == set()
    c.save(update_fields=["decided_on"])
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_a_save_that_changes_nothing_tracked_marks_nothing_and_costs_no_query(world, weeks,
                                                                            django_assert_num_queries):
    c = a_case(world, weeks[0])
    c.escalated_at, c.provider_reminded_to = timezone.now(), "provider@example.org"
    with django_assert_num_queries(1):  # the UPDATE alone
        c.save(update_fields=["escalated_at", "provider_reminded_to"])
    with django_assert_num_queries(1):
        c.save()  # every field written, none tracked changed
    assert marks() == set()


def test_a_case_built_with_its_pk_reads_its_row_once_before_saving(world, weeks, django_assert_num_queries):
    first, second, _ = weeks
    c = a_case(world, first)
    detached = Case(**{f.attname: getattr(c, f.attname) for f in Case._meta.concrete_fields})
    detached.provider_due = second
    with django_assert_num_queries(3):  # the row's tracked fields, the UPDATE, the marks
        detached.save()
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_a_case_loaded_with_deferred_fields_still_marks_both_weeks(world, weeks, django_assert_num_queries):
    first, second, _ = weeks
    c = Case.objects.only("id", "decided_on", "escalated_at").get(pk=a_case(world, first).pk)
    c.escalated_at = timezone.now()
    with django_assert_num_queries(1):  # a tracked field loaded and unchanged: no query to know it
        c.save()
    c.decided_on = second
    c.save(update_fields=["decided_on"])  # the row's other tracked values are read once
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_update_of_a_tracked_field_marks_old_and_new_weeks(world, weeks):
    first, second, third = weeks
    c = a_case(world, first)
    Case.objects.filter(pk=c.pk).update(decided_on=second)
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}
    clear()
    # An expression: the new value is read back after the update.
    Case.objects.filter(pk=c.pk).update(provider_due=F("provider_due") + (third - first))
    assert marks() == {(world.a.pk, first), (world.a.pk, second), (world.a.pk, third)}


def test_update_of_other_fields_marks_nothing_and_costs_no_query(world, weeks, django_assert_num_queries):
    c = a_case(world, weeks[0])
    with django_assert_num_queries(1):
        Case.objects.filter(pk=c.pk).update(escalated_at=timezone.now(), provider_reminded_to="x@example.org")
    assert marks() == set()


def test_an_update_that_changes_no_row_marks_nothing(world, weeks):
    c = a_case(world, weeks[0])
    Case.objects.filter(pk=c.pk).update(decided_on=None)  # it was None already
    Case.objects.filter(pk=-1).update(decided_on=weeks[1])
    assert marks() == set()


def test_bulk_update_marks_old_and_new_weeks(world, weeks):
    first, second, third = weeks
    c1, c2 = a_case(world, first), a_case(world, second)
    c1.decided_on, c2.decided_on = third, third
    Case.objects.bulk_update([c1, c2], ["decided_on", "escalated_at"])
    assert marks() == {(world.a.pk, first), (world.a.pk, second), (world.a.pk, third)}
    clear()
    c1.save()  # the objects know what the database now holds: nothing changed
    assert marks() == set()


def test_bulk_create_marks_the_new_rows_weeks(world, weeks):
    first, second, _ = weeks
    template = a_case(world, first)
    rows = []
    for n, monday in enumerate((first, second)):
        row = Case(**{f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields
                      if f.attname != "id"})
        row.number, row.request_id = f"BULK-{n}", None
        row.accepted_at, row.handover_due, row.provider_due = at(monday, 9), monday, monday
        rows.append(row)
    Case.objects.bulk_create(rows)
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_delete_marks_the_deleted_rows_weeks(world, weeks):
    first, second, _ = weeks
    a_case(world, first).delete()
    assert marks() == {(world.a.pk, first)}
    clear()
    cases = [a_case(world, first), a_case(world, second)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).delete()
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_a_mark_is_rolled_back_with_its_change(world, weeks):
    c = a_case(world, weeks[0])
    with pytest.raises(RuntimeError), transaction.atomic():
        Case.objects.filter(pk=c.pk).update(decided_on=weeks[1])
        raise RuntimeError
    assert marks() == set()


# Visits and accepted services ---------------------------------------------------------------------------

def a_visit(world, req, monday, team_name="Перша"):
    v = visit(world, req, at(monday + datetime.timedelta(days=1), 10), ((10, 0), (11, 0)), team_name)
    clear()
    return Visit.objects.get(pk=v.pk)


def test_a_second_visit_of_a_request_marks_the_first_visits_week_too(world, weeks):
    first, second, _ = weeks
    req = request(world, at(first))
    a_visit(world, req, first)
    visit(world, req, at(second + datetime.timedelta(days=2), 9), ((9, 0), (10, 0)), "Друга")
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


def test_a_visit_moved_to_another_day_marks_both_weeks(world, weeks):
    first, _, third = weeks
    v = a_visit(world, request(world, at(first)), first)
    v.started_at = at(third, 12)
    v.save(update_fields=["started_at"])
    assert marks() == {(world.a.pk, first), (world.a.pk, third)}


def test_a_visits_note_marks_nothing_and_costs_no_query(world, weeks, django_assert_num_queries):
    v = a_visit(world, request(world, at(weeks[0])), weeks[0])
    v.outcome_note = "Двері відчинила сусідка"
    with django_assert_num_queries(1):
        v.save(update_fields=["outcome_note"])
    assert marks() == set()


def test_an_accepted_service_marks_its_visits_week(world, weeks):
    first, second, _ = weeks
    v1 = a_visit(world, request(world, at(first)), first)
    v2 = a_visit(world, request(world, at(second)), second, "Друга")
    accepted = AcceptedService.objects.create(visit=v1, service=world.svc_cert)
    assert marks() == {(world.a.pk, first)}
    clear()
    AcceptedService.objects.filter(pk=accepted.pk).update(visit=v2)  # old and new visits
    assert marks() == {(world.a.pk, first), (world.a.pk, second)}


# Requests ----------------------------------------------------------------------------------------------

def test_a_requests_settlement_marks_its_visits_and_cases_weeks(world, weeks):
    first, second, third = weeks
    req = request(world, at(first))
    a_visit(world, req, first)
    a_case(world, third, req=req)
    req = VisitRequest.objects.get(pk=req.pk)
    req.settlement = world.village
    req.save(update_fields=["settlement"])
    assert marks() == {(world.a.pk, first), (world.a.pk, third)}
    req.refresh_from_db()
    assert req.address_key.startswith(f"{world.village.pk}")  # its own save() still keeps the keys


def test_a_requests_category_by_update_marks_its_weeks(world, weeks):
    first = weeks[0]
    req = request(world, at(first))
    a_visit(world, req, first)
    VisitRequest.objects.filter(pk=req.pk).update(category=world.cat["lkk"])
    assert marks() == {(world.a.pk, first)}


def test_a_requests_phone_marks_nothing_and_costs_no_query(world, weeks, django_assert_num_queries):
    req = request(world, at(weeks[0]))
    a_visit(world, req, weeks[0])
    req = VisitRequest.objects.get(pk=req.pk)
    req.applicant_phone = "+380501234567"
    with django_assert_num_queries(1):
        req.save(update_fields=["applicant_phone"])
    assert marks() == set()


def test_a_service_added_to_or_dropped_from_a_request_marks_the_week_it_came(world, weeks):
    from visits.models import RequestedService

    first, second = weeks[0], weeks[1]
    req = request(world, at(first))
    clear()
    asked = RequestedService.objects.create(request=req, service=world.svc_cert)
    assert marks() == {(world.a.pk, first)}
    clear()
    RequestedService.objects.filter(pk=asked.pk).update(done_at=at(second))  # not counted: no mark
    assert marks() == set()
    RequestedService.objects.filter(pk=asked.pk).delete()
    assert marks() == {(world.a.pk, first)}


# Renames -----------------------------------------------------------------------------------------------

@pytest.fixture
def partials(world, weeks):
    for community in (world.a, world.b):
        WeekPartial.objects.create(community=community, monday=weeks[0], data={}, computed_at=timezone.now())

    def left():
        return set(WeekPartial.objects.values_list("community_id", flat=True))

    return left


def test_a_settlement_renamed_drops_its_communitys_partials(world, partials):
    world.city.is_remote = True
    world.city.save()  # not a rename
    assert partials() == {world.a.pk, world.b.pk}
    world.city.name = "Нове місто"
    world.city.save()
    assert partials() == {world.b.pk}


def test_a_team_renamed_drops_its_communitys_partials(world, partials):
    t = team(world, "Перша")
    assert partials() == {world.a.pk, world.b.pk}  # a new team is in no partial
    t.name = "Північна"
    t.save(update_fields=["name"])
    assert partials() == {world.b.pk}


def test_a_national_service_or_provider_renamed_drops_every_communitys_partials(world, partials):
    world.svc_bio.name_uk = "Паспорт громадянина України (ID-картка)"
    world.svc_bio.save()
    assert partials() == set()


def test_a_category_renamed_drops_its_communitys_partials(world, partials):
    category = world.cat["lkk"]
    category.name = "Особи з інвалідністю (ЛКК)"
    category.save()
    assert partials() == {world.b.pk}

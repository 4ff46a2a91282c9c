import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from communities.models import Office
from journal import actions, chain
from journal.actions import JournalError
from journal.models import Case, CaseState, Delivery, JournalEntry

from .factories import kyiv, make_case


@pytest.fixture(autouse=True)
def _martial_law_in_force(settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = None


def test_numbers_follow_the_office_sequence_and_restart_each_year(world):
    first = make_case(world, accepted_at=kyiv(2025, 12, 30, 10))
    second = make_case(world, accepted_at=kyiv(2025, 12, 31, 23, 30))
    # 31.12 22:30 UTC is already New Year in Kyiv: the Kyiv year counts.
    new_year = make_case(world, accepted_at=kyiv(2026, 1, 1, 0, 30))
    office = first.office
    assert [first.number, second.number, new_year.number] == [
        f"{office.pk}-2025-000001", f"{office.pk}-2025-000002", f"{office.pk}-2026-000001"]


def test_each_office_has_its_own_sequence(world):
    other = Office.objects.create(community=world.a, name="Філія", address="с. Далеке",
                                  latitude=48.4, longitude=35.2)
    at = kyiv(2026, 3, 2, 10)
    main_case = make_case(world, accepted_at=at)
    branch_case = make_case(world, accepted_at=at, office=other)
    assert main_case.number.endswith("-2026-000001")
    assert branch_case.number == f"{other.pk}-2026-000001"


def test_an_office_of_another_community_is_refused(world):
    with pytest.raises(JournalError):
        make_case(world, office=world.b.offices.get())


def test_registration_is_idempotent_per_request_and_service(world):
    case = make_case(world, service=world.svc_cert)
    entries = JournalEntry.objects.count()
    again = actions.register_cases(case.request, [world.svc_cert], by=world.users["field_admin"])
    assert [c.pk for c in again] == [case.pk]
    assert JournalEntry.objects.count() == entries
    # A new service on the same visit is a new case; the old one is returned beside it.
    both = actions.register_cases(case.request, [world.svc_cert, world.svc_reg], by=world.users["field_admin"])
    assert both[0].pk == case.pk and both[1].service == world.svc_reg
    assert Case.objects.filter(request=case.request).count() == 2


def test_server_time_is_recorded_beside_the_device_time(world):
    device = kyiv(2026, 3, 2, 7, 0)
    case = make_case(world, accepted_at=kyiv(2026, 3, 2, 10, 0), device_accepted_at=device,
                     provisional_numbers=["T-17"])
    case.refresh_from_db()
    assert case.device_accepted_at == device and case.accepted_at == kyiv(2026, 3, 2, 10, 0)
    assert case.provisional_number == "T-17"
    assert case.applicant_name == case.request.applicant_name


def test_a_provisional_number_is_unique_in_the_community(world):
    make_case(world, provisional_numbers=["T-1"])
    with pytest.raises(JournalError, match="T-1"):
        make_case(world, provisional_numbers={world.svc_cert.pk: "T-1"})
    # Another community's device may use the same provisional number.
    make_case(world, community=world.b, provisional_numbers=["T-1"])


# -- deadlines -------------------------------------------------------------------------------

def test_friday_acceptance_is_handed_over_by_monday(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 15))  # Friday
    assert case.handover_due == date(2026, 3, 9)


def test_a_holiday_under_martial_law_is_a_working_day(world, settings):
    # Christmas, Thursday 25.12.2025: a working day while martial law is in force.
    case = make_case(world, accepted_at=kyiv(2025, 12, 24, 12))
    assert case.handover_due == date(2025, 12, 25)


def test_a_holiday_outside_martial_law_is_a_day_off(world, settings):
    settings.VALIZA_MARTIAL_LAW_UNTIL = date.min
    case = make_case(world, accepted_at=kyiv(2025, 12, 24, 12))
    assert case.handover_due == date(2025, 12, 26)


def test_a_calendar_day_term_ending_on_sunday_ends_on_monday(world):
    world.svc_cert.term_days, world.svc_cert.term_kind = 6, "calendar"
    world.svc_cert.save()
    case = make_case(world, accepted_at=kyiv(2026, 2, 2, 10))  # Monday; +6 days = Sunday 08.02
    assert case.provider_due == date(2026, 2, 9)


def test_a_working_day_term_counts_from_acceptance_not_hand_over(world):
    world.svc_cert.term_days, world.svc_cert.term_kind = 5, "working"
    world.svc_cert.save()
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 10))  # Friday
    actions.hand_over(case, by=world.users["coordinator"], at=kyiv(2026, 3, 10, 9))
    case.refresh_from_db()
    assert case.provider_due == date(2026, 3, 13)  # 5 working days after Friday 06.03


# -- transitions -----------------------------------------------------------------------------

def test_a_case_goes_through_its_states_with_an_entry_for_each(world):
    coordinator = world.users["coordinator"]
    case = make_case(world, preferred_delivery=Delivery.POST)
    actions.hand_over(case, by=coordinator)
    assert case.state == CaseState.HANDED_OVER and case.handed_over_by == coordinator
    actions.record_decision(case, by=coordinator, granted=True)
    assert case.state == CaseState.DECIDED and case.granted is True
    actions.record_result(case, by=coordinator, delivery=Delivery.POST)
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_DELIVERED and case.result_delivery == "post"
    assert list(case.entries.values_list("event", flat=True)) == [
        "registered", "handed_over", "decided", "result_delivered"]


def test_a_refusal_needs_and_keeps_its_reason(world):
    coordinator = world.users["coordinator"]
    case = actions.hand_over(make_case(world), by=coordinator)
    with pytest.raises(JournalError, match="підставу"):
        actions.record_decision(case, by=coordinator, granted=False, reason="  ")
    actions.record_decision(case, by=coordinator, granted=False, reason="Неповний пакет документів")
    case.refresh_from_db()
    assert case.is_refused and case.refusal_reason == "Неповний пакет документів"
    assert case.entries.last().payload["reason"] == "Неповний пакет документів"


@pytest.mark.parametrize("step", ["decide", "result", "hand_over_twice"])
def test_steps_out_of_order_are_refused_in_ukrainian(world, step):
    coordinator = world.users["coordinator"]
    case = make_case(world)
    with pytest.raises(JournalError, match="справа"):
        if step == "decide":
            actions.record_decision(case, by=coordinator, granted=True)
        elif step == "result":
            actions.record_result(case, by=coordinator, delivery=Delivery.OFFICE)
        else:
            actions.hand_over(case, by=coordinator)
            actions.hand_over(case, by=coordinator)
    assert case.entries.count() == (2 if step == "hand_over_twice" else 1)


def test_an_unknown_delivery_is_refused(world):
    coordinator = world.users["coordinator"]
    case = actions.record_decision(actions.hand_over(make_case(world), by=coordinator), by=coordinator,
                                   granted=True)
    with pytest.raises(JournalError):
        actions.record_result(case, by=coordinator, delivery="pigeon")


# -- concurrency (PostgreSQL) ----------------------------------------------------------------

def _in_threads(n, work):
    errors, barrier = [], threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number_or_fork_the_chain(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")
    from conftest import make_request

    n = 8
    requests = [make_request(world, applicant_name=f"Паралельна {i}", applicant_phone=f"+38063{3000000 + i}",
                             street=f"Паралельна {i}") for i in range(n)]
    at = kyiv(2026, 3, 2, 10)
    _in_threads(n, lambda i: actions.register_cases(requests[i], [world.svc_cert],
                                                    by=world.users["field_admin"], accepted_at=at))
    numbers = sorted(Case.objects.values_list("number", flat=True))
    office = world.a.offices.get()
    assert numbers == [f"{office.pk}-2026-{i:06d}" for i in range(1, n + 1)]
    assert chain.verify(world.a.pk).ok and chain.verify(world.a.pk).entries == n


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_visit_make_one_case(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL)")
    _in_threads(4, lambda i: actions.register_cases(world.req, [world.svc_cert], by=world.users["field_admin"]))
    assert Case.objects.filter(request=world.req).count() == 1
    assert JournalEntry.objects.count() == 1


def test_a_late_hand_over_is_marked_in_the_journal(world):
    case = make_case(world, accepted_at=kyiv(2026, 3, 6, 10))
    actions.hand_over(case, by=world.users["coordinator"], at=kyiv(2026, 3, 6, 10) + timedelta(days=5))
    assert case.entries.last().payload["late"] is True


def test_a_month_term_accepted_on_31_january_is_due_on_the_last_day_of_february(world):
    world.svc_cert.term_days, world.svc_cert.term_kind = 1, "months"
    world.svc_cert.save()
    case = make_case(world, accepted_at=kyiv(2024, 1, 31, 10))
    assert case.provider_due == date(2024, 2, 29)
    assert case.entries.get().payload["term"] == "1 months"

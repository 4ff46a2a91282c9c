from datetime import date

import pytest

from conftest import make_request
from visits import actions
from visits.models import RejectReason, Status


def test_new_request_records_who_when_and_channel(world):
    req = make_request(world, by=world.users["operator"])
    change = req.history.get()
    assert change.to_status == Status.NEW and change.by == world.users["operator"]
    assert "Телефоном" in change.comment


def test_eligibility_is_computed_on_save(world):
    req = make_request(world, applicant_birth_date=date(1990, 1, 1), evidence_available=False)
    assert req.eligibility == "needs_evidence"
    req.evidence_available = True
    actions.update_request(req, [actions.ServiceChoice(world.svc_cert, set())], by=world.users["operator"])
    req.refresh_from_db()
    assert req.eligibility == "eligible" and req.eligible_by == world.cat["disability_1"]


def test_documents_checklist_snapshots_catalogue_and_tracks_what_is_missing(world):
    req = make_request(world, services=[world.svc_reg], docs={world.doc_passport.pk})
    rs = req.services.get()
    assert [(d.name, d.has) for d in rs.documents.all()] == [("Паспорт", True), ("Квитанція", False)]
    assert [d.name for d in rs.missing_documents] == ["Квитанція"]


def test_accept_ask_and_reject_keep_history(world):
    coordinator = world.users["coordinator"]
    req = world.req
    actions.ask_for_info(req, by=coordinator, comment="Потрібна довідка МСЕК")
    actions.update_request(req, [actions.ServiceChoice(world.svc_cert, set())], by=world.users["operator"])
    assert req.status == Status.NEW
    actions.accept(req, by=coordinator)
    actions.reject(req, by=coordinator, reason=RejectReason.WITHDRAWN, comment="Передумала")
    req.refresh_from_db()
    assert req.status == Status.REJECTED and req.reject_reason == RejectReason.WITHDRAWN
    steps = list(req.history.values_list("to_status", "by__username"))
    assert steps == [("new", None), ("needs_info", "coordinator"), ("new", "operator"),
                     ("accepted", "coordinator"), ("rejected", "coordinator")]


def test_rejected_request_cannot_be_reopened_or_edited(world):
    req = world.req
    actions.reject(req, by=world.users["coordinator"], reason=RejectReason.FALSE_CALL)
    with pytest.raises(actions.TransitionError):
        actions.accept(req, by=world.users["coordinator"])
    with pytest.raises(actions.TransitionError):
        actions.update_request(req, [], by=world.users["operator"])


def test_reject_needs_a_reason_and_asking_needs_a_question(world):
    with pytest.raises(actions.TransitionError, match="причину"):
        actions.reject(world.req, by=world.users["coordinator"], reason="")
    with pytest.raises(actions.TransitionError, match="уточнити"):
        actions.ask_for_info(world.req, by=world.users["coordinator"], comment="  ")
    assert world.req.history.count() == 1


def test_not_eligible_request_cannot_be_accepted(world):
    req = make_request(world, applicant_birth_date=date(1990, 1, 1), category=None,
                       applicant_phone="+380679999999", street="інша", building="1")
    assert req.eligibility == "not_eligible"
    with pytest.raises(actions.TransitionError, match="категорії"):
        actions.accept(req, by=world.users["coordinator"])
    req.refresh_from_db()
    assert req.status == Status.NEW


def test_duplicate_found_by_name_and_birth_date_ignoring_case_and_apostrophes(world):
    make_request(world, applicant_name="Д'яченко Мар'яна", applicant_phone="+380501234567",
                 street="вул. Миру", building="3")
    found = actions.find_duplicates(
        world.a.pk, name="д’ЯЧЕНКО  мар’яна", birth_date=date(1940, 5, 1), phone="",
        settlement_id=None, street="", building="", flat="")
    assert [r.applicant_name for r in found] == ["Д'яченко Мар'яна"]


def test_duplicate_found_by_phone_or_address(world):
    by_phone = actions.find_duplicates(world.a.pk, name="Інша", birth_date=date(1950, 1, 1),
                                       phone="+380671234567", settlement_id=None, street="",
                                       building="", flat="")
    assert world.req in by_phone
    by_address = actions.find_duplicates(world.a.pk, name="Інша", birth_date=None, phone="",
                                         settlement_id=world.city.pk, street="Шевченка",
                                         building="10", flat="5")
    assert world.req in by_address


def test_closed_requests_and_other_communities_are_not_duplicates(world):
    actions.reject(world.req, by=world.users["coordinator"], reason=RejectReason.DUPLICATE)
    found = actions.find_duplicates(world.a.pk, name="", birth_date=None, phone="+380671234567",
                                    settlement_id=None, street="", building="", flat="")
    assert list(found) == []
    found = actions.find_duplicates(world.a.pk, name="", birth_date=None, phone="+380501112233",
                                    settlement_id=None, street="", building="", flat="")
    assert list(found) == []  # world.b_req has that phone, but in community B


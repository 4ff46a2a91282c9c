"""One contract for the field client (issue 8 §3): the enums are the models' choices, the limits the
day sends are the contract's own bounds, and an answer the published schema does not describe fails."""

import json

import pytest

from field import day, schemas
from field.models import AcceptedService, Attachment, IncidentAct, Outcome, Payment, PaymentMethod, SyncItem
from field.tests import openapi
from journal.models import Delivery

GOOD_STATUS = {"received": 10, "size": 20, "state": "uploading", "reason": ""}


def _check(status, body, *, path="/api/v1/field/attachments/0c1f", content_type="application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    openapi.check("GET", path, status, content_type, raw)


def test_an_answer_the_schema_describes_passes():
    _check(200, GOOD_STATUS)
    _check(404, {"detail": "Такого файлу немає."})


@pytest.mark.parametrize("status, body, content_type, why", [
    (418, {"detail": "?"}, "application/json", "does not declare"),
    (200, {k: v for k, v in GOOD_STATUS.items() if k != "reason"}, "application/json", "'reason' is a required"),
    (200, {**GOOD_STATUS, "extra": 1}, "application/json", "Additional properties"),
    (200, {**GOOD_STATUS, "state": "lost"}, "application/json", "is not one of"),
    (200, {**GOOD_STATUS, "size": "20"}, "application/json", "is not of type 'integer'"),
    (404, b"<!doctype html><p>Not found</p>", "text/html", "the schema says"),
    (403, b"{not json", "application/json", "not JSON"),
])
def test_an_answer_the_schema_does_not_describe_fails(status, body, content_type, why):
    with pytest.raises(openapi.SchemaMismatch, match=why):
        _check(status, body, content_type=content_type)


def test_a_path_or_method_the_schema_does_not_have_fails():
    with pytest.raises(openapi.SchemaMismatch, match="no such path"):
        openapi.check("GET", "/api/v1/field/days", 200, "application/json", b"{}")
    with pytest.raises(openapi.SchemaMismatch, match="no DELETE"):
        openapi.check("DELETE", "/api/v1/field/day", 200, "application/json", b"{}")


def _enum(schema_name, *path):
    node = openapi.published()["components"]["schemas"][schema_name]
    for key in path:
        node = node["properties"][key] if "properties" in node else node[key]
    return node["enum"]


def test_the_published_enums_are_the_models_choices():
    sync_doc = schemas.inline_schema(schemas.SyncItemDoc)
    assert sync_doc["properties"]["kind"]["enum"] == SyncItem.Kind.values
    assert _enum("ItemResult", "state") == SyncItem.State.values
    assert _enum("OutcomeChoice", "value") == Outcome.values
    assert _enum("PaymentMethodChoice", "value") == PaymentMethod.values
    assert _enum("ActKindChoice", "value") == IncidentAct.Kind.values
    assert _enum("DeliveryChoice", "value") == Delivery.values
    assert _enum("VisitState", "outcome") == ["", *Outcome.values]
    assert _enum("AttachmentState", "state") == Attachment.State.values
    # What the sync accepts: every kind has its data model, and a blank delivery means "not asked".
    assert set(schemas.DATA_MODELS) == set(SyncItem.Kind.values)
    assert schemas.AcceptedLine.model_fields["delivery"].annotation.__args__ == ("", *Delivery.values)


def test_the_day_offers_every_choice_of_the_models():
    offered = day.choices()
    assert [c["value"] for c in offered["outcomes"]] == Outcome.values
    assert [c["value"] for c in offered["item_kinds"]] == SyncItem.Kind.values
    assert [c["label"] for c in offered["delivery"]] == [str(label) for label in Delivery.labels]


def test_the_limits_are_the_contracts_bounds_and_fit_the_database():
    limits = day.limits()
    assert limits["sheets_max"] == schemas.MAX_SHEETS and limits["amount_max"] == schemas.MAX_AMOUNT
    assert (limits["services_max"], limits["documents_max"]) == (schemas.MAX_SERVICES, schemas.MAX_DOCUMENTS)
    text = limits["text_max"]
    # The sync never takes a longer text than the column it is stored in.
    assert text["receipt"] == Payment._meta.get_field("receipt").max_length
    assert text["witness_name"] == IncidentAct._meta.get_field("witness_name").max_length
    assert text["witness_role"] == IncidentAct._meta.get_field("witness_role").max_length
    assert text["provisional_number"] == AcceptedService._meta.get_field("provisional_number").max_length
    # A bound read from the contract is the one it enforces.
    too_long = {"act_id": "6b1f5f2a-7a43-4a8e-9d51-0b5c2b0e6a11", "kind": "other", "witness_name": "С",
                "witness_role": "сусід", "description": "х" * (text["description"] + 1)}
    with pytest.raises(schemas.ValidationError):
        schemas.ActData.model_validate(too_long)
    schemas.ActData.model_validate({**too_long, "description": "х" * text["description"]})


def test_a_bound_the_contract_does_not_declare_is_an_error():
    with pytest.raises(LookupError):
        day.bound(schemas.ActData, "kind", "max_length")

"""A corpus of hostile and broken payloads: a 4xx with a reason per item, nothing half-applied,
never a 500. Runs on SQLite and on PostgreSQL (NUL bytes, lone surrogates and NaN are the ones
PostgreSQL refuses to store)."""

import json
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from catalogue.models import Provider, Service, ServiceDocument
from field.models import Attachment, Device, IncidentAct, Payment, SyncItem, Visit
from field.tests.syncing import DEVICE, accept, item, laptop, outcome, post
from journal.models import Case, JournalEntry
from visits.models import StatusChange

CYRILLIC = re.compile("[а-яіїєґ]", re.IGNORECASE)


pytestmark = pytest.mark.usefixtures("no_case_files")


@pytest.fixture
def stop(first_stop):
    return first_stop


@pytest.fixture
def client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["field_admin"])
    laptop(client)  # the laptop's device token, as the first load of a day issues it
    return client


@pytest.fixture
def device_id(client):
    return client.field_device_id


def _counts():
    return tuple(m.objects.count() for m in (Case, JournalEntry, Visit, Payment, IncidentAct, Attachment,
                                             StatusChange))


def _envelope(items, device_id, **over):
    body = {"device_id": str(device_id), "sent_at": timezone.now().isoformat(), "items": items}
    body.update(over)
    return json.dumps(body)


ENVELOPES = {
    "not json": b"{device_id: nope",
    "not utf-8": b"\xff\xfe\x00{\x00",
    "empty body": b"",
    "a list": b"[]",
    "a string": b'"items"',
    "items missing": None,
    "items an object": None,
    "items a string": None,
    "device_id junk": None,
    "device_id missing": None,
    "sent_at naive": None,
    "sent_at junk": None,
    "sent_at huge": None,
    "sent_at a Unix time": None,
    "sent_at a Unix time as text": None,
    "nested 100000 deep": b'{"items": ' + b"[" * 100000 + b"]" * 100000 + b"}",
    "a 5000-digit number": b'{"items": [], "n": ' + b"7" * 5000 + b"}",
}


def _envelope_body(name, device_id):
    if ENVELOPES[name] is not None:
        return ENVELOPES[name]
    return {
        "items missing": json.dumps({"device_id": str(device_id), "sent_at": timezone.now().isoformat()}),
        "items an object": _envelope({"0": {}}, device_id),
        "items a string": _envelope("x" * 1000, device_id),
        "device_id junk": _envelope([], "../../etc/passwd"),
        "device_id missing": _envelope([], None),
        "sent_at naive": _envelope([], device_id, sent_at="2026-05-12T10:00:00"),
        "sent_at junk": _envelope([], device_id, sent_at={"$gt": ""}),
        "sent_at huge": _envelope([], device_id, sent_at="2026" * 5000),
        "sent_at a Unix time": _envelope([], device_id, sent_at=0),
        "sent_at a Unix time as text": _envelope([], device_id, sent_at="1700000000"),
    }[name]


@pytest.mark.parametrize("name", list(ENVELOPES))
def test_an_unreadable_envelope_is_400_and_stores_nothing(world, client, device_id, name):
    response = post(client, [], raw=_envelope_body(name, device_id))
    assert response.status_code == 400, (name, response.content[:300])
    assert CYRILLIC.search(response.json()["detail"])
    assert not SyncItem.objects.exists() and Device.objects.count() == 1  # the one its day's load issued


def test_too_many_items_is_400(world, client, stop, settings):
    settings.VALIZA_FIELD_BATCH_MAX_ITEMS = 3
    response = post(client, [item("visit.start", stop, seq=i) for i in range(4)])
    assert response.status_code == 400 and "не більше 3" in response.json()["detail"]
    assert not SyncItem.objects.exists() and not Visit.objects.exists()


def test_an_oversized_body_is_413(world, client, stop, settings):
    # Declared too large: the body-limit middleware answers before anything reads it.
    big = _envelope([item("visit.start", stop, {"pad": "x" * 3 * 1024 * 1024})], client.field_device_id)
    assert post(client, [], raw=big).status_code == 413
    # Within the middleware's limit but over the sync's own (as a body without a length would be).
    settings.VALIZA_FIELD_SYNC_MAX_BYTES = 1000
    small = _envelope([item("visit.start", stop, {"pad": "x" * 2000})], client.field_device_id)
    response = post(client, [], raw=small)
    assert response.status_code == 413 and CYRILLIC.search(response.json()["detail"])
    assert not SyncItem.objects.exists() and not Visit.objects.exists()


def test_without_login_or_capability(world, stop):
    anonymous = Client(raise_request_exception=False)
    assert post(anonymous, [item("visit.start", stop)], device_id=DEVICE).status_code == 401
    operator = Client(raise_request_exception=False)
    operator.force_login(world.users["operator"])
    assert post(operator, [item("visit.start", stop)], device_id=DEVICE).status_code == 403
    assert not SyncItem.objects.exists()


def _corpus(world, stop):
    """(name, raw item): every one must be quarantined with a reason, and change nothing."""
    b_provider = Provider.objects.create(name="Чужий відділ", community=world.b)
    b_service = Service.objects.create(code="B-1", name_uk="Чужа послуга", provider=b_provider)
    b_doc = ServiceDocument.objects.create(service=b_service, name="Чужий документ")
    good = item("visit.payment", stop, {"service_id": world.svc_reg.pk, "method": "terminal", "amount": "25.50"})

    def pay(amount):
        return dict(item("visit.payment", stop), data={"service_id": world.svc_reg.pk, "method": "terminal",
                                                      "amount": amount})

    def line(**over):
        values = {"service_id": world.svc_reg.pk, "documents": []}
        values.update(over)
        return accept(world, stop, services=[values])

    nested = current = {}
    for _ in range(200):
        current["x"] = current = {}
    deep_list = []
    node = deep_list
    for _ in range(300):
        node.append([])
        node = node[0]
    corpus = [
        ("a number", 42), ("a string", "visit.start"), ("null", None), ("a list", [good]),
        ("no id", {k: v for k, v in good.items() if k != "id"}),
        ("id not a uuid", dict(good, id="1 OR 1=1")),
        ("id huge", dict(good, id="f" * 100000)),
        ("id an object", dict(good, id={"$ne": None})),
        ("seq negative", dict(good, seq=-1)),
        ("seq a string", dict(good, seq="1")),
        ("seq huge", dict(good, seq=10**30)),
        ("seq a float", dict(good, seq=1.5)),
        ("kind unknown", dict(good, kind="visit.delete_everything")),
        ("kind huge", dict(good, kind="k" * 100000)),
        ("stop_id a string", dict(good, stop_id=str(stop.pk))),
        ("stop_id a bool", dict(good, stop_id=True)),
        ("stop_id huge", dict(good, stop_id=2**70)),
        ("stop_id negative", dict(good, stop_id=-stop.pk)),
        ("stop unknown", dict(good, stop_id=stop.pk + 10**6)),
        ("at naive", dict(good, at="2026-05-12T10:00:00")),
        ("at junk", dict(good, at="вчора")),
        # Read as Unix time by a lax parser: "0" once registered case 1-1970-000001 (issue 9, finding 4).
        ("at a Unix time as text", dict(good, at="0")),
        ("at a Unix time", dict(good, at=1_700_000_000)),
        ("at a Unix time in ms as text", dict(good, at="1764500000000")),
        ("at an impossible date", dict(good, at="2026-02-30T10:00:00+02:00")),
        ("at a year no clock shows", dict(good, at="0001-01-01T00:00:00Z")),
        ("at a space for the T", dict(good, at="2026-05-12 10:00:00+03:00")),
        ("data a list", dict(good, data=[1, 2])),
        ("data a string", dict(good, data="drop table")),
        ("data deeply nested", dict(good, data={"junk": nested})),
        ("data nested lists", dict(good, data={"service_id": deep_list})),
        ("data with an extra key", dict(good, data={**good["data"], "admin": True})),
        ("amount negative", pay("-25.50")),
        ("amount NaN text", pay("NaN")),
        ("amount Infinity text", pay("Infinity")),
        ("amount 1e400", pay("1e400")),
        ("amount three decimals", pay("25.505")),
        ("amount too big", pay("99999999999")),
        ("amount a bool", pay(True)),
        ("amount an object", pay({"$gt": 0})),
        ("amount empty", pay("")),
        ("service of another community", dict(good, data={**good["data"], "service_id": b_service.pk})),
        ("service unknown", dict(good, data={**good["data"], "service_id": 10**9})),
        ("method unknown", dict(good, data={**good["data"], "method": "cash"})),
        ("receipt huge", dict(good, data={**good["data"], "receipt": "9" * 100000})),
        ("receipt with NUL", dict(good, data={**good["data"], "receipt": "R\x00-1"})),
        ("receipt with a lone surrogate", dict(good, data={**good["data"], "receipt": "R\ud800"})),
        ("note with NUL", outcome(stop, note="ok\x00")),
        ("outcome unknown", outcome(stop, "teleported")),
        ("consent a string", dict(outcome(stop), data={"outcome": "served", "video_consent": "yes"})),
        ("accept no services", accept(world, stop, services=[])),
        ("accept services not a list", dict(accept(world, stop), data={"services": "all"})),
        ("sheets 501", line(documents=[{"document_id": world.doc_passport.pk, "present": True, "sheets": 501}])),
        ("sheets negative", line(documents=[{"document_id": world.doc_passport.pk, "present": True, "sheets": -1}])),
        ("sheets a string", line(documents=[{"document_id": world.doc_passport.pk, "present": True, "sheets": "2"}])),
        ("document of another community", line(documents=[{"document_id": b_doc.pk, "present": True, "sheets": 1}])),
        ("document unknown", line(documents=[{"document_id": 10**9, "present": True, "sheets": 1}])),
        ("document twice", line(documents=[{"document_id": world.doc_passport.pk, "present": True, "sheets": 1}] * 2)),
        ("provisional number with NUL", line(provisional_number="T\x00")),
        ("provisional number huge", line(provisional_number="T" * 1000)),
        ("provisional number markup", line(provisional_number="<script>")),
        ("delivery unknown", line(delivery="pigeon")),
        ("too many services", accept(world, stop, services=[{"service_id": world.svc_reg.pk}] * 51)),
        ("act text huge", item("visit.act", stop, {"act_id": str(uuid.uuid4()), "kind": "other", "description":
                                                   "x" * 100000, "witness_name": "a", "witness_role": "b"})),
        ("act id junk", item("visit.act", stop, {"act_id": "1", "kind": "other", "description": "x",
                                                 "witness_name": "a", "witness_role": "b"})),
        ("act witness of invisible characters only", item("visit.act", stop, {
            "act_id": str(uuid.uuid4()), "kind": "other", "description": "x", "witness_name": "\u200b\u202e\u2066\ufeff",
            "witness_role": "b"})),
        ("attachment hash junk", item("attachment.declare", stop, {
            "attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg", "size": 10,
            "sha256": "../../etc/passwd"})),
        ("attachment size zero", item("attachment.declare", stop, {
            "attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg", "size": 0,
            "sha256": "a" * 64})),
        ("attachment too large", item("attachment.declare", stop, {
            "attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg", "size": 2**39,
            "sha256": "a" * 64})),
        ("attachment content type junk", item("attachment.declare", stop, {
            "attachment_id": str(uuid.uuid4()), "kind": "video", "content_type": "text/html; x=<b>", "size": 10,
            "sha256": "a" * 64})),
        ("a key with NUL", dict(good, data={**good["data"], "k\x00": 1})),
    ]
    # Each entry its own UUID (the same UUID again would rightly be a replay of the first).
    return [(name, dict(raw, id=str(uuid.uuid4())) if isinstance(raw, dict) and raw.get("id") == good["id"] else raw)
            for name, raw in corpus]


def test_a_hostile_corpus_is_quarantined_item_by_item_and_changes_nothing(world, client, stop):
    corpus = _corpus(world, stop)
    good = item("visit.start", stop, seq=10**6)
    before = _counts()
    raw = _envelope([raw for _name, raw in corpus] + [good], client.field_device_id)
    # Python writes NaN/Infinity literals that JSON does not have; a sloppy client might too.
    raw = raw.replace('"NaN"', "NaN", 1)
    response = post(client, [], raw=raw)
    assert response.status_code == 422, response.content[:500]
    body = response.json()
    results = body["results"]
    assert len(results) == len(corpus) + 1
    applied = [r for r in results if r["state"] == "applied"]
    assert [r["id"] for r in applied] == [good["id"]]
    for result in results:
        if result["id"] == good["id"]:
            continue
        assert result["state"] == "quarantined", result
        assert result["code"] in {"invalid", "not_found", "attachment", "duplicate_id"}, result
        assert CYRILLIC.search(result["message"]) and len(result["message"]) < 5000, result
    # Only the good item's visit was made: everything else changed nothing.
    after = _counts()
    assert after[0:2] == before[0:2] and after[3:] == before[3:] and after[2] == before[2] + 1
    stored = SyncItem.objects.exclude(pk=good["id"])
    assert stored.count() == len(corpus)  # nothing lost, even junk without a readable id
    assert not stored.exclude(state="quarantined").exists()
    # Sent again: every one is a replay, nothing new stored.
    again = post(client, [], raw=raw)
    assert again.status_code == 422
    assert all(r["replayed"] for r in again.json()["results"])
    assert SyncItem.objects.count() == len(corpus) + 1


def test_each_corpus_entry_alone_gets_its_own_reason(world, client, stop):
    before = _counts()
    for name, raw in _corpus(world, stop):
        response = post(client, [raw])
        assert response.status_code == 422, (name, response.content[:300])
        [result] = response.json()["results"]
        assert result["state"] == "quarantined" and CYRILLIC.search(result["message"]), (name, result)
    assert _counts() == before


def test_nan_literals_in_the_json_are_reasons_not_errors(world, client, stop):
    raw = _envelope([dict(item("visit.payment", stop), data={"service_id": world.svc_reg.pk, "method": "online",
                                                            "amount": "__X__"})], client.field_device_id)
    for literal in ("NaN", "Infinity", "-Infinity"):
        body = raw.replace('"__X__"', literal)
        response = post(client, [], raw=body.replace(json.loads(body)["items"][0]["id"], str(uuid.uuid4())))
        assert response.status_code == 422
        assert "сума" in response.json()["results"][0]["message"]
    assert not Payment.objects.exists()


def test_invisible_characters_are_removed_from_the_texts_a_laptop_sends(world, client, stop):
    """Issue 9: zero-width and direction characters in what the laptop sends are removed before
    storing, as on the forms; line breaks in the act's description stay."""
    act_id = str(uuid.uuid4())
    items = [
        item("visit.start", stop, seq=1),
        accept(world, stop, seq=2, services=[{"service_id": world.svc_reg.pk, "provisional_number": "T\u200b-\u202e77",
                                              "documents": []}]),
        item("visit.payment", stop, {"service_id": world.svc_reg.pk, "method": "terminal", "amount": "25.50",
                                     "receipt": "R\ufeff-\u20601"}, seq=3),
        item("visit.act", stop, {"act_id": act_id, "kind": "other", "description": "Опис\u2066 подій\u2069\nдругий рядок",
                                 "witness_name": "Сусід\u200d Петро\u200b", "witness_role": "\u200eсусід"}, seq=4),
        outcome(stop, note="Усе\u00ad гаразд\u202c", seq=5),
    ]
    response = post(client, items)
    assert response.status_code == 200, response.content[:500]
    assert all(r["state"] == "applied" for r in response.json()["results"]), response.json()
    assert Case.objects.get(provisional_number__startswith="T").provisional_number == "T-77"
    assert Payment.objects.get().receipt == "R-1"
    act = IncidentAct.objects.get()
    assert (act.description, act.witness_name, act.witness_role) == ("Опис подій\nдругий рядок", "Сусід Петро", "сусід")
    assert Visit.objects.get(stop=stop).outcome_note == "Усе гаразд"

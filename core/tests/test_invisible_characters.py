"""Issue 9, finding 10: zero-width, direction and other invisible characters are removed from names,
addresses and free text before they are stored or compared, on every way in (the operator's form, the
citizen's forms, the API, the field sync): a name with a zero-width space no longer dodges the
duplicate check."""

import json

import pytest

from conftest import intake_post_data, make_request
from core.forms import NameField, TextField
from core.text import match_key, strip_invisible
from planning.models import SessionBooking
from visits.models import VisitRequest

# Written out here, not taken from core.text: what the issue names, one by one.
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c", "\u200d",  # zero-width non-joiner and joiner
    "\u200e", "\u200f",  # left-to-right and right-to-left marks
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings, pop, overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark / zero-width no-break space
    "\u00ad",  # soft hyphen
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u3164", "\u115f",  # Hangul fillers: letters that draw nothing
    "\x00", "\x07", "\x1b", "\x7f", "\x9b",  # C0 and C1 controls
    "\U000e0041",  # a tag character
]
LINE_ENDS = ["\n", "\r", "\x85", "\u2028", "\u2029"]  # NEL too


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_each_invisible_character_is_removed_from_one_line_and_from_several(char):
    assert strip_invisible(f"Ма{char}рія {char}Коваленко{char}") == "Марія Коваленко"
    assert strip_invisible(f"Ма{char}рія\nКоваленко", multiline=True) == "Марія\nКоваленко"


@pytest.mark.parametrize("char", LINE_ENDS, ids=[f"U+{ord(c):04X}" for c in LINE_ENDS])
def test_a_line_break_is_a_space_in_one_line_and_a_line_break_in_several(char):
    assert strip_invisible(f"вул.{char}Шевченка") == "вул. Шевченка"
    assert strip_invisible(f"Хвіртка{char}зліва", multiline=True) in ("Хвіртка\nзліва", "Хвіртка\rзліва")
    assert strip_invisible("a\tb") == "a b" and strip_invisible("a\tb", multiline=True) == "a\tb"


@pytest.mark.parametrize("text", [
    "Мар'яна О\"Ніл", "Мар’яна", "e\u0301", "👵🏻 Оксана", "عبد الله", "王秀英", "<script>", "\u00a0x", "№ 5",
])
def test_everything_visible_is_kept_exactly(text):
    assert strip_invisible(text) == text


def test_match_key_ignores_invisible_characters():
    assert match_key("Ко\u200bва\u202eленко\u202c  Марія") == match_key("коваленко марія")


def test_a_name_of_invisible_characters_only_is_empty_and_so_required_fails():
    field = NameField()
    with pytest.raises(Exception, match="обов'язкове|required"):
        field.clean("\u200b\u200e\ufeff")
    assert field.clean(" \u202eІван\u202c ") == "Іван"
    assert TextField(multiline=True).clean("Хвіртка\u200b\r\nзліва") == "Хвіртка\r\nзліва"


def test_a_name_with_a_zero_width_space_no_longer_dodges_the_duplicate_check(world, login):
    client = login(world.users["operator"])
    # world.req: «Коваленко Марія Іванівна», born 01.05.1940. Another phone, so only the name matches.
    data = intake_post_data(world, applicant_name="Кова\u200bленко\u200d Марія\u2060 Іванівна",
                            applicant_birth_date="01.05.1940", applicant_phone="050 999 88 77",
                            street="вул. Інша", building="99")
    response = client.post("/staff/requests/new/", data)
    assert response.status_code == 200, "the duplicate warning, nothing saved"
    assert world.req.number in response.content.decode()
    assert VisitRequest.objects.count() == 2
    response = client.post("/staff/requests/new/", {**data, "not_duplicate": "1"})
    assert response.status_code == 302
    saved = VisitRequest.objects.latest("id")
    assert saved.applicant_name == "Коваленко Марія Іванівна"
    assert saved.name_key == world.req.name_key


def test_an_address_with_direction_marks_matches_the_same_address(world, login):
    client = login(world.users["operator"])
    data = intake_post_data(world, applicant_name="Інша Людина", applicant_phone="050 999 88 77",
                            street="вул. Шев\u200eченка\u202c", building="1\u200b0", flat="\ufeff5")
    response = client.post("/staff/requests/new/", data)
    assert response.status_code == 200 and world.req.number in response.content.decode()


def test_a_request_stored_earlier_with_invisible_characters_is_found_by_the_plain_name(world):
    """Keys stored before this change (the migration recomputes them) and made from an unclean value
    match a clean one."""
    from visits import actions

    req = make_request(world, applicant_name="Петрен\u200bко Олег", applicant_phone="+380509998877")
    found = actions.find_duplicates(world.a.pk, name="Петренко Олег", birth_date=req.applicant_birth_date,
                                    phone=None, settlement_id=None, street=None, building=None, flat=None)
    assert req in list(found)


def test_the_public_form_stores_names_and_addresses_without_invisible_characters(world):
    from django.test import Client

    data = {k: v for k, v in intake_post_data(
        world, applicant_name="\u202eБондаренко\u202c Ганна\u200b", street="вул.\u2028Садова\u2066",
        access_notes="Хвіртка\u200b зліва\nдругий\u00ad поверх").items() if k != "channel"}
    assert Client().post(f"/{world.a.slug}/request/", data).status_code == 302
    req = VisitRequest.objects.latest("id")
    assert (req.applicant_name, req.street) == ("Бондаренко Ганна", "вул. Садова")
    assert req.access_notes == "Хвіртка зліва\nдругий поверх"


def test_a_fixed_point_booking_stores_the_name_without_invisible_characters(world):
    import datetime

    from django.test import Client

    from planning import slots
    from planning.models import FixedPoint

    point = FixedPoint.objects.create(community=world.a, settlement=world.village, name="Будинок культури",
                                      address="вул. Центральна, 1", latitude=48, longitude=35)
    session = point.sessions.create(weekday=1, start=datetime.time(9), end=datetime.time(12))
    slot = slots.free_slots(session, weeks=4)[0]
    response = Client().post(f"/{world.a.slug}/points/book/", {
        "session": str(session.pk), "date": slot.date.isoformat(), "start": slot.start.strftime("%H:%M"),
        "applicant_name": "Мельник\u200b Ніна\u2067", "applicant_birth_date": "05.03.1941",
        "phone": "067 123 45 67", "consent": "on", "warning_acknowledged": "on"})
    assert response.status_code == 302
    assert SessionBooking.objects.get().applicant_name == "Мельник Ніна"


def test_the_api_decision_comment_loses_invisible_characters(world, login):
    client = login(world.users["coordinator"])
    response = client.post(f"/api/v1/requests/{world.req.pk}/decision",
                           json.dumps({"status": "needs_info", "comment": "Уточ\u200bнити\u202e під'їзд"}),
                           content_type="application/json")
    assert response.status_code == 200
    assert world.req.history.latest("id").comment == "Уточнити під'їзд"

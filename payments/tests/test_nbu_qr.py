"""The NBU payment QR code, format 003: the payload field by field, the link, the image."""

import base64
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import segno

from payments import nbu_qr
from payments.nbu_qr import (
    FieldTooLong,
    InvalidAmount,
    InvalidIBAN,
    InvalidOption,
    InvalidRecipientCode,
    MissingField,
    PayloadTooLarge,
    PaymentQRError,
    UnsupportedCharacters,
    build_payload,
    make_qr,
    payment_link,
    render_png,
    render_svg,
)

IBAN = "UA213223130000026007233566001"
RECIPIENT = "ГУК у Київ.обл/Бучанська МТГ/22012500"
EDRPOU = "37955989"
PURPOSE = "Адмінпослуга: реєстрація місця проживання, Коваленко Марія Іванівна"
KYIV = ZoneInfo("Europe/Kyiv")
UTC = ZoneInfo("UTC")


def fields(**overrides):
    values = {"recipient": RECIPIENT, "iban": IBAN, "amount": Decimal("25.50"), "edrpou": EDRPOU,
              "purpose": PURPOSE}
    values.update(overrides)
    return values


def lines(**overrides):
    return build_payload(**fields(**overrides)).split("\n")


def decode_link(link):
    encoded = link.removeprefix(nbu_qr.LINK_PREFIX)
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def test_payload_has_the_seventeen_fields_of_table_2_in_order():
    assert lines() == [
        "BCD",  # 1 service tag
        "003",  # 2 format version
        "2",  # 3 encoding: Windows-1251
        "UCT",  # 4 function: credit transfer
        "",  # 5 unique recipient id, reserved
        RECIPIENT,  # 6
        IBAN,  # 7
        "UAH25.50",  # 8
        EDRPOU,  # 9
        "OTHR/OTHR",  # 10 category / purpose code
        "",  # 11 reference
        PURPOSE,  # 12
        "",  # 13 display
        "",  # 14 lock mask
        "",  # 15 valid until
        "",  # 16 created at
        "",  # 17 signature
    ]


def test_fields_are_separated_by_single_line_feeds():
    payload = build_payload(**fields())
    assert payload.count("\n") == 16 and "\r" not in payload


def test_cyrillic_takes_one_byte_in_windows_1251_by_default():
    data = nbu_qr.payload_bytes(build_payload(**fields()))
    assert data.split(b"\n")[5] == RECIPIENT.encode("cp1251")
    assert len(data.split(b"\n")[5]) == len(RECIPIENT)


def test_utf8_is_available_and_marked_in_field_3():
    payload = build_payload(**fields(encoding=nbu_qr.ENCODING_UTF8))
    data = nbu_qr.payload_bytes(payload)
    assert payload.split("\n")[2] == "1"
    assert data.split(b"\n")[11] == PURPOSE.encode("utf-8")
    assert data.decode("utf-8") == payload


def test_official_example_4_gives_the_golden_bytes():
    # Appendix 4, example 4 of Resolution 97 (online store), fields as decoded by
    # skules777/nbu-qr-code-kotlin (NBUQROfficialExampleTests.kt) with its Base64URL golden
    # vector computed with Python's cp1251 codec. It differs from the Resolution's own bytes
    # only in field 17, which the example fills with "RFU" and we leave empty (see the module).
    link = payment_link(
        recipient="ТОВ «ФК „ЕВО“»",
        iban="UA673005280000026500504354077",
        amount=150,
        edrpou="37193071",
        purpose='?MerchantBusinessName="ROZETKA.UA", Покупка товарів, замовлення №821558965.',
        function="ICT",
        category="OTHR/GDDS",
        reference="1225102576",
        display="?<InstrForCdtrAgt><InstrInf>MerchID:01234-TermId:43210</InstrInf></InstrForCdtrAgt>",
        locked=True,
        valid_until=datetime(2025, 3, 21, 12, 0, tzinfo=KYIV),
        created_at=datetime(2025, 1, 29, 12, 0, tzinfo=KYIV),
    )
    assert link == nbu_qr.LINK_PREFIX + (
        "QkNECjAwMwoyCklDVAoK0s7CIKvUyiCExcLOk7sKVUE2NzMwMDUyODAwMDAwMjY1MDA1MDQzNTQwNzcKVUFIMTUwCjM3MTkzMDcxCk9USFIvR0REUwox"
        "MjI1MTAyNTc2Cj9NZXJjaGFudEJ1c2luZXNzTmFtZT0iUk9aRVRLQS5VQSIsIM_u6vPv6uAg8u7i4PCz4iwg5-Ds7uLr5e3t_yC5ODIxNTU4OTY1Lgo_"
        "PEluc3RyRm9yQ2R0ckFndD48SW5zdHJJbmY-TWVyY2hJRDowMTIzNC1UZXJtSWQ6NDMyMTA8L0luc3RySW5mPjwvSW5zdHJGb3JDZHRyQWd0PgpGRkZG"
        "CjI1MDMyMTEyMDAwMAoyNTAxMjkxMjAwMDAK"
    )


def test_link_is_the_nbu_prefix_and_base64url_without_padding():
    link = payment_link(**fields())
    assert link.startswith("https://qr.bank.gov.ua/")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", link.removeprefix(nbu_qr.LINK_PREFIX))
    assert decode_link(link) == build_payload(**fields()).encode("cp1251")


@pytest.mark.parametrize(("amount", "field"), [
    (Decimal("25.5"), "UAH25.50"),
    (Decimal("25.50"), "UAH25.50"),
    (Decimal("25.00"), "UAH25"),
    (25, "UAH25"),
    ("0.01", "UAH0.01"),
    ("1234,5", "UAH1234.50"),
    (Decimal("1E+2"), "UAH100"),
    ("999999999.99", "UAH999999999.99"),
    (None, ""),
])
def test_amount_is_uah_then_hryvnias_then_two_digits_of_kopecks_if_any(amount, field):
    assert lines(amount=amount)[7] == field
    assert len(field) <= 15


@pytest.mark.parametrize("amount", ["0", "-1", Decimal("-0.01"), "10.005", "1000000000", "абв",
                                    "NaN", "Infinity"])
def test_amount_is_refused_when_not_a_positive_sum_in_kopecks(amount):
    with pytest.raises(InvalidAmount) as error:
        build_payload(**fields(amount=amount))
    assert error.value.field == "amount"


def test_iban_is_accepted_with_spaces_and_in_lower_case():
    assert lines(iban="ua21 3223 1300 0002 6007 2335 6600 1")[6] == IBAN
    assert lines(iban=f"\u00a0{IBAN}\u00a0")[6] == IBAN


def test_iban_check_digits_catch_every_single_digit_typo():
    assert nbu_qr.normalize_iban(IBAN) == IBAN
    for position in range(2, 29):
        digit = IBAN[position]
        typo = IBAN[:position] + str((int(digit) + 1) % 10) + IBAN[position + 1:]
        with pytest.raises(InvalidIBAN, match="контрольні цифри"):
            build_payload(**fields(iban=typo))


@pytest.mark.parametrize(("iban", "message"), [
    ("DE89370400440532013000", "українським IBAN"),
    ("UA21322313000002600723356600", "29 символів"),
    ("UA2132231300000260072335660011", "29 символів"),
    ("UA21322313000002600723356600A", "29 символів"),
])
def test_iban_of_wrong_shape_is_refused_with_the_reason(iban, message):
    with pytest.raises(InvalidIBAN, match=message):
        build_payload(**fields(iban=iban))


@pytest.mark.parametrize("code", ["37955989", "1759013776", " 3795 5989 "])
def test_recipient_code_is_edrpou_or_rnokpp(code):
    assert lines(edrpou=code)[8] == code.replace(" ", "")


@pytest.mark.parametrize(("code", "message"), [
    ("37955988", "У коді ЄДРПОУ помилка: остання, контрольна цифра не збігається"),
    ("1759013770", "У РНОКПП помилка: остання, контрольна цифра не збігається"),
])
def test_recipient_code_with_a_wrong_check_digit_is_refused(code, message):
    with pytest.raises(InvalidRecipientCode, match=message):
        build_payload(**fields(edrpou=code))


@pytest.mark.parametrize("code", ["3795598", "379559891", "37955989123", "АБ123456", "3795598X"])
def test_recipient_code_of_another_shape_is_refused(code):
    with pytest.raises(InvalidRecipientCode, match="ЄДРПОУ"):
        build_payload(**fields(edrpou=code))


@pytest.mark.parametrize("field", ["recipient", "iban", "edrpou", "purpose"])
def test_required_fields_must_be_filled(field):
    with pytest.raises(MissingField) as error:
        build_payload(**fields(**{field: "  "}))
    assert error.value.field == field
    assert "заповніть" in error.value.message


@pytest.mark.parametrize(("field", "limit", "index"), [
    ("recipient", 140, 5),
    ("purpose", 420, 11),
    ("display", 140, 12),
    ("reference", 35, 10),
])
def test_text_fields_are_refused_past_their_limit_not_cut(field, limit, index):
    text = "R" * limit
    assert lines(**{field: text})[index] == text
    with pytest.raises(FieldTooLong, match=f"не більше {limit} символів, а зараз {limit + 1}") as error:
        build_payload(**fields(**{field: text + "R"}))
    assert error.value.field == field


def test_line_breaks_tabs_and_nbsp_become_single_spaces():
    # A line break inside a field would shift every later field by one.
    purpose = " Оплата\nпослуги\r\n\tЦНАП\u00a0№ 5 "
    assert lines(purpose=purpose)[11] == "Оплата послуги ЦНАП № 5"
    assert len(lines(purpose=purpose)) == 17


def test_the_ukrainian_apostrophe_is_written_with_the_windows_1251_one():
    assert lines(recipient="Обʼєднана громада")[5] == "Об’єднана громада"


@pytest.mark.parametrize("text", ["Оплата 🙂", "Zürich ąę", "Оплата\x07", "漢字"])
def test_characters_outside_windows_1251_are_refused_even_for_utf8(text):
    for encoding in (nbu_qr.ENCODING_CP1251, nbu_qr.ENCODING_UTF8):
        with pytest.raises(UnsupportedCharacters) as error:
            build_payload(**fields(purpose=text, encoding=encoding))
        assert error.value.field == "purpose"


def test_reference_takes_ascii_only():
    assert lines(reference="INV-2026/17")[10] == "INV-2026/17"
    with pytest.raises(UnsupportedCharacters):
        build_payload(**fields(reference="Рах-17"))


def test_category_defaults_to_other_and_takes_an_iso_20022_pair():
    assert lines(category="")[9] == "OTHR/OTHR"
    assert lines(category="govt/govt")[9] == "GOVT/GOVT"
    with pytest.raises(InvalidOption):
        build_payload(**fields(category="OTHER"))


def test_function_and_encoding_must_be_known():
    assert lines(function="ICT")[3] == "ICT"
    with pytest.raises(InvalidOption):
        build_payload(**fields(function="SEPA"))
    with pytest.raises(InvalidOption):
        build_payload(**fields(encoding="3"))


def test_locked_payload_forbids_changing_any_field():
    assert lines(locked=True)[13] == "FFFF"
    assert lines()[13] == ""


def test_dates_are_written_in_kyiv_time():
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 12:00 in Kyiv (UTC+3)
    winter = datetime(2026, 12, 1, 22, 30, 5, tzinfo=UTC)  # 00:30:05 next day in Kyiv (UTC+2)
    assert lines(valid_until=summer, created_at=winter)[14:16] == ["260701120000", "261202003005"]
    with pytest.raises(InvalidOption):
        build_payload(**fields(valid_until=datetime(2026, 7, 1, 12, 0)))


def test_every_refusal_is_a_value_error_with_a_ukrainian_message():
    with pytest.raises(ValueError) as error:
        build_payload(**fields(iban="UA00"))
    assert isinstance(error.value, PaymentQRError)
    assert re.search("[а-яіїєґ]", str(error.value))


def test_a_purpose_too_long_for_the_code_is_refused_with_how_much_to_cut():
    # 420 characters pass table 2 but do not fit the 475-byte limit of the encoded data.
    with pytest.raises(PayloadTooLarge, match="зайвих символів — близько") as error:
        payment_link(**fields(purpose="т" * 420))
    assert error.value.field == "purpose"


def test_the_longest_accepted_link_still_fits_version_17_at_level_m():
    purpose = "т"
    while True:
        try:
            link = payment_link(**fields(purpose=purpose + "т"))
        except PayloadTooLarge:
            break
        purpose += "т"
    link = payment_link(**fields(purpose=purpose))
    assert len(link.removeprefix(nbu_qr.LINK_PREFIX)) <= 475 and len(link) <= 507
    qr = make_qr(link)
    assert (qr.version, qr.error) == (17, "M")


def short_link():
    return payment_link(**fields(recipient="ЦНАП", amount=None, purpose="Збір"))


def test_small_data_is_padded_up_to_version_10_at_level_q():
    assert segno.make(short_link(), error="Q", boost_error=False).version < 10
    qr = make_qr(short_link())
    assert (qr.version, qr.error) == (10, "Q")
    assert qr.symbol_size(scale=1, border=0) == (57, 57)


def test_a_usual_payment_stays_at_level_q():
    qr = make_qr(payment_link(**fields()))
    assert qr.error == "Q" and 10 <= qr.version <= 17


def test_data_beyond_version_17_is_refused():
    with pytest.raises(PayloadTooLarge):
        make_qr("https://qr.bank.gov.ua/" + "A" * 600)


def test_svg_has_a_white_background_the_white_circle_and_the_sign():
    link = short_link()
    svg = render_svg(link)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<title>QR-код для оплати в застосунку банку</title>" in svg
    # Version 10: 57 modules + 2 × 4 quiet zone; circle of 17 modules in the middle.
    assert '<circle cx="32.500" cy="32.500" r="8.500" fill="#fff"/>' in svg
    assert 'stroke="#000"' in svg and 'fill="#fff"' in svg
    assert "<circle" not in render_svg(link, mark=False)


def test_png_renders():
    png = render_png(payment_link(**fields()), scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 500

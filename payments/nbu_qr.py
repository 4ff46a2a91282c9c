"""The NBU payment QR code: a credit transfer the payer scans in any Ukrainian banking app.

Format 003 of the «Правила формування, передачі та обробки структури даних і графічного
зображення QR-коду для обміну реквізитами кредитових та миттєвих кредитових переказів»,
approved by NBU Board Resolution No. 97 of 19.08.2025, in force since 01.11.2025 (it replaces
the 2019/2020 rules whose format 002 carried a link to https://bank.gov.ua/qr/).

Sources. The text of the Resolution itself (https://bank.gov.ua/admin_uploads/law/19082025_97.pdf)
was not available to read here; the layout below is taken from three independent
implementations that cite it, and they agree on every field:

- [KT] github.com/skules777/nbu-qr-code-kotlin, docs/NBU-COMPLIANCE.md (commit e09a210):
  appendix 4 table 2 field by field (length, mandatory, character set), appendix 4 item 4.8
  (amount), item 8 and table 1 (size limits), appendix 1 (character set, error correction,
  versions 10–17, white circle with the ₴ sign and its diameter), and the official example 4
  whose fields and golden bytes our tests reproduce.
- [PHP] github.com/opencartbot/nbu-qr-v3, src/NBUQRCodeGenerator.php: the same 17 fields in the
  same order, encodings "1"/"2", functions UCT/ICT/XCT, https://qr.bank.gov.ua/ + Base64URL
  without padding.
- [EX] hexdocs.pm/qr_nbu_ex (QRNBU.Encoders.Formatter, QRNBU.Versions.V003): 17 LF-separated
  fields for 003, prefix https://qr.bank.gov.ua/ for formats 002 and 003.
- [NEWS] psm7.com, 22.10.2025, and news.finance.ua, 19.09.2025: in force from 01.11.2025; the ₴
  sign in a white circle is mandatory for formats 002 and 003.

The data: 17 fields joined by LF (0x0A), no line break after the last one; the bytes are encoded
as Base64URL without padding and appended to https://qr.bank.gov.ua/; that link is what the QR
code holds.

| #  | field (table 2, appendix 4)      | limit     | here                                    | src      |
|----|----------------------------------|-----------|-----------------------------------------|----------|
| 1  | службова мітка                   | 3 B       | BCD                                     | KT PHP EX|
| 2  | версія формату                   | 3 B       | 003                                     | KT PHP EX|
| 3  | кодування                        | 1 B       | 2 = Windows-1251 (default), 1 = UTF-8   | KT PHP   |
| 4  | функція                          | 3 B       | UCT (default), ICT, XCT                 | KT PHP EX|
| 5  | унікальний ідентифікатор отрим.  | 11 B, RFU | empty                                   | KT PHP   |
| 6  | отримувач                        | 140 chars | required                                | KT PHP   |
| 7  | рахунок отримувача (IBAN)        | 29 B      | UA + 27 digits, ISO 7064 mod 97-10      | KT PHP   |
| 8  | сума                             | 15 B      | UAH25 / UAH25.50 or empty (payer types) | KT       |
| 9  | код отримувача (ЄДРПОУ / РНОКПП) | 10 B      | 8 or 10 digits, with their check digit  | KT PHP   |
| 10 | категорія / ціль (ISO 20022)     | 9 chars   | CCCC/PPPP, default OTHR/OTHR            | KT       |
| 11 | reference                        | 35, ASCII | optional                                | KT PHP   |
| 12 | призначення платежу              | 420 chars | required                                | KT PHP   |
| 13 | відображення (дисплей)           | 140 chars | optional                                | KT PHP   |
| 14 | код заборони зміни полів         | 4 hex     | empty (bank decides) or FFFF (all fixed)| KT       |
| 15 | дата/час дії рахунку             | 12 digits | YYMMDDhhmmss, Kyiv time, optional       | KT PHP   |
| 16 | дата/час формування рахунку      | 12 digits | YYMMDDhhmmss, Kyiv time, optional       | KT PHP   |
| 17 | електронний підпис               | 90 B      | empty                                   | KT PHP   |

Rules applied, with their source:

- Windows-1251 by default: appendix 1 item 3 asks for the encoding that gives the smallest data
  (Cyrillic takes one byte instead of two), and the official examples use it [KT]. UTF-8 stays
  available. Either way only characters 32–255 of Windows-1251 (or their Unicode equivalents)
  are allowed, except DEL, 0x98 and NBSP (appendix 1 item 4) [KT]. We turn any run of white
  space (line breaks, tabs, NBSP) into one space — a line break would shift every later field —
  and the Ukrainian apostrophe ʼ (U+02BC, not in Windows-1251) into ’ (U+2019); any other
  character outside the set is refused.
- Amount (item 4.8): "UAH", then whole hryvnias, then either nothing or "." and exactly two
  digits of kopecks; the shorter form for whole sums [KT]; at most 999 999 999.99. We refuse a
  sum with fractions of a kopeck rather than round money, and a sum of zero or less: a free
  service needs no payment code.
- Field 10 is mandatory but the NBU publishes no list of codes; OTHR/OTHR («інше») is what [KT]
  found PrivatBank accepts (it rejects an empty field 10).
- Field 14: the text of item 4.14 and its own example disagree on bit numbering [KT], so we only
  offer the unambiguous values: empty, or FFFF (payer may change nothing).
- Field 17: empty; the official examples print "RFU" there, which [KT] reads as a marker, not a
  value, and banks accept the empty field.
- Size: the Base64URL part at most 475 bytes (table 1) and the whole link at most 507 bytes
  (item 8) [KT]; with the 23-byte prefix the first limit is the one that bites.
- The image: error correction Q, or M when the data does not fit Q within version 17; never L,
  which the ₴ mark would exhaust (appendix 1 item 13); QR version 10 to 17 (appendix 1 item 5,
  appendix 4 item 9) [KT]. [NEWS] says "versions 10 to 20, levels Q, M or L"; we keep to the
  narrower set, which satisfies both readings. The white circle's diameter per version
  (appendix 1 item 11) is from [KT]; the ₴ sign is our own stroke drawing at the size of the
  official examples (sign radius ≈ 0.7 of the circle's, [KT]), not the NBU's outline.

To verify against the Resolution's text before relying on it: the field limits and mandatory
flags, field 10's codes for budget payments (OTHR/OTHR is a placeholder), whether "RFU" belongs
in field 17, the versions (10–17 or 10–20) and the exact shape of the ₴ sign. Format 002 is not
built: it is the superseded layout, and its link prefix under Resolution 97 is reported
differently by different sources (bank.gov.ua/qr/ or qr.bank.gov.ua).
"""

import base64
import math
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from zoneinfo import ZoneInfo

import segno
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import identifiers

SERVICE_TAG = "BCD"
FORMAT_VERSION = "003"
ENCODING_UTF8 = "1"
ENCODING_CP1251 = "2"
CODECS = {ENCODING_UTF8: "utf-8", ENCODING_CP1251: "cp1251"}
FUNCTIONS = ("UCT", "ICT", "XCT")
DEFAULT_FUNCTION = "UCT"
DEFAULT_CATEGORY = "OTHR/OTHR"
LOCK_ALL = "FFFF"
SEPARATOR = "\n"
FIELD_COUNT = 17
LINK_PREFIX = "https://qr.bank.gov.ua/"
MAX_ENCODED_BYTES = 475
MAX_LINK_BYTES = 507
MAX_AMOUNT = Decimal("999999999.99")
QR_VERSIONS = range(10, 18)
ERROR_LEVELS = ("Q", "M")
KYIV = ZoneInfo("Europe/Kyiv")

_KOPECK = Decimal("0.01")
_WHITE_SPACE = re.compile(r"\s+")
_TEXT_REPLACEMENTS = str.maketrans({"\u02bc": "\u2019"})
_CATEGORY = re.compile(r"[A-Z0-9]{4}/[A-Z0-9]{4}")
_REFERENCE = re.compile(r"[\x20-\x7e]*")

LABELS = {
    "recipient": gettext_lazy("Отримувач"),
    "iban": gettext_lazy("Рахунок IBAN"),
    "amount": gettext_lazy("Сума"),
    "edrpou": gettext_lazy("Код отримувача"),
    "category": gettext_lazy("Категорія платежу"),
    "reference": gettext_lazy("Номер рахунку на оплату"),
    "purpose": gettext_lazy("Призначення платежу"),
    "display": gettext_lazy("Текст для відображення"),
    "function": gettext_lazy("Вид переказу"),
    "encoding": gettext_lazy("Кодування"),
    "valid_until": gettext_lazy("Рахунок дійсний до"),
    "created_at": gettext_lazy("Рахунок сформовано"),
}
# Limits in characters of fields 6, 11, 12 and 13 (table 2 of appendix 4).
MAX_CHARS = {"recipient": 140, "purpose": 420, "display": 140, "reference": 35}


class PaymentQRError(ValueError):
    """Details that cannot go into an NBU payment QR code; `field` names the offending one."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class MissingField(PaymentQRError):
    pass


class InvalidIBAN(PaymentQRError):
    pass


class InvalidRecipientCode(PaymentQRError):
    pass


class InvalidAmount(PaymentQRError):
    pass


class FieldTooLong(PaymentQRError):
    pass


class UnsupportedCharacters(PaymentQRError):
    pass


class InvalidOption(PaymentQRError):
    pass


class PayloadTooLarge(PaymentQRError):
    pass


def _label(field):
    return str(LABELS[field])


def clean_text(value, field, *, required=False):
    """The value as it goes into a text field: one line, checked against the allowed set."""
    text = _WHITE_SPACE.sub(" ", str(value or "").translate(_TEXT_REPLACEMENTS)).strip()
    if not text:
        if required:
            raise MissingField(_("%(field)s: заповніть це поле.") % {"field": _label(field)}, field)
        return ""
    for char in text:
        try:
            char.encode("cp1251")
            allowed = char >= " " and char != "\x7f"
        except UnicodeEncodeError:
            allowed = False
        if not allowed:
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            raise UnsupportedCharacters(
                _("%(field)s: символ «%(char)s» не можна передати в платіжному QR-коді.")
                % {"field": _label(field), "char": shown},
                field,
            )
    limit = MAX_CHARS.get(field)
    if limit and len(text) > limit:
        raise FieldTooLong(
            _("%(field)s: не більше %(max)d символів, а зараз %(count)d.")
            % {"field": _label(field), "max": limit, "count": len(text)},
            field,
        )
    return text


def normalize_iban(value):
    """The IBAN without spaces and in capitals, or InvalidIBAN saying what is wrong (check digits by
    python-stdnum, core/identifiers.py)."""
    if not _WHITE_SPACE.sub("", str(value or "")):
        raise MissingField(_("%(field)s: заповніть це поле.") % {"field": _label("iban")}, "iban")
    try:
        return identifiers.clean_ua_iban(value)
    except identifiers.IdentifierError as exc:
        raise InvalidIBAN(exc.message, "iban") from None


def clean_recipient_code(value):
    """ЄДРПОУ (8 digits) or РНОКПП (10 digits), check digit included, or InvalidRecipientCode."""
    if not _WHITE_SPACE.sub("", str(value or "")):
        raise MissingField(_("%(field)s: заповніть це поле.") % {"field": _label("edrpou")}, "edrpou")
    try:
        return identifiers.clean_recipient_code(value)
    except identifiers.IdentifierError as exc:
        raise InvalidRecipientCode(exc.message, "edrpou") from None


def format_amount(amount):
    """Field 8: "" for no amount, "UAH25" for a whole sum, "UAH25.50" otherwise (item 4.8)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidAmount(_("Сума має бути числом, наприклад 125.50."), "amount") from None
    if not value.is_finite() or value <= 0:
        raise InvalidAmount(_("Сума має бути більшою за нуль."), "amount")
    if value != value.quantize(_KOPECK):
        raise InvalidAmount(_("Сума не може містити частки копійки."), "amount")
    if value > MAX_AMOUNT:
        raise InvalidAmount(_("Сума не може перевищувати 999 999 999,99 грн."), "amount")
    value = value.quantize(_KOPECK)
    if value == value.to_integral_value():
        return f"UAH{int(value)}"
    return f"UAH{value:.2f}"


def format_datetime(value, field):
    """Fields 15–16: YYMMDDhhmmss in Kyiv time; the format carries no offset, so Kyiv is assumed."""
    if value is None:
        return ""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidOption(
            _("%(field)s: потрібні дата й час із часовим поясом.") % {"field": _label(field)}, field
        )
    return value.astimezone(KYIV).strftime("%y%m%d%H%M%S")


def build_payload(recipient, iban, amount, edrpou, purpose, *, function=DEFAULT_FUNCTION,
                  encoding=ENCODING_CP1251, category=DEFAULT_CATEGORY, reference="", display="",
                  locked=False, valid_until=None, created_at=None):
    """The 17 fields of format 003 joined by LF, as text (encode with `payload_bytes`).

    `amount` None leaves the sum to the payer; `edrpou` is the recipient's ЄДРПОУ (8 digits) or
    РНОКПП (10 digits); `locked` forbids the payer to change any field (field 14 = FFFF).
    Raises a PaymentQRError subclass with a Ukrainian message naming the field.
    """
    if function not in FUNCTIONS:
        raise InvalidOption(_("Невідомий вид переказу: %(value)s.") % {"value": function}, "function")
    if encoding not in CODECS:
        raise InvalidOption(_("Невідоме кодування: %(value)s.") % {"value": encoding}, "encoding")
    category = (category or DEFAULT_CATEGORY).strip().upper()
    if not _CATEGORY.fullmatch(category):
        raise InvalidOption(
            _("Категорія платежу має вигляд CCCC/PPPP, наприклад OTHR/OTHR."), "category"
        )
    reference = str(reference or "").strip()
    if not _REFERENCE.fullmatch(reference):
        raise UnsupportedCharacters(
            _("%(field)s: лише латинські літери, цифри та знаки ASCII.") % {"field": _label("reference")},
            "reference",
        )
    if len(reference) > MAX_CHARS["reference"]:
        raise FieldTooLong(
            _("%(field)s: не більше %(max)d символів, а зараз %(count)d.")
            % {"field": _label("reference"), "max": MAX_CHARS["reference"], "count": len(reference)},
            "reference",
        )
    fields = [
        SERVICE_TAG,
        FORMAT_VERSION,
        encoding,
        function,
        "",  # 5: unique recipient id, reserved
        clean_text(recipient, "recipient", required=True),
        normalize_iban(iban),
        format_amount(amount),
        clean_recipient_code(edrpou),
        category,
        reference,
        clean_text(purpose, "purpose", required=True),
        clean_text(display, "display"),
        LOCK_ALL if locked else "",
        format_datetime(valid_until, "valid_until"),
        format_datetime(created_at, "created_at"),
        "",  # 17: electronic signature, not used
    ]
    return SEPARATOR.join(fields)


def payload_bytes(payload):
    """The payload encoded as its field 3 says."""
    fields = payload.split(SEPARATOR)
    if len(fields) != FIELD_COUNT or fields[0] != SERVICE_TAG or fields[2] not in CODECS:
        raise ValueError("not a format 003 payload")
    return payload.encode(CODECS[fields[2]])


def link_for_payload(payload):
    """https://qr.bank.gov.ua/ + Base64URL (no padding) of the payload, within the size limits."""
    encoded = base64.urlsafe_b64encode(payload_bytes(payload)).rstrip(b"=").decode("ascii")
    link = LINK_PREFIX + encoded
    over = max(len(encoded) - MAX_ENCODED_BYTES, len(link) - MAX_LINK_BYTES)
    if over > 0:
        # Base64 turns 3 bytes into 4; say how much text to drop, in Windows-1251 characters.
        raise PayloadTooLarge(
            _("Реквізити задовгі для QR-коду: скоротіть призначення платежу чи назву отримувача "
              "(зайвих символів — близько %(chars)d).") % {"chars": math.ceil(over * 3 / 4)},
            "purpose",
        )
    return link


def payment_link(recipient, iban, amount, edrpou, purpose, **options):
    """The link a banking app opens, which is also what the QR code holds."""
    return link_for_payload(build_payload(recipient, iban, amount, edrpou, purpose, **options))


def make_qr(data):
    """The QR symbol for `data` at the highest allowed error correction within versions 10–17."""
    for level in ERROR_LEVELS:
        qr = segno.make(data, error=level, boost_error=False, micro=False)
        if qr.version < QR_VERSIONS.start:
            # Small data would give a small version; the rules ask for at least 10, so the
            # symbol is padded up to it.
            qr = segno.make(data, error=level, boost_error=False, micro=False, version=QR_VERSIONS.start)
        if qr.version in QR_VERSIONS:
            return qr
    raise PayloadTooLarge(_("Реквізити задовгі для QR-коду: скоротіть призначення платежу."), "purpose")


# Appendix 1 item 11 via [KT]: diameter of the white circle in modules for each QR version.
_CIRCLE_MODULES = {10: 17, 11: 19, 12: 19, 13: 21, 14: 23, 15: 23, 16: 25, 17: 25}
# The examples draw the sign's circumscribed circle at about 0.6957 of the white circle [KT].
_SIGN_TO_CIRCLE = 0.6957


def _hryvnia_mark(center, version):
    """SVG for the white circle and the ₴ sign, in module units, centred on the symbol."""
    radius = _CIRCLE_MODULES[version] / 2
    # The sign is a mirrored S (two hooks of radius r, point-symmetric about the centre, joined by
    # a diagonal) crossed by two bars; u is half its height, and its outer points lie about 1.11 u
    # from the centre, which puts them on the circle the examples draw.
    u = radius * _SIGN_TO_CIRCLE / 1.11
    r, stroke = 0.5 * u, 0.22 * u

    def on_upper_hook(degrees):
        angle = math.radians(degrees)
        return center + r * math.cos(angle), center - 0.5 * u + r * math.sin(angle)

    def mirrored(point):
        return 2 * center - point[0], 2 * center - point[1]

    start, bend = on_upper_hook(200), on_upper_hook(40)
    low_bend, end = mirrored(bend), mirrored(start)

    def xy(point):
        return f"{point[0]:.3f},{point[1]:.3f}"

    hooks = (f"M{xy(start)}A{r:.3f},{r:.3f} 0 1 1 {xy(bend)}L{xy(low_bend)}"
             f"A{r:.3f},{r:.3f} 0 1 0 {xy(end)}")
    bars = "".join(f"M{center - 0.62 * u:.3f},{center + dy * u:.3f}h{1.24 * u:.3f}" for dy in (-0.14, 0.14))
    return (
        f'<circle cx="{center:.3f}" cy="{center:.3f}" r="{radius:.3f}" fill="#fff"/>'
        f'<path d="{hooks}{bars}" fill="none" stroke="#000" stroke-width="{stroke:.3f}" '
        f'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def render_svg(data, *, scale=4, border=4, mark=True):
    """The QR code for `data` (usually a payment link) as SVG text, with the ₴ mark by default."""
    qr = make_qr(data)
    out = BytesIO()
    # An explicit white background: on a dark page a transparent one would be unreadable.
    qr.save(out, kind="svg", scale=scale, border=border, xmldecl=False, light="#fff",
            title=_("QR-код для оплати в застосунку банку"))
    svg = out.getvalue().decode("utf-8")
    if mark:
        size = qr.symbol_size(scale=1, border=border)[0]
        overlay = f'<g transform="scale({scale})">{_hryvnia_mark(size / 2, qr.version)}</g>'
        svg = svg.replace("</svg>", overlay + "</svg>")
    return svg


def render_png(data, *, scale=4, border=4):
    """The QR code for `data` as PNG bytes.

    Without the ₴ mark that formats 002/003 require on the image: segno draws modules only.
    Show the SVG (render_svg) to people; use this where only a bitmap will do, and know it.
    """
    out = BytesIO()
    make_qr(data).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()

"""Importing a community's address register from a CSV or GeoJSON file (`manage.py import_addresses`).

All or nothing: the file is read and checked whole before anything is written, and written in one
transaction; a file with refused lines changes nothing unless the caller accepts leaving them out
(`skip_bad`). The report names every refused line and why, in words for the staff member.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Settlement

from .models import LAT_RANGE, LON_RANGE, AddressPoint, in_ukraine
from .normalise import address_key, house_key, settlement_key, street_key

BATCH = 2000

# Column names as registers, spreadsheets and OpenStreetMap extracts write them (compared by match form).
COLUMNS = {
    "street": ("street", "addr:street", "street_name", "вулиця", "назва вулиці", "вул", "вул."),
    "house": ("house", "housenumber", "house_number", "addr:housenumber", "будинок", "номер будинку",
              "№ будинку", "буд", "буд.", "номер"),
    "settlement": ("settlement", "city", "addr:city", "addr:place", "place", "locality", "населений пункт",
                   "нас. пункт", "нп", "місто", "село"),
    "lat": ("lat", "latitude", "широта", "y"),
    "lon": ("lon", "lng", "long", "longitude", "довгота", "x"),
}


class RegisterFileError(Exception):
    """The file as a whole cannot be read (not CSV or GeoJSON, no street column …); for the user."""


@dataclass
class Report:
    total: int = 0
    taken: int = 0
    unchanged: int = 0
    replaced: int = 0
    refused: list = field(default_factory=list)  # (line, message)
    written: bool = False

    def refuse(self, line, message):
        self.refused.append((line, message))

    def lines(self):
        # "Label: n" needs no plural forms (ngettext knows only one and many without a catalogue).
        out = [_("Рядків у файлі: %(n)d.") % {"n": self.total}, _("Прийнято адрес: %(n)d.") % {"n": self.taken}]
        if self.replaced:
            out.append(_("З них оновлено координати: %(n)d.") % {"n": self.replaced})
        if self.unchanged:
            out.append(_("Уже є в реєстрі з тими самими координатами (пропущено): %(n)d.") % {"n": self.unchanged})
        if self.refused:
            out.append(_("Не прийнято рядків: %(n)d.") % {"n": len(self.refused)})
            out.extend(_("  рядок %(line)s: %(why)s") % {"line": line, "why": why} for line, why in self.refused)
        return out


def _columns(names):
    """Which of our fields each header is, by its match form ("Addr:Street" is addr:street)."""
    found = {}
    for name in names:
        key = (name or "").strip().lower().lstrip("\ufeff")
        for ours, aliases in COLUMNS.items():
            if key in aliases and ours not in found:
                found[ours] = name
    return found


def read_rows(data, filename=""):
    """(line, {street, house, settlement, lat, lon}) for each row of a CSV or GeoJSON file given as bytes.

    A GeoJSON feature's "line" is its number in the file (1 for the first feature).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved on Ukrainian Windows.
        text = data.decode("cp1251", errors="replace")
    stripped = text.lstrip()
    if filename.lower().endswith((".geojson", ".json")) or stripped.startswith("{"):
        return _geojson_rows(stripped)
    return _csv_rows(text)


def _csv_rows(text):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise RegisterFileError(_("Файл порожній."))
    cols = _columns(header)
    missing = [c for c in ("street", "house", "lat", "lon") if c not in cols]
    if missing:
        raise RegisterFileError(
            _("У першому рядку файлу немає стовпців: %(missing)s. Потрібні вулиця, будинок, широта, довгота "
              "(наприклад street, house, settlement, lat, lon або addr:street, addr:housenumber, addr:city).")
            % {"missing": ", ".join(missing)}
        )
    index = {ours: header.index(name) for ours, name in cols.items()}
    rows = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            rows.append((line, None))  # a broken row: fewer cells than the header
            continue
        rows.append((line, {ours: row[i].strip() for ours, i in index.items()}))
    return rows


def _geojson_rows(text):
    try:
        doc = json.loads(text)
    except ValueError:
        raise RegisterFileError(_("Файл не є правильним GeoJSON (JSON не читається).")) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise RegisterFileError(_("У файлі GeoJSON немає списку об'єктів (features)."))
    rows = []
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        props = feature.get("properties") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coords, list)
                or len(coords) < 2 or not isinstance(props, dict)):
            rows.append((number, None))
            continue
        cols = _columns(props)
        row = {ours: str(props[name]).strip() for ours, name in cols.items() if props[name] is not None}
        # GeoJSON is longitude first.
        row["lon"], row["lat"] = str(coords[0]), str(coords[1])
        rows.append((number, row))
    return rows


def _number(value):
    try:
        number = Decimal((value or "").replace(",", ".").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def import_rows(community, rows, *, source="", default_settlement=None, skip_bad=False, replace=False,
                dry_run=False):
    """Check every row, then write the good ones in one transaction (see the module's docstring).

    `default_settlement` is the settlement of rows that name none. A house already in the register
    with the same point is left as it is; with another point it is refused, or updated if `replace`.
    """
    report = Report(total=len(rows))
    settlements = {settlement_key(s.name): s for s in Settlement.objects.filter(community=community)}
    existing = dict(AddressPoint.objects.filter(community=community).values_list("key", "pk"))
    existing_points = {}
    if existing:
        existing_points = {
            key: (lat, lon) for key, lat, lon in
            AddressPoint.objects.filter(community=community).values_list("key", "latitude", "longitude")
        }
    seen = {}
    new, updates = [], []
    now = timezone.now()
    for line, row in rows:
        if row is None:
            report.refuse(line, _("рядок пошкоджено: не вистачає клітинок або це не точка."))
            continue
        street, house = row.get("street", ""), row.get("house", "")
        if not street or not house or not street_key(street) or not house_key(house):
            report.refuse(line, _("не вказано вулицю або номер будинку."))
            continue
        name = row.get("settlement", "")
        settlement = settlements.get(settlement_key(name)) if name else default_settlement
        if settlement is None:
            report.refuse(line, _("населеного пункту «%(name)s» немає в громаді.") % {"name": name} if name
                          else _("не вказано населений пункт."))
            continue
        lat, lon = _number(row.get("lat")), _number(row.get("lon"))
        if lat is None or lon is None:
            report.refuse(line, _("координати не є числами."))
            continue
        if not in_ukraine(lat, lon):
            if in_ukraine(lon, lat):
                report.refuse(line, _("широту й довготу переплутано місцями (широта %(lat)s, довгота %(lon)s); "
                                      "виправте файл.") % {"lat": lat, "lon": lon})
            else:
                report.refuse(line, _("точка поза Україною (широта має бути між %(a)s і %(b)s, довгота — між "
                                      "%(c)s і %(d)s).") % {"a": LAT_RANGE[0], "b": LAT_RANGE[1],
                                                           "c": LON_RANGE[0], "d": LON_RANGE[1]})
            continue
        lat, lon = lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))
        key = address_key(settlement.pk, street, house)
        if key in seen:
            report.refuse(line, _("ця адреса вже є у файлі в рядку %(line)s.") % {"line": seen[key]})
            continue
        seen[key] = line
        point = AddressPoint(
            community_id=community.pk, settlement_id=settlement.pk, street=street[:200], house=house[:40], key=key,
            street_key=street_key(street)[:200], house_key=house_key(house)[:40], latitude=lat, longitude=lon,
            source=source[:200], imported_at=now,
        )
        if key in existing:
            if existing_points[key] == (lat, lon):
                report.unchanged += 1
                continue
            if not replace:
                report.refuse(line, _("ця адреса вже є в реєстрі з іншими координатами (%(lat)s, %(lon)s); "
                                      "щоб замінити, запустіть з --replace.")
                              % {"lat": existing_points[key][0], "lon": existing_points[key][1]})
                continue
            point.pk = existing[key]
            updates.append(point)
            continue
        new.append(point)
    report.taken = len(new) + len(updates)
    report.replaced = len(updates)
    if dry_run or (report.refused and not skip_bad):
        return report
    with transaction.atomic():
        AddressPoint.objects.bulk_create(new, batch_size=BATCH)
        AddressPoint.objects.bulk_update(updates, ["street", "house", "latitude", "longitude", "source", "imported_at"],
                                         batch_size=BATCH)
    report.written = True
    return report

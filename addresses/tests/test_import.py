"""`manage.py import_addresses`: what a community's GIS or an OpenStreetMap extract gives, and bad files."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from addresses.models import AddressPoint
from addresses.register import import_rows, read_rows

pytestmark = pytest.mark.django_db

HEADER_UK = "населений пункт,вулиця,будинок,широта,довгота\n"


def run(tmp_path, text, *args, name="register.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    out = []

    class Out:
        def write(self, s):
            out.append(s)

        def flush(self):
            pass

    call_command("import_addresses", str(path), "--community", "a", *args, stdout=Out())
    return "".join(out)


@pytest.fixture
def community(world):
    world.a.slug = "a"
    world.a.save(update_fields=["slug"])
    return world.a


def test_a_ukrainian_csv_is_taken(world, community, tmp_path):
    out = run(tmp_path, HEADER_UK
              + "м. Місто,вулиця Шевченка,12-А,48.512345,35.012345\n"
              + "Місто,пров. Квітковий,3,\"48,5001\",\"35,0002\"\n")
    assert "Прийнято адрес: 2." in out
    point = AddressPoint.objects.get(community=community, house_key="12а")
    assert (point.settlement, point.street, point.latitude) == (world.city, "вулиця Шевченка", Decimal("48.512345"))
    assert point.key == f"{world.city.pk}|вулиця|шевченка|12а"
    assert point.source == "register.csv"


def test_an_openstreetmap_extract_with_semicolons_and_windows_encoding(world, community, tmp_path):
    text = ("addr:city;addr:street;addr:housenumber;lat;lon\n"
            "Місто;вулиця Мар’янівська;7;48.51;35.01\n"
            "Далеке;вулиця Садова;1;48.40;35.20\n")
    out = run(tmp_path, text, encoding="utf-8")
    assert "Прийнято адрес: 2." in out
    assert AddressPoint.objects.filter(settlement=world.village, street_key="садова").exists()
    assert AddressPoint.objects.filter(street_key="мар'янівська").exists()


def test_a_spreadsheet_saved_in_cp1251(world, community, tmp_path):
    out = run(tmp_path, "settlement,street,house,latitude,longitude\nМісто,вул. Соборна,1,48.5,35.0\n",
              encoding="cp1251")
    assert "Прийнято адрес: 1." in out
    assert AddressPoint.objects.get().street == "вул. Соборна"


def test_geojson_points(world, community, tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.0101, 48.5101]},
         "properties": {"addr:street": "вулиця Миру", "addr:housenumber": "5/1", "addr:city": "Місто"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}},
    ]}
    with pytest.raises(CommandError):
        run(tmp_path, json.dumps(doc, ensure_ascii=False), name="osm.geojson")
    assert not AddressPoint.objects.exists()
    out = run(tmp_path, json.dumps(doc, ensure_ascii=False), "--skip-bad", name="osm.geojson")
    assert "рядок 2: рядок пошкоджено" in out
    point = AddressPoint.objects.get()
    assert (point.latitude, point.longitude, point.house_key) == (Decimal("48.510100"), Decimal("35.010100"), "5/1")


BAD = (HEADER_UK
       + "Місто,вулиця Шевченка,1,48.5,35.0\n"          # line 2: good
       + "Місто,вулиця Шевченка\n"                         # 3: broken row
       + "Місто,,2,48.5,35.0\n"                            # 4: no street
       + "Місто,вулиця Шевченка,3,55.75,37.61\n"           # 5: outside Ukraine
       + "Місто,вулиця Шевченка,4,35.0,48.5\n"             # 6: swapped
       + "Місто,вулиця Шевченка,5,north,35.0\n"            # 7: not a number
       + "Атлантида,вулиця Шевченка,6,48.5,35.0\n"         # 8: not our settlement
       + "Місто,вул. Шевченка,1,48.51,35.01\n"             # 9: the same house as line 2
       + "Місто,вулиця Шевченка,7,48.5,35.0\n")            # 10: good


def test_bad_rows_are_reported_by_line_and_nothing_is_written(world, community, tmp_path):
    with pytest.raises(CommandError, match="Реєстр не змінено"):
        run(tmp_path, BAD)
    assert not AddressPoint.objects.exists()
    rows = read_rows(BAD.encode())
    report = import_rows(community, rows, dry_run=True)
    refused = dict(report.refused)
    assert sorted(refused) == [3, 4, 5, 6, 7, 8, 9]
    assert "пошкоджено" in refused[3]
    assert "вулицю або номер" in refused[4]
    assert "поза Україною" in refused[5]
    assert "переплутано" in refused[6]
    assert "не є числами" in refused[7]
    assert "«Атлантида»" in refused[8]
    assert "рядку 2" in refused[9]
    assert report.taken == 2 and not report.written


def test_skip_bad_takes_the_good_rows_and_lists_the_rest(world, community, tmp_path):
    out = run(tmp_path, BAD, "--skip-bad")
    assert "Прийнято адрес: 2." in out and "Не прийнято рядків: 7." in out
    assert "рядок 6: широту й довготу переплутано" in out
    assert AddressPoint.objects.count() == 2


def test_dry_run_writes_nothing(world, community, tmp_path):
    out = run(tmp_path, HEADER_UK + "Місто,вулиця Шевченка,1,48.5,35.0\n", "--dry-run")
    assert "без запису" in out
    assert not AddressPoint.objects.exists()


def test_a_second_import_of_the_same_file_changes_nothing(world, community, tmp_path):
    text = HEADER_UK + "Місто,вулиця Шевченка,1,48.5,35.0\n"
    run(tmp_path, text)
    out = run(tmp_path, text)
    assert "з тими самими координатами (пропущено): 1" in out
    assert AddressPoint.objects.count() == 1


def test_a_moved_house_is_refused_unless_replace(world, community, tmp_path):
    run(tmp_path, HEADER_UK + "Місто,вулиця Шевченка,1,48.5,35.0\n")
    moved = HEADER_UK + "Місто,вул. Шевченка,1,48.6,35.1\n"
    with pytest.raises(CommandError):
        out = run(tmp_path, moved)
    assert AddressPoint.objects.get().latitude == Decimal("48.5")
    out = run(tmp_path, moved, "--replace")
    assert "оновлено координати: 1" in out
    assert AddressPoint.objects.get().latitude == Decimal("48.6")


def test_a_file_without_the_columns_is_refused_whole(world, community, tmp_path):
    with pytest.raises(CommandError, match="немає стовпців: lat, lon"):
        run(tmp_path, "вулиця,будинок\nШевченка,1\n")


def test_rows_without_a_settlement_take_the_one_given(world, community, tmp_path):
    text = "street,house,lat,lon\nвулиця Садова,1,48.40,35.20\n"
    with pytest.raises(CommandError):
        run(tmp_path, text)
    run(tmp_path, text, "--settlement", "с. Далеке")
    assert AddressPoint.objects.get().settlement == world.village


def test_another_community_is_untouched(world, community, tmp_path):
    run(tmp_path, HEADER_UK + "Місто,вулиця Шевченка,1,48.5,35.0\n")
    assert not AddressPoint.objects.filter(community=world.b).exists()
    # The other community's settlement is not ours.
    with pytest.raises(CommandError):
        run(tmp_path, HEADER_UK + f"{world.b_city.name},вулиця Шевченка,1,48.5,35.0\n")

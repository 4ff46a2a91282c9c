"""Import an address register of --rows houses (100,000 by default) and print the time (issue 10).

A throwaway community with 20 settlements gets a CSV as a GIS export gives it, with one row in a hundred
broken (no coordinates, a point outside Ukraine, swapped latitude and longitude, a repeated house), so
the checks run on every row; the good rows are written with --skip-bad. Everything is rolled back at
the end: the database is left as it was. Last line: `rows=… taken=… refused=… read_s=… import_s=…`.
"""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from addresses.register import import_rows, read_rows
from communities.models import Community, Settlement


class _Rollback(Exception):
    pass


def register_csv(rows, settlements, seed=10):
    rnd = random.Random(seed)
    lines = ["settlement,street,house,lat,lon"]
    kinds = ["вулиця", "вул.", "провулок", "проспект", "бульвар"]
    for i in range(rows):
        town = settlements[i % len(settlements)]
        street = f"{kinds[i % len(kinds)]} Вулична-{i // 200}"
        house = f"{i % 200 + 1}"
        lat, lon = 48 + rnd.random(), 35 + rnd.random()
        bad = i % 100
        if bad == 1:
            lines.append(f"{town},{street},{house},,")
        elif bad == 2:
            lines.append(f"{town},{street},{house},55.75,37.61")
        elif bad == 3:
            lines.append(f"{town},{street},{house},{lon:.6f},{lat:.6f}")
        elif bad == 4 and i:
            lines.append(lines[-1])
        else:
            lines.append(f"{town},{street},{house},{lat:.6f},{lon:.6f}")
    return ("\n".join(lines) + "\n").encode()


class Command(BaseCommand):
    help = "Time the import of a large address register (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)

    def handle(self, *args, **opts):
        try:
            with transaction.atomic():
                community = Community.objects.create(name="Бенчмарк адрес", slug="bench-addresses-throwaway")
                names = [f"Село-{n}" for n in range(20)]
                Settlement.objects.bulk_create(Settlement(community=community, name=n) for n in names)
                data = register_csv(opts["rows"], names)
                started = time.monotonic()
                rows = read_rows(data, "bench.csv")
                read_s = time.monotonic() - started
                report = import_rows(community, rows, source="bench.csv", skip_bad=True)
                import_s = time.monotonic() - started
                self.stdout.write(f"rows={report.total} taken={report.taken} refused={len(report.refused)} "
                                  f"read_s={read_s:.1f} import_s={import_s:.1f}")
                raise _Rollback
        except _Rollback:
            pass

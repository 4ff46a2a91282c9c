"""Support for bench_sync and soak_sync, run inside their throwaway site (bench/field/throwaway_site.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench.field import stand_data


class Command(BaseCommand):
    help = ("Стенд для bench_sync і soak_sync: «seed» створює сьогоднішній виїзд, «session» — вхід "
            "адміністратора, «check» звіряє базу з тим, що зробив клієнт. Лише для тимчасової бази стенду.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seed", "session", "check"])
        parser.add_argument("--visits", type=int, default=30)
        parser.add_argument("--expected", help="JSON file with what the client did (for check)")

    def handle(self, *args, action, visits, expected, **options):
        from communities.models import Community

        # A guard against running it on a real database: the stand's community must be the only one.
        if Community.objects.exclude(slug=stand_data.SLUG).exists():
            raise CommandError("This database holds real communities; field_bench_data runs only on a stand.")
        if action == "seed":
            result = stand_data.seed_trip(visits)
        elif action == "session":
            stand_data._world()
            result = {"session": stand_data.session_for("bench-field")}
        else:
            if not expected:
                raise CommandError("--expected is required for check")
            result = stand_data.check(json.loads(Path(expected).read_text()))
        self.stdout.write(json.dumps(result, ensure_ascii=False))

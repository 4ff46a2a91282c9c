"""Support for chaos_worker, run inside its throwaway site (bench/chaos/stand.py)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from bench.chaos import stand
from bench.field import stand_data


class Command(BaseCommand):
    help = ("Стенд для chaos_worker: «seed» створює громаду з командою і пулом заявок, «feed» виконує "
            "накази зі stdin (поставити роботу раунду в чергу, дочекатися потрібної миті), «status» — скільки "
            "роботи ще відкрито, «check» — чим усе закінчилося. Лише для тимчасової бази стенду.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seed", "feed", "status", "check"])
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, action, seed, **options):
        from communities.models import Community

        # A guard against running it on a real database: the stand's community must be the only one.
        if Community.objects.exclude(slug=stand_data.SLUG).exists():
            raise CommandError("This database holds real communities; chaos_data runs only on a stand.")
        if action == "feed":
            # One order per line read ("queue <round>", "wait <kind> <seconds>"), one JSON line
            # answered. The driver keeps this process for the whole run rather than paying Django's
            # start for every order.
            for line in sys.stdin:
                order, *rest = line.split()
                if order == "queue":
                    result = stand.queue_round(int(rest[0]), seed)
                else:
                    result = {"busy": stand.wait_for(rest[0], float(rest[1]))}
                self.stdout.write(json.dumps(result))
                self.stdout.flush()
            return
        result = {"seed": stand.seed, "status": stand.status, "check": stand.check}[action]()
        self.stdout.write(json.dumps(result, ensure_ascii=False))

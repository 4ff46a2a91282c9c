"""Support for prod_check, run inside its throwaway database (bench/prod/stand.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from bench.field import stand_data
from bench.prod import stand


class Command(BaseCommand):
    help = (
        "Стенд для prod_check: «seed» створює громаду стенду й користувачів, «plan» приймає заявку й "
        "ставить розрахунок плану в чергу, «state» показує розрахунок, «publish» оприлюднює план. "
        "Лише для тимчасової бази стенду."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seed", "plan", "state", "publish"])
        parser.add_argument("--password", default="")
        parser.add_argument("--request", type=int)
        parser.add_argument("--plan", type=int)

    def handle(self, *args, action, password, request, plan, **options):
        from communities.models import Community

        # A guard against running it on a real database: the stand's community must be the only one.
        if Community.objects.exclude(slug=stand_data.SLUG).exists():
            raise CommandError("This database holds real communities; prod_check_data runs only on a stand.")
        if action == "seed":
            if len(password) < 12:
                raise CommandError("--password of at least 12 characters is required for seed")
            result = stand.seed(password)
        elif action == "plan":
            result = stand.plan(request)
        elif action == "state":
            result = stand.plan_state(plan)
        else:
            result = stand.publish(plan)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

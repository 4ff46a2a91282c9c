"""p50/p95 of the busy staff pages on the national set (bench/scale/pages.py), issue 17."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.scale import pages


class Command(BaseCommand):
    help = (
        "Вимірює p50/p95 сторінок працівників на наборі seed_scale (список заявок, картка, журнал, планування, "
        "журнал доступу, API) поруч із «голим» запитом; останній рядок — підсумок."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=30)
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            help="only the pages whose name contains this (may be given several times), e.g. --only 'sync batch'",
        )

    def handle(self, *args, rounds, only, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("Увага: це не PostgreSQL — цифри не показові.")
        try:
            result = pages.run(rounds=rounds, only=only, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if result["bad"]:
            raise CommandError("some pages did not answer 200")

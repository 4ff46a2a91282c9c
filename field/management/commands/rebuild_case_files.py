from django.core.management.base import BaseCommand

from field.case_files import rebuild_due


class Command(BaseCommand):
    help = ("Build the case files (intake inventory, photos PDF) that were asked for and not built: a "
            "build whose worker died or that failed, after VALIZA_CASE_FILES_RETRY_SECONDS. The worker "
            "does this by itself; run it from cron where no worker runs, e.g. "
            "`*/15 * * * * cd /srv/valiza && .venv/bin/python manage.py rebuild_case_files`. With --all, "
            "also those given up after VALIZA_CASE_FILES_MAX_ATTEMPTS. Safe to run any number of times.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also try again what was given up")

    def handle(self, *args, all=False, **options):
        counts = rebuild_due(include_given_up=all)
        self.stdout.write(f"built={counts['built']} failed={counts['failed']}")

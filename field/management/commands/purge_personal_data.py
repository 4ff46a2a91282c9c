from django.core.management.base import BaseCommand

from field.retention import purge_personal_data


class Command(BaseCommand):
    help = ("Remove or anonymise personal data past its term (VALIZA_KEEP_DOOR_CODES_DAYS, "
            "VALIZA_KEEP_LOCATION_DAYS, VALIZA_KEEP_CLOSED_REQUESTS_YEARS, VALIZA_KEEP_SCANS_DAYS). "
            "The background worker does this "
            "every check; run it daily from cron as a safety net, e.g. "
            "`20 3 * * * cd /srv/valiza && .venv/bin/python manage.py purge_personal_data`. "
            "Safe to run any number of times.")

    def handle(self, *args, **options):
        done = purge_personal_data()
        self.stdout.write(" ".join(f"{kind}={count}" for kind, count in done.items()))

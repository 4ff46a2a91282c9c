import datetime

from django.core.management.base import BaseCommand, CommandError

from field.retention import purge_videos


class Command(BaseCommand):
    help = ("Delete session videos kept longer than VALIZA_VIDEO_KEEP_DAYS after their visit "
            "(the file goes, the record stays marked «purged»). The background worker does this on the "
            "day each video falls due; run this daily from cron as a safety net, e.g. "
            "`15 3 * * * cd /srv/valiza && .venv/bin/python manage.py purge_field_videos`. "
            "Safe to run any number of times.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Purge as if today were this date (YYYY-MM-DD); for checks by hand.")

    def handle(self, *args, today=None, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must be a date as YYYY-MM-DD") from None
        self.stdout.write(f"purged={purge_videos(today)}")

from django.core.management.base import BaseCommand

from notifications.outbox import send_due


class Command(BaseCommand):
    help = ("Send the SMS that are due, once, in this process. The background worker does this by "
            "itself; this is for cron as a safety net, or to flush the queue by hand.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        counts = send_due(limit=limit)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))

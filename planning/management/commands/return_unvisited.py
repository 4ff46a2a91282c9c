"""Return to the planning pool the requests whose visit day passed with no outcome (for cron;
the worker also runs it the night after each published visit day)."""

from django.core.management.base import BaseCommand

from planning.actions import return_unvisited


class Command(BaseCommand):
    help = "Повертає до планування заявки, візит за якими не відбувся (день минув, результату немає)."

    def handle(self, *args, **options):
        returned = return_unvisited()
        self.stdout.write(f"returned={returned}")

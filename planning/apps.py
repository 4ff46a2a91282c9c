from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Планування"

    def ready(self):
        from visits import lookups

        from .bookings import status_of

        # The citizens' status page finds a booking by its number and phone too (issue 12).
        lookups.register(status_of)

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Показники"

    def ready(self):
        from . import stale

        stale.connect()

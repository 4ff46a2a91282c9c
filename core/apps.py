from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Valiza"

    def ready(self):
        from . import logs

        logs.connect_signals()

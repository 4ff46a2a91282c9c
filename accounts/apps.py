from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Користувачі"

    def ready(self):
        from . import second_factor

        second_factor.connect_signals()

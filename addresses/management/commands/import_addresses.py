"""manage.py import_addresses FILE [--community SLUG] [--dry-run]: load the community's address register."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from addresses.normalise import settlement_key
from addresses.register import RegisterFileError, import_rows, read_rows
from communities.models import Community, Settlement


class Command(BaseCommand):
    help = ("Завантажити адресний реєстр громади з CSV або GeoJSON (вулиця, будинок, населений пункт, "
            "широта, довгота). Файл з помилками не змінює нічого, якщо не вказано --skip-bad.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--community", help="slug громади (можна не вказувати, якщо громада одна)")
        parser.add_argument("--settlement", help="населений пункт для рядків, де його не вказано")
        parser.add_argument("--dry-run", action="store_true", help="лише перевірити файл, нічого не записувати")
        parser.add_argument("--skip-bad", action="store_true",
                            help="записати правильні рядки, навіть якщо деякі не прийнято")
        parser.add_argument("--replace", action="store_true",
                            help="оновити координати адрес, що вже є в реєстрі")

    def handle(self, *args, **opts):
        community = self._community(opts["community"])
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(f"Не вдалося прочитати файл {path}: {e.strerror}") from None
        default = None
        if opts["settlement"]:
            default = next((s for s in Settlement.objects.filter(community=community)
                            if settlement_key(s.name) == settlement_key(opts["settlement"])), None)
            if default is None:
                raise CommandError(f"Населеного пункту «{opts['settlement']}» немає в громаді {community.slug}.")
        started = time.monotonic()
        try:
            rows = read_rows(data, path.name)
        except RegisterFileError as e:
            raise CommandError(str(e)) from None
        report = import_rows(community, rows, source=path.name, default_settlement=default,
                             skip_bad=opts["skip_bad"], replace=opts["replace"], dry_run=opts["dry_run"])
        seconds = time.monotonic() - started
        for line in report.lines():
            self.stdout.write(line)
        if opts["dry_run"]:
            self.stdout.write("Перевірка без запису (--dry-run): реєстр не змінено.")
        elif report.written:
            self.stdout.write(f"Записано до реєстру за {seconds:.1f} с. Щоб перенести до будинків заявки, що вже "
                              f"стоять приблизно: manage.py locate_requests --community {community.slug}")
        else:
            raise CommandError("Реєстр не змінено: виправте рядки, наведені вище, і запустіть знову "
                               "(або з --skip-bad, щоб записати лише правильні).")

    def _community(self, slug):
        if slug:
            try:
                return Community.objects.get(slug=slug)
            except Community.DoesNotExist:
                raise CommandError(f"Громади зі slug «{slug}» немає.") from None
        communities = list(Community.objects.all()[:2])
        if len(communities) != 1:
            raise CommandError("Вкажіть громаду: --community SLUG.")
        return communities[0]

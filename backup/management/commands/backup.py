"""manage.py backup DIR: the database, media and uploads in progress, with a manifest of checksums."""

from django.core.management.base import BaseCommand, CommandError

from backup.actions import make_backup
from backup.manifest import BackupError
from backup.units import human_size


class Command(BaseCommand):
    help = ("Робить резервну копію: база даних (SQLite — онлайн-копія, PostgreSQL — pg_dump), фото, відео, PDF "
            "і незавершені завантаження, перелік із контрольними сумами (manifest.json). DIR — нова або порожня тека.")

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR")

    def handle(self, *args, folder, **options):
        try:
            summary = make_backup(folder, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup ok: {folder} database={human_size(summary.database_bytes)} files={summary.files} "
                          f"({human_size(summary.files_bytes)}) seconds={summary.seconds:.1f}")

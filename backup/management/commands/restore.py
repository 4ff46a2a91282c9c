"""manage.py restore DIR [--force] [--check]: put a backup made by `manage.py backup` in place."""

from django.core.management.base import BaseCommand, CommandError

from backup.actions import check_backup, restore_backup
from backup.manifest import BackupError
from backup.units import human_size


class Command(BaseCommand):
    help = ("Відновлює резервну копію з теки DIR: спершу перевіряє все (перелік, контрольні суми, міграції, порожню "
            "базу), потім база даних і файли, наприкінці — ланцюг журналу (verify_journal).")

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR")
        parser.add_argument("--force", action="store_true",
                            help="замінити непорожню базу даних і теки файлів (усе, що в них є, буде втрачено)")
        parser.add_argument("--check", action="store_true",
                            help="лише перевірити копію (перелік, контрольні суми, міграції), нічого не змінюючи")

    def handle(self, *args, folder, force, check, **options):
        try:
            if check:
                data = check_backup(folder)
                total = sum(entry["size"] for entry in data["files"])
                self.stdout.write(f"backup ok: created_at={data['created_at']} "
                                  f"database={human_size(data['database']['size'])} files={len(data['files'])} "
                                  f"({human_size(total)})")
                return
            summary = restore_backup(folder, force=force, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restore ok: database={human_size(summary.database_bytes)} files={summary.files} "
                          f"({human_size(summary.files_bytes)}) seconds={summary.seconds:.1f}"
                          f"{' migrated' if summary.migrated else ''}")
        self.stdout.write(summary.journal)

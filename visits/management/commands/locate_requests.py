"""manage.py locate_requests [--community SLUG] [--ask-server]: place open requests again, e.g. after
a register import (`import_addresses`); manual and register points stay."""

from django.core.management.base import BaseCommand, CommandError

from communities.models import Community
from visits.location import relocate_open


class Command(BaseCommand):
    help = ("Уточнити місця відкритих заявок за адресним реєстром (після import_addresses). Позначки, "
            "поставлені вручну, не змінюються.")

    def add_arguments(self, parser):
        parser.add_argument("--community", help="slug громади; без нього — усі громади")
        parser.add_argument("--ask-server", action="store_true",
                            help="решту передати геокодеру (VALIZA_GEOCODER_URL) у фоновому режимі")

    def handle(self, *args, **opts):
        communities = Community.objects.all()
        if opts["community"]:
            communities = communities.filter(slug=opts["community"])
            if not communities.exists():
                raise CommandError(f"Громади зі slug «{opts['community']}» немає.")
        for community in communities:
            moved = relocate_open(community, ask_server=opts["ask_server"])
            self.stdout.write(f"{community.slug}: знайдено за реєстром: {moved}")

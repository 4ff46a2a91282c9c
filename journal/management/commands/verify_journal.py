"""Walk the journal's hash chains and report the first broken link (exit code 1)."""

from django.core.management.base import BaseCommand, CommandError

from communities.models import Community
from journal import chain


class Command(BaseCommand):
    help = "Перевіряє ланцюг хешів журналу: «ok entries=<n>» або перший зламаний запис."

    def add_arguments(self, parser):
        parser.add_argument("--community", metavar="SLUG", help="лише ця громада")

    def handle(self, *args, community=None, **options):
        communities = Community.objects.order_by("pk")
        if community:
            communities = communities.filter(slug=community)
            if not communities.exists():
                raise CommandError(f"no community with slug {community!r}")
        total = 0
        for pk in communities.values_list("pk", flat=True):
            verdict = chain.verify(pk)
            if not verdict.ok:
                self.stdout.write(f"broken at entry {verdict.broken_at}: {verdict.why}")
                # CommandError's exit code without its "CommandError:" prefix on stderr.
                raise SystemExit(1)
            total += verdict.entries
        self.stdout.write(f"ok entries={total}")

"""`manage.py seed_reports --cases 200000`: a year of a large city for the reports' benchmark
(bench/reports/seed.py says what is built and how)."""

from django.core.management.base import BaseCommand, CommandError

from bench.reports import seed as city_year


class Command(BaseCommand):
    help = (
        "Build a year of a large city (requests, visits, cases with a valid journal chain, surveys, "
        "complaints) for the reports' benchmark. Not for a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--reset", action="store_true", help=f"drop the benchmark community ({city_year.SLUG}) first if it exists"
        )

    def handle(self, *args, cases, seed, reset, **opts):
        from communities.models import Community

        if cases < 1:
            raise CommandError("--cases must be at least 1")
        if reset:
            city_year.drop(log=self.stdout.write)
        elif Community.objects.filter(slug=city_year.SLUG).exists():
            raise CommandError(f"The community {city_year.SLUG} already exists: run with --reset to build it again.")
        done = city_year.seed_year(cases=cases, seed=seed, log=self.stdout.write)
        self.stdout.write(
            f"community={done.community.slug} requests={done.requests} visits={done.visits} cases={done.cases} "
            f"journal_entries={done.entries} surveys={done.surveys} complaints={done.complaints} "
            f"seconds={done.seconds:.1f}"
        )

"""The national data set of issue 17 in bulk (bench/scale/seed.py): for bench_pages and load tests."""

from django.core.management.base import BaseCommand, CommandError

from bench.scale import seed as scale_seed


class Command(BaseCommand):
    help = (
        "Створює набір національного масштабу: громади (85 % заявок в одному великому місті) і заявки з "
        "послугами, документами, історією, справами журналу та журналом доступу. Лише для бази навантаження; "
        f"вхід працівників: scale-operator-0000 / scale-coordinator-0000, пароль {scale_seed.PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=1500)
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, communities, requests, seed: int, **options):
        if communities < 1 or requests < 0:
            raise CommandError("--communities ≥ 1, --requests ≥ 0")
        try:
            result = scale_seed.seed(communities, requests, seed=seed, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"done requests={result['requests']} cases={result['cases']} seconds={result['seconds']:.1f}")

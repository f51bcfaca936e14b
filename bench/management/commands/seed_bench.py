import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.generate import BENCH_PASSWORD, YEARS, bench_exists, generate
from reports.rollups import rollups_refresh, week_start


class Command(BaseCommand):
    help = "Generate a field-force-sized dataset (bench users sign in with a known password)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1, help="1 = 50 MSLs, 1M insights")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_bench creates users with a known password; not in production.")
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if bench_exists():
            raise CommandError("Bench data is already here; use a fresh database.")
        from catalog import demo as catalog_demo

        catalog_demo.seed(self.stdout)
        began = time.monotonic()
        counts = generate(scale, seed=seed, log=lambda line: self.stdout.write(f"  {line}"))
        generated = time.monotonic() - began
        self.stdout.write(f"Generated in {generated:.0f} s; building the weekly rollups…")
        today = timezone.localdate()
        weeks = [week_start(today) - dt.timedelta(weeks=n) for n in range(52 * YEARS + 1)]
        rollups_refresh(weeks)
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench data ready ({counts}); {time.monotonic() - began:.0f} s in all. "
                f"Users bench-msl-000…, bench-manager-00…, bench-medinfo, bench-compliance, "
                f"bench-viewer; password {BENCH_PASSWORD!r}."
            )
        )

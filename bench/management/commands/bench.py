import platform
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench.generate import bench_exists
from bench.measure import run, write


class Command(BaseCommand):
    help = (
        "Measure the key pages of a running server started with SERVER_TIMING=true against "
        "the same database (seed_bench first); writes bench.json and bench.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--requests", type=int, default=100, help="per page, after the warm-ups"
        )
        parser.add_argument("--out", default="bench-results")

    def handle(self, *args, base_url, requests, out, **options):
        if not bench_exists():
            raise CommandError("No bench data: run `manage.py seed_bench --scale S` first.")
        machine = f"{platform.node()}, {platform.machine()}, {_cpus()} CPUs"
        results = run(base_url=base_url.rstrip("/"), requests_per_page=requests)
        json_path, md_path = write(results, Path(out), machine=machine)
        self.stdout.write(md_path.read_text())
        self.stdout.write(self.style.SUCCESS(f"Written {json_path} and {md_path}."))


def _cpus() -> int:
    import os

    return os.cpu_count() or 1

"""Time a KOL CSV import of N generated rows, then roll it back: the database is unchanged.

python manage.py bench_kol_import --rows 20000 --user msl
"""

import csv
import io
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from kols.identifiers import npi_check_digit
from kols.import_service import kol_import_apply, kol_import_upload
from kols.selectors import territories_for_filter

# A block of NPIs the demo and real providers never use, so generated rows never match.
BENCH_NPI_BASE = 170_000_000


class Command(BaseCommand):
    help = "Measure checking and importing a generated KOL CSV file (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--user", default="msl", help="an MSL or manager with territories")

    def handle(self, *args, rows, user, **options):
        importer = User.objects.filter(username=user).first()
        if importer is None:
            raise CommandError(f"No user {user!r}: run seed_demo or name another user.")
        codes = list(territories_for_filter(importer).values_list("code", flat=True))
        if not codes:
            raise CommandError(f"{user} has no territories to import into.")
        content = _generated_csv(rows, codes)
        with transaction.atomic():
            started = time.perf_counter()
            kol_import, preview = kol_import_upload(
                actor=importer, file_name="bench.csv", content=content
            )
            checked = time.perf_counter()
            kol_import_apply(actor=importer, kol_import=kol_import, valid_rows_only=False)
            imported = time.perf_counter()
            transaction.set_rollback(True)
        self.stdout.write(
            f"{rows} rows ({len(content) / 1e6:.1f} MB): checked in {checked - started:.1f} s "
            f"({len(preview.errors)} errors), imported in {imported - checked:.1f} s, "
            f"{imported - started:.1f} s in all. Rolled back."
        )


def _generated_csv(rows: int, territory_codes: list[str]) -> bytes:
    rng = random.Random(7)  # noqa: S311 - repeatable test data, not a secret
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "first_name",
            "last_name",
            "specialty",
            "country",
            "territory",
            "institution",
            "institution_city",
            "npi",
            "email",
            "tier",
            "interests",
            "consent_status",
            "consent_date",
        ]
    )
    for n in range(rows):
        nine = str(BENCH_NPI_BASE + n)
        writer.writerow(
            [
                f"Bench{n}",
                f"Person{n}",
                "Medical Oncology",
                "US",
                rng.choice(territory_codes),
                f"Bench Hospital {n % 300}",
                "Boston",
                nine + str(npi_check_digit(nine)),
                f"bench{n}@hospital.example",
                rng.randint(1, 3),
                "CAR-T; biomarkers",
                "granted",
                "2026-01-15",
            ]
        )
    return out.getvalue().encode()

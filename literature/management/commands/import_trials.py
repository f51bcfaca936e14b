from django.core.management.base import BaseCommand, CommandError

from literature.pubmed import LiteratureFileError
from literature.services import trials_import
from literature.trials import parse_trials


class Command(BaseCommand):
    help = "Import clinical trials from a ClinicalTrials.gov API v2 JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                records = parse_trials(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except LiteratureFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        result = trials_import(records)
        self.stdout.write(self.style.SUCCESS(f"Trials: {result}."))

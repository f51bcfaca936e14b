from django.core.management.base import BaseCommand, CommandError

from literature.pubmed import LiteratureFileError, parse_pubmed
from literature.services import publications_import


class Command(BaseCommand):
    help = "Import publications from a PubMed efetch XML file (new, updated, unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                records = parse_pubmed(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except LiteratureFileError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        result = publications_import(records)
        self.stdout.write(self.style.SUCCESS(f"Publications: {result}."))

"""Fill the database with the demo organisation the README describes.

Each app that has demo data keeps it in its own `demo.py` with a `seed(stdout)` function;
this command calls them in INSTALLED_APPS order, so apps lower down (accounts, catalog) are
seeded before the apps that refer to them, and this app never imports the apps above it.
"""

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo users, organisation and data (never in production)."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo creates users with a known password; not in production.")
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if Path(app_config.path).parent != Path(settings.BASE_DIR):
                    continue  # only the project's own apps bring demo data
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.tenancy import unscoped


class Command(BaseCommand):
    help = "Load the demo world (idempotent): each app's demo.load(), lowest layer first."

    def handle(self, *args, **options):
        with unscoped(reason="the demo loader builds every organisation's data"), transaction.atomic():
            for config in apps.get_app_configs():
                name = f"{config.name}.demo"
                if importlib.util.find_spec(name) is None:
                    continue
                importlib.import_module(name).load()
                self.stdout.write(f"Demo data loaded: {config.name}")

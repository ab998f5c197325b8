from importlib import import_module

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Jointly core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks; they import models, so not before the app registry is ready.
        import_module("core.checks")

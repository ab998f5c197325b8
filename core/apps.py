from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Jointly core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks; they import models, so not before the app registry is ready.
        import_module("core.checks")
        # Any write to a project model moves the data version on (core.versions: the caches of busy pages).
        versions = import_module("core.versions")
        post_save.connect(versions.on_model_write, dispatch_uid="core.versions.save")
        post_delete.connect(versions.on_model_write, dispatch_uid="core.versions.delete")

from importlib import import_module

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grant rounds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The services modules bind the workflows' effects and the receipt email's attachment, so they are loaded
        # at start-up whatever the entry point (web, worker, command).
        for package in ("programmes", "applications"):
            import_module(f"grants.{package}.services")
        import_module("grants.programmes.selectors").register_source()
        import_module("grants.panels").register()

from importlib import import_module

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grant rounds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Deciding: the services bind the decision's and the outcome's effects (``@WORKFLOW.effect``), and the
        # board's "Decide grants" items reach the decision through ``core.handlers``.
        for package in ("assessment", "decisions"):
            import_module(f"grants.{package}.services")
        import_module("grants.decisions.board").register()
        import_module("grants.decisions.tasks")  # the daily lapse of offers (a package's tasks are not autodiscovered)

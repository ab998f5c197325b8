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
        # Deciding: the services bind the decision's and the outcome's effects (``@WORKFLOW.effect``), and the
        # board's "Decide grants" items reach the decision through ``core.handlers``.
        for package in ("assessment", "decisions"):
            import_module(f"grants.{package}.services")
        import_module("grants.decisions.board").register()
        import_module("grants.decisions.letters").register()  # the letter's PDF goes with its email
        import_module("grants.decisions.tasks")  # the daily lapse of offers (a package's tasks are not autodiscovered)

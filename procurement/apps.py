from importlib import import_module

from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Tendering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Loaded here, not at the top, because Django requires the app registry to be ready first. The services
        # modules bind the effects of the tender's steps (``@TENDER_WORKFLOW.effect``), so they are
        # loaded at start-up whatever the entry point (web, worker, command).
        for package in ("tenders", "bids", "evaluation", "award", "conflicts"):
            import_module(f"procurement.{package}.services")
        import_module("procurement.handlers").register()
        import_module("procurement.board_approvals").register()
        import_module("procurement.panels").register()
        import_module("procurement.tenders.opportunities").register()

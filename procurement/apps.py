from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Tendering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django requires these imports here (the app registry must be ready). The services modules bind what each
        # package does after a tender's step (procurement.workflows.after_step), so they are loaded at start-up.
        from procurement import handlers, panels  # noqa: PLC0415
        from procurement.award import services as _award  # noqa: PLC0415, F401
        from procurement.bids import services as _bids  # noqa: PLC0415, F401
        from procurement.evaluation import services as _evaluation  # noqa: PLC0415, F401

        handlers.register()
        panels.register()

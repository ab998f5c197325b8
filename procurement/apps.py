from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Tendering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from procurement import handlers, panels

        handlers.register()
        panels.register()

from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Joint commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning import panels
        from commissioning.risks import papers

        panels.register()
        papers.register()

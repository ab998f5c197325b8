from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Contract monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import handlers
        from monitoring import panels
        from monitoring.kpis.services import social_value_kpis_set_up

        panels.register()
        # Procurement calls this when a contract is signed (it cannot import monitoring, the higher app).
        handlers.register("procurement.contract_signed", on_signed=social_value_kpis_set_up)

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Organisations, people and partnerships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django allows model imports only once the app registry is ready: hence the import here.
        from partners import panels

        panels.register()

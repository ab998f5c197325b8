from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Commissioning boards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django allows model imports only once the app registry is ready: hence the import here.
        from boards import panels  # noqa: PLC0415, RUF100

        panels.register()

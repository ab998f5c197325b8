from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Commissioning boards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django requires app-registry work (panels reading models) to wait until ready().
        from boards import panels

        panels.register()

from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Commissioning boards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django allows model imports only once the app registry is ready: hence the imports here. The tasks keep
        # their ``partners.tasks.*`` names (queued work names them), so registering them cannot wait for Celery's
        # discovery of ``boards.tasks`` by module name: every process registers them now.
        from boards import panels, tasks

        del tasks  # imported for its registrations only
        panels.register()

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Procurement Act notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import handlers
        from notices.selectors import timeline

        # The tender page reads the timeline in its view (not while its template renders) through this handler.
        handlers.register(TIMELINE, tender=timeline)


TIMELINE = "notices.timeline"

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grant rounds"
    default_auto_field = "django.db.models.BigAutoField"

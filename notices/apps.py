from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Procurement Act notices"
    default_auto_field = "django.db.models.BigAutoField"

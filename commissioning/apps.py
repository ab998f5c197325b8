from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Joint commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning import panels
        from commissioning.engagement.selectors import forthcoming_events
        from commissioning.following.services import announce_to_followers
        from commissioning.plans.selectors import forthcoming_plans
        from commissioning.risks import papers
        from core import opportunities

        panels.register()
        papers.register()
        opportunities.register_source("plans", forthcoming=forthcoming_plans)
        opportunities.register_source("events", forthcoming=forthcoming_events)
        opportunities.register_announcer(announce_to_followers)

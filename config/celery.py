import importlib
import importlib.util
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jointly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app may keep its periodic tasks in ``<app>/schedule.py`` as a plain dict, BEAT_SCHEDULE (no model imports).
for _name in ("core", "partners", "commissioning", "procurement", "monitoring"):
    if importlib.util.find_spec(f"{_name}.schedule") is not None:
        app.conf.beat_schedule = {
            **app.conf.beat_schedule,
            **importlib.import_module(f"{_name}.schedule").BEAT_SCHEDULE,
        }

import importlib
import importlib.util
import os

from celery import Celery
from celery.signals import beat_init
from django.conf import settings

from core.beat_lock import on_beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jointly")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app may keep its periodic tasks in ``<app>/schedule.py`` as a plain dict, BEAT_SCHEDULE (no model imports).
# Every installed app is looked at (a fixed list had left out notices' schedule), in INSTALLED_APPS order.
for _name in [a for a in settings.INSTALLED_APPS if "." not in a]:
    if importlib.util.find_spec(_name) is not None and importlib.util.find_spec(f"{_name}.schedule") is not None:
        app.conf.beat_schedule = {
            **app.conf.beat_schedule,
            **importlib.import_module(f"{_name}.schedule").BEAT_SCHEDULE,
        }


@beat_init.connect
def _one_beat(sender: object = None, **kwargs: object) -> None:
    # Only one beat sends the schedule however many are started (core.beat_lock, docs/scaling.md).
    on_beat_init(sender, **kwargs)

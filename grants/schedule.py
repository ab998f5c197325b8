BEAT_SCHEDULE = {
    "grants-lapse-offers": {"task": "grants.decisions.tasks.lapse_offers", "schedule": 3600.0},
}

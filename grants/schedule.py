BEAT_SCHEDULE = {
    "grants-close-due-programmes": {"task": "grants.tasks.close_due_programmes", "schedule": 60.0},
    "grants-lapse-offers": {"task": "grants.decisions.tasks.lapse_offers", "schedule": 3600.0},
}

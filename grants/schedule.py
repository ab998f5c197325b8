BEAT_SCHEDULE = {
    "grants-close-due-programmes": {"task": "grants.tasks.close_due_programmes", "schedule": 60.0},
}

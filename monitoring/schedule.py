BEAT_SCHEDULE = {
    # Hourly, so a reminder is at most an hour late after a restart; duplicates are harmless (dedupe keys).
    "monitoring-return-reminders": {"task": "monitoring.tasks.send_return_reminders", "schedule": 3600.0},
}

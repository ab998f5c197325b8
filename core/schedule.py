BEAT_SCHEDULE = {
    "deliver-pending-emails": {"task": "core.tasks.deliver_notification_emails", "schedule": 60.0},
}

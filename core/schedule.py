BEAT_SCHEDULE = {
    "deliver-pending-emails": {"task": "core.tasks.deliver_notification_emails", "schedule": 60.0},
    # Publishes outbox entries the broker missed (it was down) or whose worker died; short so that work recorded
    # during a Redis outage starts within seconds of Redis coming back. Expires so a backlog of beats is not queued.
    "outbox-dispatch": {"task": "core.tasks.dispatch_outbox", "schedule": 10.0, "options": {"expires": 10.0}},
}

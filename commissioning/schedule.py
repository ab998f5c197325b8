BEAT_SCHEDULE = {
    # Hourly, so a reminder is at most an hour late after a restart; duplicates are harmless (dedupe keys).
    "commissioning-stage-reminders": {"task": "commissioning.tasks.send_stage_reminders", "schedule": 3600.0},
    # Daily is enough: a review date is a day; duplicates are harmless (dedupe keys).
    "commissioning-map-decision-reminders": {
        "task": "commissioning.tasks.send_map_decision_reminders",
        "schedule": 86400.0,
    },
    # Daily: each risk whose review date has passed gets one reminder per review date (enqueued through the outbox).
    "commissioning-risk-reviews": {"task": "commissioning.tasks.enqueue_risk_reviews", "schedule": 86400.0},
    # Hourly: a reminder per booked place before an event (once each, however many beats run: outbox dedupe key and
    # the place's stamp).
    "commissioning-event-reminders": {"task": "commissioning.tasks.enqueue_event_reminders", "schedule": 3600.0},
    # Every six hours: the first run in a calendar month sends each follower's digest; the rest find it sent (the
    # dedupe key names the person and the month), so a restart or a second beat never sends it twice.
    "commissioning-monthly-digest": {"task": "commissioning.tasks.send_monthly_digest", "schedule": 21600.0},
    # Daily: each provider document expiring within 30 days gets one reminder (enqueued through the outbox).
    "commissioning-document-expiry": {
        "task": "commissioning.tasks.enqueue_document_expiry_reminders",
        "schedule": 86400.0,
    },
}

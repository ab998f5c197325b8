BEAT_SCHEDULE = {
    "procurement-close-due-tenders": {"task": "procurement.tasks.close_due_tenders", "schedule": 60.0},
    "procurement-contracts-go-live": {"task": "procurement.tasks.contracts_go_live", "schedule": 3600.0},
}

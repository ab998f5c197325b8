BEAT_SCHEDULE = {
    # Daily is enough for a 30-day deadline; each contract is reminded once (dedupe keys).
    "notices-contract-details-due": {"task": "notices.tasks.remind_contract_details_due", "schedule": 86400.0},
}

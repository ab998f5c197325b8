BEAT_SCHEDULE = {
    "board-reminders": {"task": "partners.tasks.send_board_reminders", "schedule": 60.0 * 60},
}

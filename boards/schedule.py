BEAT_SCHEDULE = {
    "board-packs-recover": {"task": "partners.tasks.recover_board_packs", "schedule": 120.0},
    "board-reminders": {"task": "partners.tasks.send_board_reminders", "schedule": 60.0 * 60},
}

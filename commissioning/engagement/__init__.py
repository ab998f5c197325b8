"""Market engagement: events and training sessions for providers (sign-up with access needs, a waiting list that
moves up, reminders, attendance, published notes or Q&A), and the standing engagement group with its published
meeting notes (seed 004's Voluntary Sector Engagement Group)."""

from django.core.management.base import BaseCommand

from partners.demo import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print where to open Jointly and the demo sign-ins."

    def handle(self, *args, **options):
        w = self.stdout.write
        w("")
        w("=" * 78)
        w("Jointly is running: open http://127.0.0.1:8000/")
        w(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for p in PERSONAS:
            w(f"  {p.email:<28} {p.full_name:<20} {p.description}")
        w("Council, NHS and police staff also enter a two-factor code. In the demo, get one with:")
        w("  .venv/bin/python manage.py demo_code alex@staffordshire.demo   (in another terminal)")
        w("Emails are written to .jointly/emails/.")
        w("API docs: http://127.0.0.1:8000/api/v1/docs/      Press Ctrl-C to stop.")
        w("=" * 78)

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (the demo's stand-in for their phone)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        device = TOTPDevice.objects.filter(user__email=options["email"].lower(), confirmed=True).first()
        if device is None:
            raise CommandError("That user has no authenticator set up")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.management.commands.seed_demo import DEMO_TOTP_SECRET


def demo_totp_code(at: float | None = None) -> str:
    """The demo accounts' two-step code now (or at `at`, a Unix time), as allauth.mfa checks it."""
    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(moment) // app_settings.TOTP_PERIOD))


class Command(BaseCommand):
    help = "Print the current two-step verification code of the demo's focal point, Secretariat and administrator."

    def handle(self, *args, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("demo_totp belongs to the demo; it refuses to run in production.")
        self.stdout.write(demo_totp_code())

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User


class Command(BaseCommand):
    help = ("Remove a user's authenticator app and recovery codes (lost phone). Focal points, the Secretariat and "
            "superusers are then asked to set up a new one at their next sign-in.")

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        removed, _ = Authenticator.objects.filter(user=user).delete()
        self.stdout.write(f"{removed} authenticator(s) removed for {user.email}.")

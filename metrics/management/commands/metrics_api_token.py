from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from metrics.selectors import Scope


class Command(BaseCommand):
    help = ("Print the metrics API token of a Secretariat member, country focal point or trainer, creating it on "
            "first use (idempotent). The token reads the same figures as its owner's dashboard.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="replace the token; the old one stops working")
        action.add_argument("--revoke", action="store_true", help="delete the token")

    def handle(self, *args, email, rotate, revoke, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stderr.write(f"Token of {user.email} revoked." if deleted else f"{user.email} had no token.")
            return
        if not user.is_active:
            raise CommandError(f"{user.email} is inactive.")
        if Scope.for_user(user) is None:
            raise CommandError(f"{user.email} is not in the Secretariat, a country focal point or a trainer, so "
                               "the metrics API would refuse the token.")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        # The key alone on stdout, so that `TOKEN=$(manage.py metrics_api_token ...)` works; the note on stderr.
        self.stderr.write(f"{'New' if created else 'Existing'} token of {user.email}:")
        self.stdout.write(token.key)

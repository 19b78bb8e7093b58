from django.core.management.base import BaseCommand

from metrics.services import activity_backfill, offerings_rebuild


class Command(BaseCommand):
    help = ("Recompute the offerings metrics group by from the live course and seminar pages, and fill in months of "
            "lesson activity from existing progress. Idempotent.")

    def handle(self, *args, **options):
        offerings = offerings_rebuild()
        months = activity_backfill()
        self.stdout.write(f"{offerings} offerings refreshed; {months} months of activity checked.")

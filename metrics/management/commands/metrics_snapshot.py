import time

from django.core.management.base import BaseCommand, CommandError

from metrics import snapshot


class Command(BaseCommand):
    help = ("Store the capacity figures of every standard period (all time, years, quarters, months, presidency "
            "terms) so the dashboard reads them; --recent only those still changing; --verify compares what is "
            "stored with a live count and lists every difference (exit status 1 when there is one).")

    def add_arguments(self, parser):
        parser.add_argument("--recent", action="store_true", help="Only all time and the periods still changing.")
        parser.add_argument("--verify", action="store_true", help="Compare instead of storing.")

    def handle(self, *args, recent=False, verify=False, **options):
        chosen = snapshot.recent_periods() if recent else snapshot.periods()
        started = time.monotonic()
        if verify:
            differences = snapshot.verify(chosen)
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} stored figures differ from a live count.")
            self.stdout.write(f"{len(chosen)} periods checked: the stored figures match a live count "
                              f"({time.monotonic() - started:.1f} s).")
            return
        written = snapshot.refresh_recent() if recent else snapshot.refresh_all()
        if written is None:
            raise CommandError("Another refresh of the stored figures is running; try again when it ends.")
        self.stdout.write(f"{len(chosen)} periods stored, {written} rows ({time.monotonic() - started:.1f} s).")

"""Write stored xAPI statements as a JSON array, ready to send to a Learning Record Store."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from h5p.selectors import statements_export


class Command(BaseCommand):
    help = "Export xAPI statements (JSON array) for all courses or one, optionally since a date."

    def add_arguments(self, parser):
        parser.add_argument("--course", help="slug of the course (any language version)")
        parser.add_argument("--since", help="YYYY-MM-DD: statements stored on or after this day")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, course=None, since=None, output=None, **options):
        since_date = parse_date(since) if since else None
        if since and since_date is None:
            raise CommandError(f"--since {since!r} is not a date (YYYY-MM-DD).")
        try:
            chunks = statements_export(course_slug=course, since=since_date)
            if output:
                with open(output, "w", encoding="utf-8") as out:
                    out.writelines(chunks)
                self.stderr.write(f"Statements written to {output}.")
            else:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
                self.stdout.write("")
        except LookupError as error:
            raise CommandError(str(error)) from None

"""Import .h5p packages from the command line with the same checks as the admin upload."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from h5p.services import PackageExists, package_import


class Command(BaseCommand):
    help = "Validate and import H5P packages; one line per file; exit status 1 when any is rejected."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".h5p files")

    def handle(self, *args, files, **options):
        rejected = []
        for name in files:
            try:
                with open(name, "rb") as fileobj:
                    package = package_import(fileobj)
            except PackageExists as exists:
                self.stdout.write(f"{name}: already imported as #{exists.package.pk} “{exists.package.title}”")
            except ValidationError as error:
                rule = getattr(error, "rule", error.code) or "invalid"
                message = f"{name}: rejected ({rule}): {' '.join(error.messages)}"
                self.stderr.write(message)
                rejected.append(message)
            except OSError as error:
                message = f"{name}: cannot be read ({error.strerror or error})"
                self.stderr.write(message)
                rejected.append(message)
            else:
                self.stdout.write(f"{name}: imported as #{package.pk} “{package.title}” "
                                  f"({package.main_library_label}, {package.libraries.count()} libraries)")
        if rejected:
            raise CommandError(f"{len(rejected)} of {len(files)} packages rejected.", returncode=1)

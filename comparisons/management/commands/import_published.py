"""Import published statistics files on a schedule: manage.py import_published FILE [FILE ...]."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comparisons.layouts import PublishedFileError
from comparisons.services import published_statistics_import


class Command(BaseCommand):
    help = (
        "Import DfE published statistics files through the portal's mappings, each file all or nothing. "
        "Prints each measure's latest figures; exits non-zero if any file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="CSV files as DfE publishes them")

    def handle(self, *args, files, **options):
        refused = 0
        for path in files:
            if not path.is_file():
                self.stderr.write(f"{path}: no such file. Nothing was imported from it.")
                refused += 1
                continue
            if path.stat().st_size > settings.PUBLISHED_FILE_MAX_BYTES:
                limit = settings.PUBLISHED_FILE_MAX_BYTES // (1024 * 1024)
                self.stderr.write(f"{path}: refused. The file must be smaller than {limit} MB.")
                refused += 1
                continue
            try:
                done = published_statistics_import(name=path.name, content=path.read_bytes())
            except PublishedFileError as error:
                self.stderr.write(f"{path}: refused, nothing was imported. {error}")
                refused += 1
                continue
            result = done.result
            if done.published_file.kind != done.published_file.Kind.STATISTICS:
                self.stdout.write(f"{path}: imported the statistical neighbour groupings.")
                continue
            self.stdout.write(
                f"{path}: {len(result.years_added)} new years of figures, {len(result.years_replaced)} "
                f"replaced, {len(result.years_unchanged)} unchanged."
            )
            for summary in done.summaries:
                self.stdout.write(f"  {summary.line()}")
            if done.unmapped_columns:
                self.stdout.write(f"  No mapping for: {', '.join(done.unmapped_columns)}")
        if refused:
            raise CommandError(f"{refused} of {len(files)} files refused")

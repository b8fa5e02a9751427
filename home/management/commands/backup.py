from pathlib import Path

from django.core.management.base import BaseCommand

from home.backup import backup_summary, backup_write


class Command(BaseCommand):
    help = "Back up every record and uploaded file into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Where to write the backup, for example backup.zip")

    def handle(self, *args, path: Path, **options):
        manifest = backup_write(path=path)
        self.stdout.write(f"Backed up {backup_summary(manifest)} to {path}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.backup import BackupError, backup_restore, backup_summary


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace everything in a database that already holds records (disaster recovery)",
        )

    def handle(self, *args, path: Path, replace: bool, **options):
        try:
            manifest = backup_restore(path=path, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {backup_summary(manifest)} from {path} (made {manifest['created_at']})")

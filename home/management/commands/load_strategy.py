from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from home.strategy_import import read_strategy_file, strategy_import
from objectives.services import StrategyFileError


class Command(BaseCommand):
    help = "Load a council's corporate parenting strategy from a JSON strategy file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="The strategy file (see objectives/demo/ for the format)."
        )

    def handle(self, *args, path: Path, **options):
        try:
            loaded = strategy_import(data=read_strategy_file(path))
        except StrategyFileError as error:
            raise CommandError(f"Nothing was loaded. {error}.") from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {loaded.strategy}."))

"""Loading a whole strategy file: the strategy, its indicators and the Board's composition."""

import json
from pathlib import Path

from django.db import transaction

from board.services import board_seats_load
from indicators.services import indicators_load
from objectives.services import LoadedStrategy, StrategyFileError, required, strategy_load

DEMO_STRATEGY_FILE = (
    Path(__file__).resolve().parent.parent / "objectives" / "demo" / "portsmouth-2006-2009.json"
)


def read_strategy_file(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise StrategyFileError(f"There is no file at {path}") from None
    except UnicodeDecodeError:
        raise StrategyFileError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise StrategyFileError(f"{path} is not valid JSON (line {error.lineno}: {error.msg})") from None


@transaction.atomic
def strategy_import(*, data: dict) -> LoadedStrategy:
    """Load everything in a strategy file, or nothing if any part of it is wrong."""
    loaded = strategy_load(data=data)
    indicators_load(loaded=loaded, objectives_data=required(data, "objectives", "The file"))
    board_seats_load(
        strategy=loaded.strategy, organisations=loaded.organisations, board_data=data.get("board", {})
    )
    return loaded

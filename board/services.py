"""Writes to the Board's records."""

from objectives.models import Strategy
from objectives.services import StrategyFileError, required, sync_by_position

from .models import BoardSeat


def board_seats_load(*, strategy: Strategy, organisations: dict, board_data: dict) -> list[BoardSeat]:
    """Create or update the Board's composition (its seats) from a strategy file."""
    seats = []
    items = board_data.get("seats", [])
    for position, item in enumerate(items, start=1):
        where = f"Board seat {position}"
        organisation_key = required(item, "organisation", where)
        if organisation_key not in organisations:
            raise StrategyFileError(f"{where} has an unknown organisation '{organisation_key}'")
        seats.append(
            sync_by_position(
                BoardSeat,
                {"strategy": strategy},
                position,
                {
                    "role": required(item, "role", where),
                    "organisation": organisations[organisation_key],
                    "is_chair": bool(item.get("is_chair", False)),
                },
            )
        )
    BoardSeat.objects.filter(strategy=strategy, position__gt=len(items)).delete()
    return seats

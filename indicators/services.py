"""Writes to the indicator catalogue."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from objectives.services import (
    LoadedStrategy,
    StrategyFileError,
    check_keys,
    choice_value,
    delete_unless_in_use,
    required,
    sync_by_position,
)

from .choices import Computation
from .models import CatalogueEntry, Frequency, IndicatorDimension, PerformanceIndicator, Polarity, Unit
from .states import indicator_state_refresh

INDICATOR_KEYS = {
    "title",
    "definition",
    "unit",
    "polarity",
    "frequency",
    "owner",
    "data_source",
    "measures_actions",
    "counts_children",
    "amber_tolerance",
    "computation",
}


def make_room_for_file_positions(objective, count: int) -> None:
    """Move adopted national measures out of the positions the file's own indicators take.

    Adopted indicators follow the file's; when a file gains an indicator, the
    adopted one at that position moves to the end instead of being overwritten.
    """
    adopted = list(
        PerformanceIndicator.objects.filter(
            objective=objective, catalogue_entry__isnull=False, position__lte=count
        )
    )
    last = PerformanceIndicator.objects.filter(objective=objective).order_by("-position").first()
    next_position = max(count, last.position if last else 0) + 1
    for indicator in adopted:
        indicator.position = next_position
        indicator.save(update_fields=["position"])
        next_position += 1


def decimal_value(value, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise StrategyFileError(f"{where}: '{value}' is not a number") from None


def indicators_load(*, loaded: LoadedStrategy, objectives_data: list[dict]) -> list[PerformanceIndicator]:
    """Create or update each objective's performance indicators from a strategy file."""
    indicators = []
    for objective_data in objectives_data:
        number = objective_data["number"]
        objective = loaded.objectives[number]
        items = objective_data.get("indicators", [])
        make_room_for_file_positions(objective, len(items))
        for position, item in enumerate(items, start=1):
            where = f"Objective {number}, indicator {position}"
            check_keys(item, INDICATOR_KEYS, where)
            owner_key = item.get("owner")
            if owner_key and owner_key not in loaded.organisations:
                raise StrategyFileError(f"{where} has an unknown owner '{owner_key}'")
            indicator = sync_by_position(
                PerformanceIndicator,
                {"objective": objective},
                position,
                {
                    "title": required(item, "title", where),
                    "definition": item.get("definition", ""),
                    "unit": choice_value(required(item, "unit", where), Unit, where),
                    "polarity": choice_value(required(item, "polarity", where), Polarity, where),
                    "frequency": choice_value(required(item, "frequency", where), Frequency, where),
                    "owner": loaded.organisations.get(owner_key) if owner_key else None,
                    "data_source": item.get("data_source", ""),
                    "counts_children": bool(item.get("counts_children", False)),
                    "amber_tolerance": decimal_value(item.get("amber_tolerance"), where),
                    "computation": (
                        choice_value(item["computation"], Computation, where)
                        if item.get("computation")
                        else ""
                    ),
                },
            )
            try:
                measured = [loaded.actions[(number, action)] for action in item.get("measures_actions", [])]
            except KeyError as error:
                raise StrategyFileError(
                    f"{where} measures an action the objective does not have: {error}"
                ) from None
            indicator.actions.set(measured)
            indicators.append(indicator)
        # Indicators adopted from the national catalogue are not in the file; keep them.
        delete_unless_in_use(
            PerformanceIndicator.objects.filter(
                objective=objective, position__gt=len(items), catalogue_entry__isnull=True
            ),
            f"Objective {number}",
        )
    # A changed definition (polarity, frequency, tolerance, computation) changes the states.
    indicator_state_refresh(indicator_ids=[indicator.pk for indicator in indicators])
    return indicators


@transaction.atomic
def catalogue_adopt(*, entry: CatalogueEntry, objective, owner=None) -> PerformanceIndicator:
    """Add a national measure to an objective as one of its indicators."""
    already = PerformanceIndicator.objects.filter(
        catalogue_entry=entry, objective__strategy_id=objective.strategy_id
    ).first()
    if already:
        raise ValidationError(f"The strategy already measures this as {already.reference}")
    last = objective.indicators.order_by("-position").values_list("position", flat=True).first() or 0
    indicator = PerformanceIndicator(
        objective=objective,
        position=last + 1,
        title=entry.title,
        definition=entry.definition,
        unit=entry.unit,
        polarity=entry.polarity,
        frequency=entry.frequency,
        counts_children=entry.counts_children,
        data_source=entry.source,
        owner=owner,
        catalogue_entry=entry,
    )
    indicator.full_clean()
    indicator.save()
    # DfE publishes the measure by these groups: the council's figures can be broken down the same way.
    for link in entry.breakdowns.all():
        IndicatorDimension.objects.create(
            indicator=indicator, dimension_id=link.dimension_id, order=link.order
        )
    indicator_state_refresh(indicator_ids=[indicator.pk])
    return indicator

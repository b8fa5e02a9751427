"""Breakdowns of figures by group: defining dimensions, attaching them to indicators, and
checking and saving each group's part of a figure.

A group's part belongs to its figure: it is saved by ``figure_save`` in the same transaction,
under the figure's version, and recorded in the figure's history.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.versions import version_claim, versioned_save

from .choices import Unit
from .models import (
    BreakdownDimension,
    BreakdownGroup,
    Figure,
    FigureGroupValue,
    IndicatorDimension,
    PerformanceIndicator,
)

PARTS = ("value", "numerator", "denominator")


@dataclass(frozen=True)
class DimensionGroups:
    """A dimension an indicator is broken down by, with its groups in order."""

    dimension: BreakdownDimension
    groups: tuple[BreakdownGroup, ...]

    @property
    def unknown(self) -> BreakdownGroup | None:
        return next((group for group in self.groups if group.is_unknown), None)


def indicator_dimensions(indicator: PerformanceIndicator) -> list[DimensionGroups]:
    """The dimensions an indicator is broken down by, in order, each with its groups (two queries)."""
    links = list(
        IndicatorDimension.objects.filter(indicator=indicator)
        .select_related("dimension")
        .order_by("order", "dimension__order", "dimension__name")
    )
    groups: dict[int, list[BreakdownGroup]] = {}
    for group in BreakdownGroup.objects.filter(dimension__in=[link.dimension for link in links]).order_by(
        "order", "pk"
    ):
        groups.setdefault(group.dimension_id, []).append(group)
    return [DimensionGroups(link.dimension, tuple(groups.get(link.dimension_id, ()))) for link in links]


def dimensions_by_indicator(indicator_ids) -> dict[int, list[DimensionGroups]]:
    """Each indicator's dimensions with their groups, for many indicators in two queries."""
    links = list(
        IndicatorDimension.objects.filter(indicator_id__in=indicator_ids)
        .select_related("dimension")
        .order_by("indicator_id", "order", "dimension__order", "dimension__name")
    )
    groups: dict[int, list] = {}
    wanted = {link.dimension_id for link in links}
    for group in (
        BreakdownGroup.objects.filter(dimension_id__in=wanted)
        .select_related("dimension")
        .order_by("order", "pk")
    ):
        groups.setdefault(group.dimension_id, []).append(group)
    attached: dict[int, list[DimensionGroups]] = {}
    for link in links:
        attached.setdefault(link.indicator_id, []).append(
            DimensionGroups(link.dimension, tuple(groups.get(link.dimension_id, ())))
        )
    return attached


def group_field(group: BreakdownGroup, part: str = "value") -> str:
    """The form field (and error key) of one group's value, numerator or denominator."""
    return f"group-{group.pk}" if part == "value" else f"group-{group.pk}-{part}"


def group_name(dimension: BreakdownDimension, group: BreakdownGroup) -> str:
    return f"{dimension.name}, {group.label}"


def group_values_clean(
    *,
    indicator: PerformanceIndicator,
    dimensions: list[DimensionGroups],
    total: dict,
    entered: dict[int, dict],
) -> dict[int, dict]:
    """Check each group's part of a figure against its unit and against the total.

    ``entered`` maps a group's id to its ``value``, ``numerator`` and ``denominator`` (None when
    not given); a group with none of them is not entered. Counts of one dimension's groups add
    up to the total when every group is entered (the unknown group takes the remainder only if
    entered) and never exceed it otherwise; likewise numerators and denominators of a rate.
    Raises ValidationError keyed by group field, each message naming the group.
    """
    from .figures import figure_values_clean

    errors: dict[str, list[str]] = {}
    cleaned: dict[int, dict] = {}
    known = {group.pk: (dimension, group) for dimension in dimensions for group in dimension.groups}
    for group_id, parts in entered.items():
        if group_id not in known:
            raise ValidationError(
                "A group on the form no longer belongs to this indicator: open the form again"
            )
        if all(parts.get(part) is None for part in PARTS):
            continue
        dimension, group = known[group_id]
        name = group_name(dimension.dimension, group)
        try:
            values = figure_values_clean(
                indicator=indicator,
                value=parts.get("value"),
                numerator=parts.get("numerator"),
                denominator=parts.get("denominator"),
            )
        except ValidationError as error:
            for part, messages in error.message_dict.items():
                field = group_field(group, part if part in PARTS else "value")
                errors.setdefault(field, []).extend(
                    f"{name}: {_lower_first(message)}" for message in messages
                )
            continue
        if values["numerator"] is not None and values["numerator"] > values["denominator"]:
            errors.setdefault(group_field(group, "numerator"), []).append(
                f"{name}: the numerator cannot be more than the denominator"
            )
            continue
        cleaned[group_id] = values
    if errors:
        raise ValidationError(errors)
    if cleaned and total.get("value") is None:
        raise ValidationError({"value": "Enter the total figure before the figures by group"})
    for dimension in dimensions:
        _check_adds_up(indicator, dimension, total, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_adds_up(indicator, dimension: DimensionGroups, total: dict, cleaned: dict, errors: dict) -> None:
    entered = [group for group in dimension.groups if group.pk in cleaned]
    if not entered:
        return
    everyone = len(entered) == len(dimension.groups)
    parts = []
    if indicator.unit == Unit.COUNT:
        parts.append(("value", "count", "counts"))
    with_parts = all(cleaned[group.pk]["numerator"] is not None for group in entered)
    if indicator.has_parts and total.get("numerator") is not None and with_parts:
        parts += [("numerator", "numerator", "numerators"), ("denominator", "denominator", "denominators")]
    for part, one, many in parts:
        added = sum(cleaned[group.pk][part] for group in entered)
        whole = total[part]
        name = dimension.dimension.name
        field = group_field(entered[-1], part)
        if everyone and added != whole:
            errors.setdefault(field, []).append(
                f"{name}: the groups' {many} add up to {_number(added)}, not the total's {one} of "
                f"{_number(whole)}: correct the groups or the total"
            )
        elif not everyone and added > whole:
            errors.setdefault(field, []).append(
                f"{name}: the groups' {many} add up to {_number(added)}, more than the total's {one} of "
                f"{_number(whole)}: correct the groups or the total"
            )


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _number(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def group_values_of(figure: Figure | None) -> dict[int, dict]:
    """A saved figure's group parts by group id, as ``group_values_clean`` returns them."""
    if figure is None or figure.pk is None:
        return {}
    return {
        row.group_id: {part: getattr(row, part) for part in PARTS}
        for row in FigureGroupValue.objects.filter(figure=figure)
    }


def group_values_write(*, figure: Figure, values: dict[int, dict]) -> None:
    """Replace a figure's group parts with ``values``, all of them: call inside figure_save's
    transaction. An import that gives only some dimensions' groups has the saved groups of the
    others merged in first (breakdown_imports), so they are kept and checked against the total."""
    FigureGroupValue.objects.filter(figure=figure).exclude(group_id__in=values).delete()
    for group_id, parts in values.items():
        FigureGroupValue.objects.update_or_create(figure=figure, group_id=group_id, defaults=parts)


def breakdown_text(*, indicator: PerformanceIndicator, values: dict[int, dict]) -> str:
    """The group parts as the figure's history records them: "Age band: Under 1 3, 1 to 4 12"."""
    if not values:
        return ""
    groups = BreakdownGroup.objects.filter(pk__in=values).select_related("dimension")
    lines: dict[str, list[str]] = {}
    for group in sorted(groups, key=lambda group: (group.dimension.order, group.dimension.name, group.order)):
        parts = values[group.pk]
        text = indicator.format_value(parts["value"])
        if parts.get("numerator") is not None:
            text += f" ({_number(parts['numerator'])} of {_number(parts['denominator'])})"
        lines.setdefault(group.dimension.name, []).append(f"{group.label} {text}")
    return "; ".join(f"{name}: {', '.join(items)}" for name, items in lines.items())


def dimension_save(*, dimension: BreakdownDimension, expected_version: int | None) -> BreakdownDimension:
    """Add a dimension, or change one nobody else changed since the form was opened."""
    dimension.full_clean()
    return versioned_save(dimension, expected_version=expected_version)


def group_save(*, group: BreakdownGroup, expected_version: int | None) -> BreakdownGroup:
    """Add a group to a dimension, or change one nobody else changed since the form was opened."""
    group.full_clean()
    return versioned_save(group, expected_version=expected_version)


@transaction.atomic
def indicator_dimensions_set(
    *,
    indicator: PerformanceIndicator,
    dimensions: list[BreakdownDimension],
    expected_version: int | None,
    disparity_threshold: Decimal | None | bool = False,
) -> None:
    """Choose the dimensions an indicator's figures are broken down by, in the dimensions' order,
    and how far worse than all children a group must be for the bi-annual report to list it.

    A dimension whose groups already hold figures of this indicator cannot be taken away.
    EditConflict if someone changed the indicator's breakdowns or targets since the form was opened.
    """
    version_claim(indicator, expected_version=expected_version)
    wanted = {dimension.pk for dimension in dimensions}
    leaving = IndicatorDimension.objects.filter(indicator=indicator).exclude(dimension_id__in=wanted)
    in_use = (
        BreakdownDimension.objects.filter(
            pk__in=leaving.values("dimension_id"), groups__values__figure__indicator=indicator
        )
        .distinct()
        .order_by("name")
    )
    if in_use:
        names = ", ".join(dimension.name for dimension in in_use)
        raise ValidationError(
            {
                "dimensions": f"{indicator.reference} has figures by {names}: "
                "keep it, or clear those figures first"
            }
        )
    for link in leaving:
        link.delete()
    for order, dimension in enumerate(sorted(dimensions, key=lambda item: (item.order, item.name)), start=1):
        IndicatorDimension.objects.update_or_create(
            indicator=indicator, dimension=dimension, defaults={"order": order}
        )
    if disparity_threshold is not False:  # False: leave the threshold as it is
        indicator.disparity_threshold = disparity_threshold
    # Saved rather than updated so the audit log records a changed threshold.
    indicator.save(update_fields=["edit_version", "disparity_threshold"])

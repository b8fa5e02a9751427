"""Figures by group in import and export files: one extra column per dimension.

A row whose breakdown columns are all empty is a figure's total, as before; a row with one
breakdown column filled gives that group's part of the figure for the same indicator and
period. A figure's groups are checked against its total row and saved with it, all or nothing.
"""

from django.core.exceptions import ValidationError

from .breakdowns import DimensionGroups, dimensions_by_indicator, group_values_clean
from .models import BreakdownDimension, FigureGroupValue

# Room in a file for this many breakdown columns beside the template's own.
MAX_BREAKDOWN_COLUMNS = 12


def breakdown_columns() -> dict[str, BreakdownDimension]:
    """The breakdown columns a file may have: every dimension's code."""
    return {dimension.code.lower(): dimension for dimension in BreakdownDimension.objects.all()}


def rows_mark_breakdowns(rows, *, columns: list[str]) -> None:
    """Mark each row that gives one group's part; a row naming groups of two dimensions is refused."""
    for row in rows:
        given = [(column, row.raw.get(column, "")) for column in columns if row.raw.get(column, "")]
        if len(given) > 1:
            named = " and ".join(column for column, _ in given)
            row.error(given[1][0], f"This row names groups in {named}: put each group on a row of its own")
        elif given:
            row.breakdown = given[0]


def _existing_groups(rows) -> None:
    figures = {row.existing.pk: row for row in rows if row.existing is not None}
    for part in FigureGroupValue.objects.filter(figure_id__in=figures):
        figures[part.figure_id].existing_groups[part.group_id] = {
            "value": part.value,
            "numerator": part.numerator,
            "denominator": part.denominator,
        }


def _group_of(dimension: DimensionGroups, written: str):
    wanted = written.strip().lower()
    return next(
        (group for group in dimension.groups if wanted in (group.code.lower(), group.label.lower())), None
    )


def rows_attach_groups(rows, *, dimensions: dict[str, BreakdownDimension], user) -> None:
    """Give each total row its groups from the file and check them against it, naming row and group."""
    totals_in_file = {
        (row.indicator.pk, row.period)
        for row in rows
        if row.breakdown is None and row.indicator and row.period
    }
    totals = {
        (row.indicator.pk, row.period): row
        for row in rows
        if row.breakdown is None and row.indicator and row.period and not row.errors and not row.skipped
    }
    totals_left_empty = {
        (row.indicator.pk, row.period)
        for row in rows
        if row.breakdown is None and row.indicator and row.period and row.skipped
    }
    group_rows = [row for row in rows if row.breakdown and row.indicator and row.period and not row.errors]
    group_rows = [row for row in group_rows if not row.skipped]
    attached = dimensions_by_indicator({row.indicator.pk for row in rows if row.indicator is not None})
    _existing_groups(totals.values())
    by_group = {}
    for row in group_rows:
        column, written = row.breakdown
        reference = row.indicator.reference
        dimension = next(
            (item for item in attached.get(row.indicator.pk, []) if item.dimension.code.lower() == column),
            None,
        )
        if dimension is None:
            row.error(
                column,
                f"{reference} is not broken down by {dimensions[column].name.lower()}: leave the {column} "
                "column empty, or ask the corporate parenting officer to add the breakdown",
            )
            continue
        group = _group_of(dimension, written)
        if group is None:
            codes = ", ".join(group.code for group in dimension.groups)
            row.error(
                column,
                f"'{written}' is not a group of {dimension.dimension.name.lower()}: use one of {codes}",
            )
            continue
        total = totals.get((row.indicator.pk, row.period))
        if total is None:
            if (row.indicator.pk, row.period) not in totals_in_file:
                row.error(
                    column,
                    f"Add a row for the total of {reference} for {row.period.code}, with the breakdown "
                    "columns empty: a group's figure is saved with its total",
                )
            elif (row.indicator.pk, row.period) in totals_left_empty:
                row.error(
                    column,
                    f"Enter the total for {reference} in period {row.period.code}: a group's figure is "
                    "saved with its total",
                )
            else:
                row.error(
                    column,
                    f"Correct the total for {reference} in period {row.period.code}: a group's figure is "
                    "saved with its total",
                )
            continue
        row.group = group
        total.group_values = (total.group_values or {}) | {group.pk: row.group_parts}
        by_group[total.number, group.pk] = row
    for total in totals.values():
        _keep_other_dimensions(total, attached.get(total.indicator.pk, []))
        entered = total.group_values if total.group_values is not None else total.existing_groups
        if not entered:
            continue
        try:
            cleaned = group_values_clean(
                indicator=total.indicator,
                dimensions=attached.get(total.indicator.pk, []),
                total=total.values,
                entered=entered,
            )
        except ValidationError as error:
            _report(total, error, by_group)
            continue
        if total.group_values is not None:
            total.group_values = cleaned
            changes_it = total.existing and not total.is_unchanged
            if changes_it and not total.existing.can_be_changed_by(user) and not total.errors:
                total.error(
                    "value",
                    f"The {total.period.code} figure for {total.indicator.reference} has been verified: "
                    "ask the corporate parenting officer to change it",
                )


def _keep_other_dimensions(total, dimensions: list[DimensionGroups]) -> None:
    """A file replaces only the groups of the dimensions it gives for a figure: the saved groups
    of its other dimensions (say, age bands entered through the form) are kept, and checked
    against the total with the rest."""
    if total.group_values is None or not total.existing_groups:
        return
    dimension_of = {
        group.pk: dimension.dimension.pk for dimension in dimensions for group in dimension.groups
    }
    given = {dimension_of.get(group_id) for group_id in total.group_values}
    kept = {
        group_id: parts
        for group_id, parts in total.existing_groups.items()
        if group_id in dimension_of and dimension_of[group_id] not in given
    }
    total.group_values = kept | total.group_values


def _report(total, error: ValidationError, by_group: dict) -> None:
    for field, messages in error.message_dict.items():
        if field.startswith("group-"):
            group_id = int(field.split("-")[1])
            row = by_group.get((total.number, group_id))
            if row is not None:
                for message in messages:
                    row.error(row.breakdown[0], message)
                continue
            if total.group_values is None:
                total.error(
                    "value",
                    f"The groups saved for {total.indicator.reference} {total.period.code} do not fit this "
                    f"total ({messages[0]}): add a row for each group, or correct the total",
                )
                continue
        for message in messages:
            total.error("value", message)


def _dimension_key(dimension: BreakdownDimension):
    return (dimension.order, dimension.name)


def breakdown_export_columns(figures, *, indicators=()) -> list[str]:
    """The breakdown columns of an export (the dimensions the figures have groups in) or a template."""
    found = {}
    for figure in figures:
        for part in figure.group_values.all():
            found[part.group.dimension.code] = part.group.dimension
    for indicator in indicators:
        for link in indicator.breakdowns.all():
            found[link.dimension.code] = link.dimension
    return [dimension.code for dimension in sorted(found.values(), key=_dimension_key)]


def breakdown_export_rows(figure, *, columns: list[str], width: int, number, cell) -> list[list[str]]:
    """A row for each of a figure's groups, under the figure's own row; ``cell`` makes text safe."""
    rows = []
    indicator = figure.indicator
    for part in sorted(
        figure.group_values.all(), key=lambda part: (_dimension_key(part.group.dimension), part.group.order)
    ):
        leading = [
            indicator.reference,
            cell(indicator.title),
            figure.period.code,
            figure.period.label,
            number(part.value),
            number(part.numerator),
            number(part.denominator),
        ]
        breakdown = [
            cell(part.group.code) if column == part.group.dimension.code else "" for column in columns
        ]
        rows.append(leading + [""] * (width - len(leading)) + breakdown)
    return rows


def breakdown_template_rows(
    indicator, *, total: list[str], columns: list[str], width: int
) -> list[list[str]]:
    """An empty row for each group of each of the indicator's breakdowns, under its total's row."""
    rows = []
    for link in indicator.breakdowns.all():
        for group in link.dimension.groups.all():
            breakdown = [group.code if column == link.dimension.code else "" for column in columns]
            rows.append(total + [""] * (width - len(total)) + breakdown)
    return rows

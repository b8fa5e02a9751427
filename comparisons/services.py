"""Importing published statistics: upload, mappings, and the all-or-nothing import."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .layouts import Cell, PublishedFileError, PublishedTable, read_cell, read_published_file
from .models import (
    DefinitionVersion,
    GeographicLevel,
    PublishedFile,
    PublishedMeasure,
    PublishedValue,
    StatisticalNeighbour,
    YearReplacement,
    layout_signature,
)

LEVELS = {level.value for level in GeographicLevel}
NEIGHBOURS_PER_AUTHORITY = 10


def published_file_upload(*, name: str, content: bytes, user=None) -> PublishedFile:
    """Keep an uploaded file once it reads as a published file; the same bytes again give the same record."""
    table = read_published_file(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    existing = PublishedFile.objects.filter(sha256=digest).first()
    if existing:
        return existing
    return PublishedFile.objects.create(
        filename=name[:255],
        sha256=digest,
        kind=table.kind,
        columns=table.header,
        row_count=len(table.rows),
        content=content,
        uploaded_by=user,
    )


def published_table(published_file: PublishedFile) -> PublishedTable:
    return read_published_file(name=published_file.filename, content=bytes(published_file.content))


def measures_for_layout(published_file: PublishedFile):
    return PublishedMeasure.objects.filter(layout_signature=published_file.layout_signature)


@dataclass
class MeasureRows:
    """What one mapping picks out of one file."""

    measure: PublishedMeasure
    values: list[PublishedValue] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({value.time_period for value in self.values})


@dataclass
class ImportPlan:
    published_file: PublishedFile
    measures: list[MeasureRows]
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and all(not rows.errors for rows in self.measures)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [error for rows in self.measures for error in rows.errors]


def _matches(row: list[str], filters: list[tuple[int, str]]) -> bool:
    return all(row[index] == value for index, value in filters)


def measure_rows(table: PublishedTable, measure: PublishedMeasure, published_file=None) -> MeasureRows:
    """The published values one mapping picks from a file, with an error for anything it cannot read."""
    result = MeasureRows(measure)
    columns = [*measure.row_filters, *measure.total_filters, measure.count_column, measure.value_column]
    if measure.denominator_column:
        columns.append(measure.denominator_column)
    missing = sorted({column for column in columns if column not in table.header})
    if missing:
        result.errors.append(
            f"The mapping '{measure.title}' uses the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}, which this file does not have"
        )
        return result
    at = table.column
    row_filters = [(at(column), value) for column, value in measure.row_filters.items()]
    total_filters = [(at(column), value) for column, value in measure.total_filters.items()]
    period, level = at("time_period"), at("geographic_level")
    old_code, new_code, la_name = at("old_la_code"), at("new_la_code"), at("la_name")
    region_code, region_name = at("region_code"), at("region_name")
    country_code, country_name = at("country_code"), at("country_name")
    count_at = at(measure.count_column)
    denominator_at = at(measure.denominator_column) if measure.denominator_column else None
    measure_columns = [measure.count_column, measure.value_column] + (
        [measure.denominator_column] if measure.denominator_column else []
    )

    def area_of(row):
        if row[level] == GeographicLevel.NATIONAL:
            return row[country_code], "", row[country_name]
        if row[level] == GeographicLevel.REGIONAL:
            return row[region_code], "", row[region_name]
        return row[new_code] or row[old_code], row[old_code], row[la_name]

    totals = {}
    if total_filters:
        for row in table.rows:
            if row[level] in LEVELS and _matches(row, total_filters):
                totals[(row[period], row[level], area_of(row)[0])] = read_cell(row[count_at]) or Cell()
    seen = {}
    for number, row in enumerate(table.rows, start=2):
        if row[level] not in LEVELS or not _matches(row, row_filters):
            continue
        area_code, old_la_code, area_name = area_of(row)
        key = (row[period], row[level], area_code)
        if key in seen:
            result.errors.append(
                f"Rows {seen[key]} and {number} both give '{measure.title}' for {area_name} in "
                f"{row[period]}: choose a value for every breakdown column so the mapping picks one row"
            )
            continue
        seen[key] = number
        cells = {column: read_cell(row[at(column)]) for column in measure_columns}
        unreadable = [column for column, cell in cells.items() if cell is None]
        for column in unreadable:
            result.errors.append(
                f"Row {number}, column {column}: '{row[at(column)]}' is not a number or one of DfE's "
                "symbols (c, z, k, x, u, low)"
            )
        if unreadable:
            continue
        count, value = cells[measure.count_column], cells[measure.value_column]
        denominator = cells.get(measure.denominator_column) if denominator_at is not None else totals.get(key)
        result.values.append(
            PublishedValue(
                measure=measure,
                source_file=published_file,
                time_period=int(row[period]),
                geographic_level=row[level],
                area_code=area_code,
                old_la_code=old_la_code,
                area_name=area_name,
                region_code=row[region_code],
                count=count.number,
                count_symbol=count.symbol,
                denominator=denominator.number if denominator else None,
                denominator_symbol=denominator.symbol if denominator else "",
                value=value.number,
                value_symbol=value.symbol,
            )
        )
    if not result.values and not result.errors:
        result.errors.append(
            f"The mapping '{measure.title}' matches no rows in this file: check its breakdown values"
        )
    return result


def import_plan(published_file: PublishedFile) -> ImportPlan:
    """Read the file and every mapping for its layout, saving nothing."""
    table = published_table(published_file)
    measures = list(measures_for_layout(published_file))
    plan = ImportPlan(published_file, [measure_rows(table, measure, published_file) for measure in measures])
    if not measures:
        plan.errors.append("No mapping uses this file's layout yet: add a mapping before importing it")
    return plan


def _fingerprint(value: PublishedValue) -> tuple:
    return (
        value.geographic_level,
        value.area_code,
        value.old_la_code,
        value.area_name,
        value.region_code,
        value.count,
        value.count_symbol,
        value.denominator,
        value.denominator_symbol,
        value.value,
        value.value_symbol,
    )


@dataclass
class ImportResult:
    plan: ImportPlan
    years_added: list[tuple[PublishedMeasure, int]] = field(default_factory=list)
    years_replaced: list[tuple[PublishedMeasure, int]] = field(default_factory=list)
    years_unchanged: list[tuple[PublishedMeasure, int]] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.years_added or self.years_replaced)


@transaction.atomic
def published_file_import(*, published_file: PublishedFile) -> ImportResult:
    """Import every mapping's values from a file, all or nothing.

    A year already holding exactly these values is left alone, so importing the
    same file again changes nothing; a year holding other values (an earlier or
    revised file) is replaced, and the replacement is recorded.
    """
    plan = import_plan(published_file)
    if not plan.is_valid:
        raise PublishedFileError("; ".join(plan.all_errors))
    result = ImportResult(plan)
    measures = [rows.measure for rows in plan.measures]
    years = {value.time_period for rows in plan.measures for value in rows.values}
    existing = defaultdict(list)
    for value in PublishedValue.objects.filter(measure__in=measures, time_period__in=years):
        existing[(value.measure_id, value.time_period)].append(value)
    to_create, to_delete = [], []
    for rows in plan.measures:
        incoming = defaultdict(list)
        for value in rows.values:
            incoming[value.time_period].append(value)
        for year, values in sorted(incoming.items()):
            old = existing.get((rows.measure.pk, year), [])
            if {_fingerprint(value) for value in old} == {_fingerprint(value) for value in values}:
                result.years_unchanged.append((rows.measure, year))
                continue
            if old:
                to_delete += [value.pk for value in old]
                YearReplacement.objects.create(
                    measure=rows.measure,
                    time_period=year,
                    replaced_file_id=old[0].source_file_id,
                    replacing_file=published_file,
                    values_replaced=len(old),
                )
                result.years_replaced.append((rows.measure, year))
            else:
                result.years_added.append((rows.measure, year))
            to_create += values
    if to_delete:
        PublishedValue.objects.filter(pk__in=to_delete).delete()
    PublishedValue.objects.bulk_create(to_create, batch_size=2000)
    published_file.imported_at = timezone.now()
    published_file.save(update_fields=["imported_at"])
    return result


@dataclass
class NeighbourGroup:
    la_code: str
    la_name: str
    neighbours: list[tuple[str, str]]  # (code, closeness), nearest first


def neighbour_groups(published_file: PublishedFile) -> list[NeighbourGroup]:
    """Each authority's neighbours from a groupings file, or PublishedFileError."""
    table = published_table(published_file)
    header = table.header
    code_at, name_at = header.index("la num"), header.index("la name")
    positions = []
    for rank in range(1, NEIGHBOURS_PER_AUTHORITY + 1):
        if f"sn{rank}" not in header:
            raise PublishedFileError(f"The groupings file is missing the column SN{rank}")
        positions.append(header.index(f"sn{rank}"))
    groups = []
    for number, row in enumerate(table.rows, start=2):
        if not row[code_at]:
            continue  # a note between sections, such as "Old SNs:"
        if len(row) <= max(positions) or not row[code_at].isdigit():
            raise PublishedFileError(
                f"Row {number} of the groupings file is not an authority with ten neighbours"
            )
        neighbours = [(row[at], row[at + 1] if at + 1 < len(row) else "") for at in positions]
        if not all(code.isdigit() for code, _ in neighbours):
            raise PublishedFileError(f"Row {number}: every neighbour must be a three-digit authority code")
        groups.append(NeighbourGroup(row[code_at], row[name_at], neighbours))
    return groups


@transaction.atomic
def neighbours_import(*, published_file: PublishedFile) -> int:
    """Replace the statistical-neighbour groupings with a file's; returns how many authorities it has."""
    groups = neighbour_groups(published_file)
    StatisticalNeighbour.objects.all().delete()
    StatisticalNeighbour.objects.bulk_create(
        StatisticalNeighbour(
            la_code=group.la_code,
            la_name=group.la_name,
            rank=rank,
            neighbour_code=code,
            closeness=closeness,
            source_file=published_file,
        )
        for group in groups
        for rank, (code, closeness) in enumerate(group.neighbours, start=1)
    )
    published_file.imported_at = timezone.now()
    published_file.save(update_fields=["imported_at"])
    return len(groups)


def measure_create(
    *,
    published_file: PublishedFile,
    title: str,
    row_filters: dict[str, str],
    total_filters: dict[str, str],
    count_column: str,
    denominator_column: str,
    value_column: str,
    unit: str,
    polarity: str,
    catalogue_entry=None,
    indicator=None,
) -> PublishedMeasure:
    """Save a mapping for a file's layout, once it picks one row per area and year from the file."""
    measure = PublishedMeasure(
        title=title,
        layout_signature=layout_signature(published_file.columns),
        row_filters=row_filters,
        total_filters=total_filters,
        count_column=count_column,
        denominator_column=denominator_column,
        value_column=value_column,
        unit=unit,
        polarity=polarity,
        catalogue_entry=catalogue_entry,
        indicator=indicator,
    )
    measure.full_clean()
    if any(existing.row_filters == row_filters for existing in measures_for_layout(published_file)):
        raise ValidationError("A mapping already picks these rows from files in this layout")
    rows = measure_rows(published_table(published_file), measure)
    if rows.errors:
        raise ValidationError(rows.errors)
    measure.save()
    return measure


def definition_version_add(
    *, measure: PublishedMeasure, definition: str, valid_from: int | None, valid_to: int | None
) -> DefinitionVersion:
    """Record what a measure meant between two years; versions of one measure may not overlap."""
    version = DefinitionVersion(
        measure=measure, definition=definition, valid_from=valid_from, valid_to=valid_to
    )
    version.full_clean()
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        raise ValidationError({"valid_to": "The last year must be the same as or after the first year"})
    low, high = valid_from or 0, valid_to or 999999
    for other in measure.definitions.all():
        if (other.valid_from or 0) <= high and low <= (other.valid_to or 999999):
            raise ValidationError(
                f"These years overlap another definition ({other.valid_from or 'the start'} to "
                f"{other.valid_to or 'now'}): change its years first, in the admin pages"
            )
    version.save()
    return version

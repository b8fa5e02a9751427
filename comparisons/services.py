"""Importing published statistics: upload, mappings, and the all-or-nothing import."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
    file_kind,
    layout_signature,
    period_label,
)
from .selectors import Council

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


def measure_columns(measure: PublishedMeasure) -> list[str]:
    """Every column a mapping reads, breakdowns first."""
    columns = [*measure.row_filters, *measure.count_filters, *measure.total_filters, measure.breakdown_column]
    columns += [measure.count_column, measure.denominator_column, measure.value_column]
    return list(dict.fromkeys(column for column in columns if column))


@dataclass
class MeasureRows:
    """What one mapping picks out of one file."""

    VERSION = 1

    measure: PublishedMeasure
    values: list[PublishedValue] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    time_identifier: str = ""

    @property
    def years(self) -> list[int]:
        return sorted({value.time_period for value in self.values})

    @property
    def matched(self) -> bool:
        return bool(self.values)

    @property
    def year_labels(self) -> list[str]:
        return [period_label(year, self.time_identifier) for year in self.years]


@dataclass
class ImportPlan:
    """A published statistics file checked against its mappings; built again on each view, never stored."""

    VERSION = 1

    published_file: PublishedFile
    measures: list[MeasureRows]
    errors: list[str] = field(default_factory=list)
    ignored: list[PublishedMeasure] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    preview: list["MeasurePreview"] = field(default_factory=list)
    unmatched: list[PublishedMeasure] = field(default_factory=list)

    @property
    def has_problem(self) -> bool:
        """Something the officer must put right; a file nothing is mapped for yet is not a problem."""
        return bool(self.measures or self.unmatched) and not self.is_valid

    @property
    def is_valid(self) -> bool:
        return not self.errors and all(not rows.errors for rows in self.measures)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [error for rows in self.measures for error in rows.errors]

    @property
    def warnings(self) -> list[str]:
        return [warning for rows in self.measures for warning in rows.warnings]


def _matches(row: list[str], filters: list[tuple[int, str]]) -> bool:
    return all(row[index] == value for index, value in filters)


UNREADABLE = "is not a number or one of DfE's symbols (c, z, k, x, u, low)"


def measure_rows(table: PublishedTable, measure: PublishedMeasure, published_file=None) -> MeasureRows:
    """The published values one mapping picks from a file, with an error for anything it cannot read.

    The value comes from the measure's rows; the count from the same rows or from the rows
    the count filters pick; the denominator from a column of the same rows or from the
    total rows. So a file giving a measure's count, denominator and percentage on separate
    rows of one column of numbers maps as well as one giving them in separate columns.

    A measure by group (a breakdown column) reads one value per area, year and group: each row's
    group is its breakdown value's group code ("" for the total), and rows whose value the mapping
    does not name are left out. Count and denominator rows are matched within the same group.
    """
    result = MeasureRows(measure)
    missing = [column for column in measure_columns(measure) if column not in table.header]
    if missing:
        result.missing_columns = missing
        result.errors.append(
            f"The mapping '{measure.title}' uses the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}, which this file does not have"
        )
        return result
    at = table.column
    period, level = at("time_period"), at("geographic_level")
    identifier_at = at("time_identifier") if "time_identifier" in table.header else None
    old_code, new_code, la_name = at("old_la_code"), at("new_la_code"), at("la_name")
    region_code, region_name = at("region_code"), at("region_name")
    country_code, country_name = at("country_code"), at("country_name")
    group_at = at(measure.breakdown_column) if measure.breakdown_column else None

    def group_of(row) -> str | None:
        return "" if group_at is None else measure.group_of(row[group_at])

    def area_of(row):
        if row[level] == GeographicLevel.NATIONAL:
            return row[country_code], "", row[country_name]
        if row[level] == GeographicLevel.REGIONAL:
            return row[region_code], "", row[region_name]
        return row[new_code] or row[old_code], row[old_code], row[la_name]

    def filters(mapping: dict) -> list[tuple[int, str]]:
        return [(at(column), value) for column, value in mapping.items()]

    def cells_from(mapping: dict, column: str) -> dict:
        """(period, level, area) → (row number, text) of one column in the rows a filter picks."""
        picked, index, wanted = {}, at(column), filters(mapping)
        for number, row in enumerate(table.rows, start=2):
            if row[level] in LEVELS and _matches(row, wanted) and group_of(row) is not None:
                picked[(row[period], row[level], area_of(row)[0], group_of(row))] = (number, row[index])
        return picked

    counts = cells_from(measure.count_filters, measure.count_column) if measure.count_filters else None
    totals = None
    if measure.total_filters:
        totals = cells_from(measure.total_filters, measure.denominator_column or measure.count_column)
    row_filters = filters(measure.row_filters)
    value_at = at(measure.value_column)
    count_at = at(measure.count_column) if measure.count_column and counts is None else None
    denominator_at = at(measure.denominator_column) if measure.denominator_column and totals is None else None
    identifiers, seen = set(), {}

    def read(number, column, text, errors):
        cell = read_cell(text)
        if cell is None:
            errors.append(f"Row {number}, column {column}: '{text}' {UNREADABLE}")
        return cell

    for number, row in enumerate(table.rows, start=2):
        if row[level] not in LEVELS or not _matches(row, row_filters):
            continue
        group = group_of(row)
        if group is None:
            continue
        area_code, old_la_code, area_name = area_of(row)
        key = (row[period], row[level], area_code, group)
        if len(area_code) > 60 or len(old_la_code) > 30 or len(area_name) > 200 or len(row[region_code]) > 60:
            result.errors.append(
                f"Row {number}: the area's code or name is longer than any DfE uses: check the file "
                "is as DfE publishes it"
            )
            continue
        if key in seen:
            for_group = f" ({group})" if group else ""
            result.errors.append(
                f"Rows {seen[key]} and {number} both give '{measure.title}'{for_group} for {area_name} in "
                f"{row[period]}: choose a value for every breakdown column so the mapping picks one row"
            )
            continue
        seen[key] = number
        errors = []
        value = read(number, measure.value_column, row[value_at], errors)
        count = denominator = None
        if count_at is not None:
            count = read(number, measure.count_column, row[count_at], errors)
        elif counts is not None and key in counts:
            count = read(counts[key][0], measure.count_column, counts[key][1], errors)
        if denominator_at is not None:
            denominator = read(number, measure.denominator_column, row[denominator_at], errors)
        elif totals is not None and key in totals:
            column = measure.denominator_column or measure.count_column
            denominator = read(totals[key][0], column, totals[key][1], errors)
        if errors:
            result.errors += errors
            continue
        if identifier_at is not None:
            identifiers.add(row[identifier_at])
        count, denominator = count or Cell(), denominator or Cell()
        result.values.append(
            PublishedValue(
                measure=measure,
                source_file=published_file,
                time_period=int(row[period]),
                time_identifier=row[identifier_at] if identifier_at is not None else "",
                geographic_level=row[level],
                area_code=area_code,
                old_la_code=old_la_code,
                area_name=area_name,
                region_code=row[region_code],
                group=group,
                count=count.number,
                count_symbol=count.symbol,
                denominator=denominator.number,
                denominator_symbol=denominator.symbol,
                value=value.number,
                value_symbol=value.symbol,
            )
        )
    if len(identifiers) > 1:
        result.errors.append(
            f"The rows of '{measure.title}' mix time periods of different kinds "
            f"({', '.join(sorted(identifiers))}): figures are compared only like with like, "
            "so map each kind separately"
        )
    elif identifiers:
        result.time_identifier = identifiers.pop()
        if measure.time_identifier and result.time_identifier != measure.time_identifier:
            result.errors.append(
                f"The mapping '{measure.title}' holds figures for the {measure.time_identifier.lower()}, "
                f"but this file gives the {result.time_identifier.lower()}: figures are compared only "
                "like with like, so map this file's figures as a measure of their own"
            )
    return result


def mappings_for_file(published_file: PublishedFile, table: PublishedTable) -> tuple[list, list, list, list]:
    """The mappings a file imports through: (rows of the mappings used, mappings ignored, mappings
    for these columns that match no rows, errors).

    A mapping belongs to the kinds of file it was made from or has imported (a kind is a
    file's name without its years). A file of a kind some mapping belongs to imports
    through exactly those mappings. A file of a kind no mapping knows yet, such as an
    edition under another name, is taken for an edition of every kind one of whose
    mappings matches rows in it; the mappings of other kinds belong to other files and
    are ignored. Every mapping of a kind the file is taken for must still match rows in
    it: otherwise the file has changed, and it is refused, saying which mapping and why.
    """
    kind = file_kind(published_file.filename)
    candidates = list(PublishedMeasure.objects.active().select_related("catalogue_entry", "indicator"))
    groups = defaultdict(list)
    for measure in candidates:
        for measure_kind in measure.file_kinds or [f"mapping {measure.pk}"]:
            groups[measure_kind].append(measure)
    picked = {}
    if kind in groups:
        kinds = [kind]
    else:
        for measure in candidates:
            if all(column in table.header for column in measure_columns(measure)):
                picked[measure.pk] = measure_rows(table, measure, published_file)
        kinds = [
            group_kind
            for group_kind, measures in groups.items()
            if any(picked.get(m.pk) and (picked[m.pk].values or picked[m.pk].errors) for m in measures)
        ]
    used, errors = [], []
    for measure in dict.fromkeys(measure for group_kind in kinds for measure in groups[group_kind]):
        rows = picked.get(measure.pk) or measure_rows(table, measure, published_file)
        earlier = " and ".join(measure.file_kinds) or "earlier"
        if not rows.values and not rows.errors:
            rows.errors.append(
                f"The mapping '{measure.title}' matched earlier {earlier} files but matches no rows in "
                f"this file: the file has changed ({_filter_words(measure.row_filters)} is not in it). "
                "Edit the mapping, or retire it if DfE no longer publishes the measure"
            )
        elif rows.missing_columns:
            rows.errors[-1] += (
                f": it matched earlier {earlier} files, so the file has changed. Edit the mapping, or "
                "retire it if DfE no longer publishes the measure"
            )
        used.append(rows)
    used_pks = {rows.measure.pk for rows in used}
    ignored = [measure for measure in candidates if measure.pk not in used_pks]
    unmatched = [] if used else [measure for measure in candidates if measure.pk in picked]
    if not used:
        if unmatched:
            first, others = unmatched[0], len(unmatched) - 1
            errors.append(
                f"No mapping matches rows in this file yet: the mapping '{first.title}', made for "
                f"{' and '.join(first.file_kinds) or 'other'} files with these columns, matches no rows in "
                f"this file{f', nor do {others} more' if others else ''}. "
                "Add a mapping for each measure you want from this file"
            )
        else:
            errors.append("No mapping matches rows in this file yet: add a mapping before importing it")
    return used, ignored, unmatched, errors


def _filter_words(filters: dict) -> str:
    return ", ".join(f"{column} '{value}'" for column, value in filters.items()) or "its rows"


def import_plan(published_file: PublishedFile) -> ImportPlan:
    """Read the file and every mapping that belongs to it, saving nothing."""
    table = published_table(published_file)
    used, ignored, unmatched, errors = mappings_for_file(published_file, table)
    plan = ImportPlan(published_file, used, errors=errors, ignored=ignored, unmatched=unmatched)
    mapped = {column for rows in used for column in measure_columns(rows.measure)}
    plan.unmapped_columns = [column for column in table.measure_columns if column not in mapped]
    _warn_of_older_files(plan)
    plan.preview = [measure_preview(rows) for rows in used if rows.values and not rows.errors]
    return plan


@dataclass
class MeasurePreview:
    """A measure's latest figures in a file, as the portal will show them once imported."""

    VERSION = 1

    measure: PublishedMeasure
    year_label: str
    years: list[str]
    figures: int
    council: PublishedValue | None
    region: PublishedValue | None
    england: PublishedValue | None
    warnings: list[str]


def measure_preview(rows: MeasureRows) -> MeasurePreview:
    council = Council.from_settings()
    latest = max(rows.years)
    in_year = [value for value in rows.values if value.time_period == latest]
    # A measure by group previews its total where the file gives one, else its first group.
    first_group = in_year[0].group
    in_year = [value for value in in_year if not value.group] or [
        v for v in in_year if v.group == first_group
    ]
    mine = next((value for value in in_year if council.is_this(value)), None)
    region = None
    if mine is not None:
        region = next(
            (
                value
                for value in in_year
                if value.geographic_level == GeographicLevel.REGIONAL and value.area_code == mine.region_code
            ),
            None,
        )
    england = next((value for value in in_year if value.geographic_level == GeographicLevel.NATIONAL), None)
    return MeasurePreview(
        measure=rows.measure,
        year_label=period_label(latest, rows.time_identifier or rows.measure.time_identifier),
        years=[period_label(year, rows.time_identifier) for year in rows.years],
        figures=len(rows.values),
        council=mine,
        region=region,
        england=england,
        warnings=rows.warnings,
    )


def _warn_of_older_files(plan: ImportPlan) -> None:
    """Warn where the file would replace a year's figures that came from a newer file."""
    measures = [rows.measure for rows in plan.measures if rows.values]
    if not measures:
        return
    sources = defaultdict(set)
    for measure_id, year, file_id in (
        PublishedValue.objects.filter(measure__in=measures)
        .exclude(source_file=plan.published_file)
        .values_list("measure_id", "time_period", "source_file_id")
        .distinct()
    ):
        sources[measure_id].add((year, file_id))
    if not sources:
        return
    files = PublishedFile.objects.defer("content").in_bulk(
        {file_id for pairs in sources.values() for _, file_id in pairs}
    )
    for rows in plan.measures:
        pairs = sources.get(rows.measure.pk)
        if not pairs or not rows.values:
            continue
        latest_here = max(rows.years)
        latest_by_file = defaultdict(int)
        for year, file_id in pairs:
            latest_by_file[file_id] = max(latest_by_file[file_id], year)
        for year, file_id in sorted(pairs):
            if year in rows.years and latest_by_file[file_id] > latest_here:
                other = files[file_id]
                rows.warnings.append(
                    f"'{rows.measure.title}': this replaces {rows.measure.period_label(year)} figures "
                    f"imported on {timezone.localtime(other.imported_at or other.uploaded_at):%-d %B %Y} "
                    f"from a newer file ({other.filename}, with figures to "
                    f"{rows.measure.period_label(latest_by_file[file_id])})"
                )


def _fingerprint(value: PublishedValue) -> tuple:
    return (
        value.time_identifier,
        value.geographic_level,
        value.area_code,
        value.old_la_code,
        value.area_name,
        value.region_code,
        value.group,
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
    kind = file_kind(published_file.filename)
    for rows in plan.measures:
        measure, changed = rows.measure, []
        if kind not in measure.file_kinds:
            measure.file_kinds = [*measure.file_kinds, kind]
            changed.append("file_kinds")
        if rows.time_identifier and not measure.time_identifier:
            measure.time_identifier = rows.time_identifier
            changed.append("time_identifier")
        if changed:
            measure.save(update_fields=changed)
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
    count_filters: dict[str, str] | None = None,
    scale: str = "",
    catalogue_entry=None,
    indicator=None,
    breakdown_column: str = "",
    breakdown_dimension: str = "",
    breakdown_groups: dict[str, str] | None = None,
) -> PublishedMeasure:
    """Save a mapping for a kind of file, once it picks one row per area and year (and group, for a
    measure by group) from the file."""
    measure = PublishedMeasure(
        title=title,
        layout_signature=layout_signature(published_file.columns),
        file_kinds=[file_kind(published_file.filename)],
        row_filters=row_filters,
        count_filters=count_filters or {},
        total_filters=total_filters,
        count_column=count_column,
        denominator_column=denominator_column,
        value_column=value_column,
        unit=unit,
        scale=scale,
        polarity=polarity,
        catalogue_entry=catalogue_entry,
        indicator=indicator,
        breakdown_column=breakdown_column,
        breakdown_dimension=breakdown_dimension,
        breakdown_groups=breakdown_groups or {},
    )
    measure.full_clean()
    table = published_table(published_file)
    check_mapping(measure=measure, table=table)
    measure.save()
    return measure


def check_mapping(*, measure: PublishedMeasure, table: PublishedTable) -> MeasureRows:
    """Refuse a mapping that cannot be right for its file; returns what it picks from the file."""
    problems = {}
    if measure.count_filters and not measure.count_column:
        problems["count_column"] = "Select the column with the count, or choose no rows for the count"
    same_rows = (
        PublishedMeasure.objects.active()
        .exclude(pk=measure.pk)
        .filter(
            row_filters=measure.row_filters,
            value_column=measure.value_column,
            breakdown_column=measure.breakdown_column,
        )
    )
    if any(set(other.file_kinds) & set(measure.file_kinds) for other in same_rows):
        problems.setdefault("__all__", []).append(
            "A mapping already picks these rows and column from this kind of file: edit that mapping instead"
        )
    if measure.catalogue_entry_id and measure.indicator_id:
        problems["indicator"] = (
            "Choose a national measure or a performance indicator, not both: one mapping feeds one indicator"
        )
    if problems:
        raise ValidationError(problems)
    rows = measure_rows(table, measure)
    if rows.errors:
        raise ValidationError(rows.errors)
    if not rows.values:
        raise ValidationError(
            f"The mapping '{measure.title}' matches no rows in this file: check its breakdown values"
        )
    _check_columns_hold_the_right_figures(measure, rows)
    _check_one_mapping_per_indicator_and_year(measure, rows)
    return rows


PERCENTAGE_OR_RATE_WORDS = ("percent", "pct", "rate", "pt_", "%", "proportion")


def _check_columns_hold_the_right_figures(measure: PublishedMeasure, rows: MeasureRows) -> None:
    problems = {}
    denominator = measure.denominator_column
    if denominator and (
        (denominator == measure.value_column and not measure.total_filters)
        or any(word in denominator.lower() for word in PERCENTAGE_OR_RATE_WORDS)
    ):
        problems["denominator_column"] = (
            f"The column {denominator} holds percentages or rates, not the number of children the "
            "measure is out of: select the column with the total, or none"
        )
    if measure.count_column and (measure.count_column == measure.value_column and not measure.count_filters):
        problems["value_column"] = "Select a different column from the count"
    if measure.count_column and all(value.count is None for value in rows.values):
        problems["count_column"] = (
            f"Every cell of {measure.count_column} in the measure's rows is a symbol, not a number: "
            "select the column with the count, or none if the measure has no count"
        )
    if problems:
        raise ValidationError(problems)


def _check_one_mapping_per_indicator_and_year(measure: PublishedMeasure, rows: MeasureRows) -> None:
    """Two mappings may not feed one indicator for the same years."""
    link = Q()
    if measure.indicator_id:
        link |= Q(indicator_id=measure.indicator_id)
    if measure.catalogue_entry_id:
        link |= Q(catalogue_entry_id=measure.catalogue_entry_id)
    if not link:
        return
    # One mapping feeds an indicator's figures for everyone, and one its figures by each dimension.
    others = (
        PublishedMeasure.objects.active()
        .exclude(pk=measure.pk)
        .filter(link, breakdown_dimension=measure.breakdown_dimension)
    )
    years = set(rows.years)
    clash = (
        PublishedValue.objects.filter(measure__in=others, time_period__in=years)
        .values_list("measure__title", "time_period")
        .distinct()
        .first()
    )
    if clash:
        title, year = clash
        raise ValidationError(
            {
                "indicator" if measure.indicator_id else "catalogue_entry": (
                    f"The mapping '{title}' already feeds this indicator for {period_label(year)}: "
                    "retire that mapping first, or link this one to another indicator"
                )
            }
        )


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


@dataclass
class MeasureSummary:
    """One measure's latest figures after an import, for the command's report."""

    measure: PublishedMeasure
    years: list[str]
    preview: MeasurePreview

    def line(self) -> str:
        def figure(value) -> str:
            if value is None:
                return "not published"
            parts = []
            if value.count is not None or value.count_symbol:
                parts.append(f"count {value.count_symbol or _plain(value.count)}")
            if value.denominator is not None or value.denominator_symbol:
                parts.append(f"denominator {value.denominator_symbol or _plain(value.denominator)}")
            return value.display + (f" ({', '.join(parts)})" if parts else "")

        preview = self.preview
        council = preview.council.area_name if preview.council else "The council"
        region = preview.region.area_name if preview.region else "Region"
        return (
            f"{self.measure.title}, {preview.year_label}: {council} {figure(preview.council)}; "
            f"England {figure(preview.england)}; {region} {figure(preview.region)}; "
            f"years {', '.join(self.years)}"
        )


def _plain(number) -> str:
    return f"{number:,.2f}".rstrip("0").rstrip(".") if number % 1 else f"{number:,.0f}"


@dataclass
class FileImport:
    published_file: PublishedFile
    result: ImportResult
    summaries: list[MeasureSummary]
    unmapped_columns: list[str]


def published_statistics_import(*, name: str, content: bytes, user=None) -> FileImport:
    """Keep a published file and import it through its mappings, all or nothing.

    The upload screen and ``manage.py import_published`` both import through here.
    """
    with transaction.atomic():
        published_file = published_file_upload(name=name, content=content, user=user)
        if published_file.kind != PublishedFile.Kind.STATISTICS:
            neighbours_import(published_file=published_file)
            return FileImport(published_file, ImportResult(ImportPlan(published_file, [])), [], [])
        result = published_file_import(published_file=published_file)
    summaries = [MeasureSummary(preview.measure, preview.years, preview) for preview in result.plan.preview]
    return FileImport(published_file, result, summaries, result.plan.unmapped_columns)

"""The council beside England, its region and its statistical neighbours, year by year.

Every read here runs a fixed number of queries however many measures, years and
areas there are.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q

from indicators.choices import Polarity

from .models import (
    DefinitionVersion,
    GeographicLevel,
    PublishedMeasure,
    PublishedValue,
    StatisticalNeighbour,
)

# The council is "similar" to its neighbours when within this share of their median.
SIMILAR_WITHIN = Decimal("0.05")


class Verdict(models.TextChoices):
    BETTER = "better", "Better than similar councils"
    SIMILAR = "similar", "In line with similar councils"
    WORSE = "worse", "Worse than similar councils"
    HIGHER = "higher", "Higher than similar councils"
    LOWER = "lower", "Lower than similar councils"
    NOT_COMPARABLE = "not_comparable", "Not comparable"

    @property
    def tag_colour(self) -> str:
        """Better, similar and worse carry colour; directions without a polarity stay grey."""
        return {"better": "green", "similar": "blue", "worse": "red"}.get(self.value, "grey")


@dataclass(frozen=True)
class Council:
    la_code: str
    new_la_code: str

    @classmethod
    def from_settings(cls) -> "Council":
        return cls(settings.COUNCIL_LA_CODE, settings.COUNCIL_NEW_LA_CODE)

    def is_this(self, value: PublishedValue) -> bool:
        return value.geographic_level == GeographicLevel.LOCAL_AUTHORITY and (
            value.old_la_code == self.la_code or value.area_code == self.new_la_code
        )


@dataclass
class YearComparison:
    """One measure in one year: the council, England, its region and its neighbours."""

    measure: PublishedMeasure
    time_period: int
    council: PublishedValue | None
    england: PublishedValue | None
    region: PublishedValue | None
    neighbours: list[tuple[str, PublishedValue | None]] = field(default_factory=list)
    definition: DefinitionVersion | None = None
    definition_changed: bool = False  # the definition differs from the previous year's

    @property
    def label(self) -> str:
        return self.measure.period_label(self.time_period)

    @property
    def neighbour_numbers(self) -> list[Decimal]:
        return [value.value for _, value in self.neighbours if value is not None and value.value is not None]

    @property
    def neighbour_median(self) -> Decimal | None:
        numbers = self.neighbour_numbers
        return Decimal(statistics.median(numbers)) if numbers else None

    @property
    def neighbour_median_display(self) -> str:
        return self.measure.format_value(self.neighbour_median)

    @property
    def council_number(self) -> Decimal | None:
        return self.council.value if self.council else None

    @property
    def rank(self) -> int | None:
        """The council's place among itself and its neighbours with figures, 1 being the best.

        Where neither higher nor lower is better, 1 is the highest.
        """
        mine = self.council_number
        if mine is None:
            return None
        others = self.neighbour_numbers
        if self.measure.polarity == Polarity.LOWER_IS_BETTER:
            return 1 + sum(1 for other in others if other < mine)
        return 1 + sum(1 for other in others if other > mine)

    @property
    def ranked_among(self) -> int:
        return len(self.neighbour_numbers) + (1 if self.council_number is not None else 0)

    @property
    def verdict(self) -> Verdict:
        mine, median = self.council_number, self.neighbour_median
        if mine is None or median is None:
            return Verdict.NOT_COMPARABLE
        difference = mine - median
        if abs(difference) <= abs(median) * SIMILAR_WITHIN:
            return Verdict.SIMILAR
        if self.measure.polarity == Polarity.NO_DIRECTION:
            return Verdict.HIGHER if difference > 0 else Verdict.LOWER
        better = difference > 0 if self.measure.polarity == Polarity.HIGHER_IS_BETTER else difference < 0
        return Verdict.BETTER if better else Verdict.WORSE


@dataclass
class MeasureComparison:
    measure: PublishedMeasure
    years: list[YearComparison]  # oldest first

    @property
    def latest(self) -> YearComparison | None:
        return next((year for year in reversed(self.years) if year.council is not None), None)

    @property
    def has_definition_break(self) -> bool:
        return any(year.definition_changed for year in self.years)

    def change_on_previous_year(self, year: YearComparison) -> Decimal | None:
        """None across a definition change: figures under different definitions are never compared."""
        index = self.years.index(year)
        if index == 0 or year.definition_changed:
            return None
        earlier = self.years[index - 1]
        if year.council_number is None or earlier.council_number is None:
            return None
        return year.council_number - earlier.council_number


def neighbour_codes(la_code: str) -> list[str]:
    return list(
        StatisticalNeighbour.objects.filter(la_code=la_code)
        .order_by("rank")
        .values_list("neighbour_code", flat=True)
    )


def comparisons_for_measures(measures, *, council: Council | None = None) -> list[MeasureComparison]:
    """Each measure's years of comparison for the council (the one in settings unless given)."""
    council = council or Council.from_settings()
    measures = list(measures)
    if not measures:
        return []
    neighbours = list(
        StatisticalNeighbour.objects.filter(la_code=council.la_code)
        .order_by("rank")
        .values_list("neighbour_code", flat=True)
    )
    definitions = defaultdict(list)
    for version in DefinitionVersion.objects.filter(measure__in=measures).order_by("valid_from"):
        definitions[version.measure_id].append(version)
    values = (
        PublishedValue.objects.totals()
        .filter(measure__in=measures)
        .filter(
            Q(geographic_level__in=[GeographicLevel.NATIONAL, GeographicLevel.REGIONAL])
            | Q(old_la_code__in=[*neighbours, council.la_code])
            | Q(area_code=council.new_la_code)
        )
    )
    by_measure_year = defaultdict(list)
    for value in values:
        by_measure_year[(value.measure_id, value.time_period)].append(value)
    results = []
    for measure in measures:
        years = sorted(year for measure_id, year in by_measure_year if measure_id == measure.pk)
        comparisons, previous_definition = [], None
        for year in years:
            in_year = by_measure_year[(measure.pk, year)]
            for value in in_year:
                value.measure = measure
            mine = next((value for value in in_year if council.is_this(value)), None)
            by_code = {
                value.old_la_code: value
                for value in in_year
                if value.geographic_level == GeographicLevel.LOCAL_AUTHORITY
            }
            definition = next((version for version in definitions[measure.pk] if version.covers(year)), None)
            comparisons.append(
                YearComparison(
                    measure=measure,
                    time_period=year,
                    council=mine,
                    england=next(
                        (value for value in in_year if value.geographic_level == GeographicLevel.NATIONAL),
                        None,
                    ),
                    region=next(
                        (
                            value
                            for value in in_year
                            if mine
                            and value.geographic_level == GeographicLevel.REGIONAL
                            and value.area_code == mine.region_code
                        ),
                        None,
                    ),
                    neighbours=[(code, by_code.get(code)) for code in neighbours],
                    definition=definition,
                    definition_changed=bool(comparisons) and definition != previous_definition,
                )
            )
            previous_definition = definition
        results.append(MeasureComparison(measure, comparisons))
    return results


def measures_for_indicator(indicator):
    """The published measures mapped to an indicator, directly or through its catalogue entry."""
    condition = Q(indicator=indicator)
    if indicator.catalogue_entry_id:
        condition |= Q(catalogue_entry_id=indicator.catalogue_entry_id)
    return (
        PublishedMeasure.objects.active()
        .totals()
        .filter(condition)
        .prefetch_related(Prefetch("definitions", queryset=DefinitionVersion.objects.order_by("valid_from")))
    )


def comparisons_by_indicator(indicators, *, council: Council | None = None) -> dict[int, MeasureComparison]:
    """For each indicator with a mapped measure, that measure's comparison (the first by title)."""
    indicators = list(indicators)
    entries = {indicator.catalogue_entry_id for indicator in indicators if indicator.catalogue_entry_id}
    measures = list(
        PublishedMeasure.objects.active()
        .totals()
        .filter(Q(indicator__in=indicators) | Q(catalogue_entry_id__in=entries))
    )
    comparisons = {
        comparison.measure.pk: comparison
        for comparison in comparisons_for_measures(measures, council=council)
    }
    result = {}
    for indicator in indicators:
        for measure in measures:
            linked = measure.indicator_id == indicator.pk or (
                indicator.catalogue_entry_id and measure.catalogue_entry_id == indicator.catalogue_entry_id
            )
            if linked and indicator.pk not in result:
                result[indicator.pk] = comparisons[measure.pk]
    return result


def comparison_snapshot(indicators, *, up_to: int) -> dict[int, dict]:
    """Each indicator's latest comparison up to a year, as plain text to freeze in a report."""
    snapshot = {}
    for pk, comparison in comparisons_by_indicator(indicators).items():
        year = next(
            (
                year
                for year in reversed(comparison.years)
                if year.time_period <= up_to and year.council is not None
            ),
            None,
        )
        if year is None:
            continue
        snapshot[pk] = {
            "measure": comparison.measure.title,
            "year": year.label,
            "council_name": year.council.area_name,
            "council": year.council.display,
            "council_parts": year.council.parts_display,
            "england": year.england.display if year.england else "",
            "region_name": year.region.area_name if year.region else "",
            "region": year.region.display if year.region else "",
            "neighbour_median": year.neighbour_median_display,
            "rank": year.rank,
            "ranked_among": year.ranked_among,
            "verdict": year.verdict.value,
            "verdict_label": year.verdict.label,
        }
    return snapshot


def published_sources():
    """Each current measure's values, to read which file each year comes from."""
    return PublishedValue.objects.filter(measure__retired_at__isnull=True)


@dataclass(frozen=True)
class GroupFigures:
    """One group's published figures for one year: England's, the council's region's and the council's."""

    VERSION = 1

    measure: PublishedMeasure
    dimension: str
    group: str  # the group's code; "" for the total
    label: str  # the group's value as DfE labels it
    time_period: int
    england: PublishedValue | None
    region: PublishedValue | None
    council: PublishedValue | None

    @property
    def period_label(self) -> str:
        return self.measure.period_label(self.time_period)


def published_values_by_group(
    *, measure: PublishedMeasure | None = None, indicator=None, council: Council | None = None
) -> list[GroupFigures]:
    """A measure's published figures by group (or those of every mapping by group of an indicator),
    for England, the council's region and the council: by dimension, year, then group in the order
    the mapping names them. Two queries, however many groups and years."""
    council = council or Council.from_settings()
    if measure is not None:
        measures = [measure] if measure.has_breakdown else []
    else:
        condition = Q(indicator=indicator)
        if indicator.catalogue_entry_id:
            condition |= Q(catalogue_entry_id=indicator.catalogue_entry_id)
        measures = list(
            PublishedMeasure.objects.active().exclude(breakdown_column="").filter(condition).order_by("title")
        )
    return _group_figures(measures, council)


def published_values_by_group_for_indicators(
    indicators, *, council: Council | None = None
) -> dict[int, list[GroupFigures]]:
    """``published_values_by_group`` for many indicators at once, by indicator id: two queries
    however many indicators."""
    council = council or Council.from_settings()
    condition = Q(indicator__in=indicators) | Q(
        catalogue_entry_id__in=[
            indicator.catalogue_entry_id for indicator in indicators if indicator.catalogue_entry_id
        ]
    )
    measures = list(
        PublishedMeasure.objects.active().exclude(breakdown_column="").filter(condition).order_by("title")
    )
    figures = _group_figures(measures, council)
    found: dict[int, list[GroupFigures]] = {}
    for indicator in indicators:
        found[indicator.pk] = [
            each
            for each in figures
            if each.measure.indicator_id == indicator.pk
            or (
                indicator.catalogue_entry_id
                and each.measure.catalogue_entry_id == indicator.catalogue_entry_id
            )
        ]
    return found


def _group_figures(measures: list[PublishedMeasure], council: Council) -> list[GroupFigures]:
    if not measures:
        return []
    values = PublishedValue.objects.filter(measure__in=measures).filter(
        Q(geographic_level__in=[GeographicLevel.NATIONAL, GeographicLevel.REGIONAL])
        | Q(old_la_code=council.la_code)
        | Q(area_code=council.new_la_code)
    )
    by_key = defaultdict(list)
    for value in values:
        by_key[(value.measure_id, value.time_period, value.group)].append(value)
    result = []
    for each in measures:
        labels = {code: label for label, code in each.breakdown_groups.items()}
        years = sorted({year for measure_id, year, _ in by_key if measure_id == each.pk})
        for year in years:
            for code, label in labels.items():
                in_group = by_key.get((each.pk, year, code), [])
                for value in in_group:
                    value.measure = each
                mine = next((value for value in in_group if council.is_this(value)), None)
                region_code = mine.region_code if mine else ""
                result.append(
                    GroupFigures(
                        measure=each,
                        dimension=each.breakdown_dimension,
                        group=code,
                        label=label,
                        time_period=year,
                        england=next(
                            (v for v in in_group if v.geographic_level == GeographicLevel.NATIONAL), None
                        ),
                        region=next(
                            (
                                v
                                for v in in_group
                                if v.geographic_level == GeographicLevel.REGIONAL
                                and v.area_code == region_code
                            ),
                            None,
                        ),
                        council=mine,
                    )
                )
    return result

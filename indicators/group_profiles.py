"""One group's figures across every indicator broken down by its dimension: the profile of need's lines.

Small numbers are hidden as on each indicator's page: ``disclosure.disclose`` is run on the same
cells (the indicator's latest verified periods, every dimension it is broken down by), so a
value hidden on the indicator's page is hidden here too. A fixed number of queries however
many indicators.
"""

from dataclasses import dataclass

from django.conf import settings

from .breakdown_tables import LATEST_PERIODS, ShownValue, _cells, _shown, _trend, gap_in_words
from .breakdowns import dimensions_by_indicator
from .choices import Trend
from .disclosure import TOTAL, disclose
from .models import BreakdownGroup, Figure, FigureGroupValue, PerformanceIndicator
from .selectors import sees_exact_figures


@dataclass(frozen=True)
class GroupLine:
    """One indicator's latest verified figure for the group, beside all children's."""

    indicator: PerformanceIndicator
    period_label: str
    period_end_year: int
    group: ShownValue
    total: ShownValue
    gap: str
    trend: Trend
    exact: bool


def group_lines(indicators: list[PerformanceIndicator], *, group: BreakdownGroup, user) -> list[GroupLine]:
    """For each indicator broken down by the group's dimension, its latest verified figure for the
    group and for all children, hidden for ``user`` as the indicator's page hides it. Four queries."""
    attached = dimensions_by_indicator([indicator.pk for indicator in indicators])
    indicators = [
        indicator
        for indicator in indicators
        if any(each.dimension.pk == group.dimension_id for each in attached.get(indicator.pk, ()))
    ]
    newest: dict[int, list[Figure]] = {}
    for figure in (
        Figure.objects.filter(indicator__in=indicators, status=Figure.Status.VERIFIED)
        .select_related("indicator")
        .order_by("indicator_id", "-period_start")
    ):
        if len(newest.setdefault(figure.indicator_id, [])) < LATEST_PERIODS:
            newest[figure.indicator_id].append(figure)
    figures = [figure for found in newest.values() for figure in found]
    parts = {
        (part.figure_id, part.group_id): part for part in FigureGroupValue.objects.filter(figure__in=figures)
    }
    lines = []
    for indicator in indicators:
        found = newest.get(indicator.pk, [])[::-1]
        if not found or not any((figure.pk, group.pk) in parts for figure in found):
            continue
        dimensions = attached[indicator.pk]
        exact = sees_exact_figures(user, indicator)
        disclosure = disclose(
            _cells(indicator, dimensions, found, parts), threshold=settings.SUPPRESSION_THRESHOLD
        )
        hidden = disclosure.hidden if indicator.counts_children and not exact else frozenset()
        small_base = disclosure.small_base if indicator.counts_children else frozenset()
        code = group.dimension.code
        values = tuple(
            _shown(
                indicator,
                parts.get((figure.pk, group.pk)),
                (figure.period.code, code, group.code),
                hidden=hidden,
                small_base=small_base,
            )
            for figure in found
        )
        latest = found[-1]
        total = _shown(
            indicator, latest, (latest.period.code, TOTAL, TOTAL), hidden=hidden, small_base=small_base
        )
        lines.append(
            GroupLine(
                indicator=indicator,
                period_label=latest.period.label,
                period_end_year=latest.period.end.year,
                group=values[-1],
                total=total,
                gap=gap_in_words(indicator, values[-1], total),
                trend=_trend(indicator, values),
                exact=exact,
            )
        )
    return lines

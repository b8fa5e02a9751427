"""The annual report card ("the Green Report"): children looked after for over a year.

It puts the council's latest published figures beside England, its region and
its statistical neighbours, with the strategy's own verified figures for the
indicators they are mapped to (small numbers hidden as on every shared page).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from indicators.models import PerformanceIndicator
from indicators.selectors import IndicatorStatus, indicator_statuses
from indicators.suppression import suppression_note
from objectives.models import Strategy

from .models import PublishedMeasure, period_end_year
from .selectors import YearComparison, comparisons_for_measures


@dataclass
class ReportCardLine:
    comparison: YearComparison
    indicator: PerformanceIndicator | None
    status: IndicatorStatus | None


def report_card() -> dict:
    """The annual report card. It is a published document, handed beyond the officer's own
    pages, so its local figures follow the small-number rule for every reader."""
    strategy = Strategy.objects.current()
    indicators = []
    if strategy is not None:
        indicators = list(PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details())
    statuses = {
        status.indicator.pk: status for status in indicator_statuses(indicators, user=AnonymousUser())
    }
    measures = PublishedMeasure.objects.active().totals().prefetch_related("definitions")
    lines = []
    for comparison in comparisons_for_measures(measures):
        latest = comparison.latest
        if latest is None:
            continue
        indicator = next(
            (
                indicator
                for indicator in indicators
                if indicator.pk == comparison.measure.indicator_id
                or (
                    indicator.catalogue_entry_id
                    and indicator.catalogue_entry_id == comparison.measure.catalogue_entry_id
                )
            ),
            None,
        )
        lines.append(ReportCardLine(latest, indicator, statuses.get(indicator.pk) if indicator else None))
    # Each line shows its own latest year; the card is titled with the latest year ending,
    # in the reporting years most of DfE's children-looked-after figures use.
    latest = max(
        (line.comparison for line in lines),
        key=lambda year: (period_end_year(year.time_period), len(str(year.time_period)) == 4),
        default=None,
    )
    council = next((line.comparison.council for line in lines if line.comparison.council), None)
    return {
        "strategy": strategy,
        "lines": lines,
        "year_label": latest.label if latest else "",
        "suppression_note": suppression_note(),
        "area_name": council.area_name if council else "",
        "region_name": next(
            (line.comparison.region.area_name for line in lines if line.comparison.region), ""
        ),
    }

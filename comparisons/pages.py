"""Published comparisons shown on other apps' pages, fetched before the page renders.

The indicator list, the indicator page and the strategy overview sit below this app, so
their views reach these functions through the app registry (``ComparisonsConfig``) and hand
the results to the templates: no query runs while a template renders.
"""

from indicators.choices import Frequency

from .charts import comparison_chart
from .models import Symbol
from .selectors import comparisons_by_indicator, comparisons_for_measures, measures_for_indicator


def annual_targets(indicator) -> dict[int, object]:
    """Local annual targets by the DfE year they line up with: the year ending 31 March."""
    if indicator.frequency != Frequency.ANNUAL:
        return {}
    return {
        target.period_start.year + 1: target.value
        for target in indicator.targets.filter(frequency=Frequency.ANNUAL)
        if target.period_start.month == 4 and target.period_start.day == 1
    }


def indicator_comparison_sections(indicator) -> dict:
    """The "compared with other councils" sections of an indicator page, one per linked measure."""
    comparisons = comparisons_for_measures(measures_for_indicator(indicator))
    targets = annual_targets(indicator)
    sections = []
    for comparison in comparisons:
        latest = comparison.latest
        council = latest.council.area_name if latest else ""
        region = latest.region.area_name if latest and latest.region else ""
        rows = [
            {
                "year": year,
                "target": indicator.format_value(targets[year.time_period])
                if year.time_period in targets
                else "",
                "change": comparison.measure.format_change(comparison.change_on_previous_year(year)),
            }
            for year in reversed(comparison.years)
        ]
        sections.append(
            {
                "comparison": comparison,
                "latest": latest,
                "council_name": council or "The council",
                "region_name": region or "Region",
                "chart": comparison_chart(
                    comparison, council_name=council, region_name=region, targets=targets
                ),
                "rows": rows,
                "has_targets": any(row["target"] for row in rows),
            }
        )
    return {"indicator": indicator, "sections": sections, "symbols": list(Symbol)}


def latest_verdicts_by_indicator(indicators) -> dict:
    """The latest comparison for each listed indicator that has one, by indicator id."""
    return {
        pk: comparison.latest
        for pk, comparison in comparisons_by_indicator(list(indicators)).items()
        if comparison.latest is not None
    }


def verdict_counts_by_objective(objectives) -> dict[int, list[tuple[str, int]]]:
    """For each objective, how many of its indicators are better, similar or worse than similar councils."""
    from indicators.models import PerformanceIndicator

    indicators = list(PerformanceIndicator.objects.filter(objective__in=objectives))
    latest = latest_verdicts_by_indicator(indicators)
    counts: dict[int, dict[str, int]] = {}
    for indicator in indicators:
        if indicator.pk in latest:
            verdict = latest[indicator.pk].verdict
            tally = counts.setdefault(indicator.objective_id, {})
            tally[verdict.label] = tally.get(verdict.label, 0) + 1
    return {pk: sorted(tally.items()) for pk, tally in counts.items()}

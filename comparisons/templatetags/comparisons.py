"""Published comparisons on other apps' pages: the indicator page and the indicator list."""

from django import template
from django.utils.html import format_html

from indicators.choices import Frequency

from ..charts import comparison_chart
from ..models import Symbol
from ..selectors import Verdict, comparisons_by_indicator, comparisons_for_measures, measures_for_indicator

register = template.Library()

VERDICT_COLOURS = {
    Verdict.BETTER: "govuk-tag--green",
    Verdict.SIMILAR: "govuk-tag--blue",
    Verdict.WORSE: "govuk-tag--red",
    Verdict.HIGHER: "govuk-tag--grey",
    Verdict.LOWER: "govuk-tag--grey",
    Verdict.NOT_COMPARABLE: "govuk-tag--grey",
}


def annual_targets(indicator) -> dict[int, object]:
    """Local annual targets by the DfE year they line up with: the year ending 31 March."""
    if indicator.frequency != Frequency.ANNUAL:
        return {}
    return {
        target.period_start.year + 1: target.value
        for target in indicator.targets.filter(frequency=Frequency.ANNUAL)
        if target.period_start.month == 4 and target.period_start.day == 1
    }


@register.inclusion_tag("comparisons/includes/indicator_comparisons.html")
def indicator_comparisons(indicator):
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
                "chart": comparison_chart(comparison, council_name=council, region_name=region),
                "rows": rows,
                "has_targets": any(row["target"] for row in rows),
            }
        )
    return {"indicator": indicator, "sections": sections, "symbols": list(Symbol)}


@register.simple_tag
def comparison_verdicts(statuses):
    """The latest comparison for each listed indicator that has one, by indicator id."""
    return {
        pk: comparison.latest
        for pk, comparison in comparisons_by_indicator([status.indicator for status in statuses]).items()
        if comparison.latest is not None
    }


@register.filter
def for_indicator(verdicts: dict, indicator):
    return verdicts.get(indicator.pk)


@register.simple_tag
def verdict_tag(year_comparison):
    if year_comparison is None:
        return "–"
    verdict = year_comparison.verdict
    return format_html('<strong class="govuk-tag {}">{}</strong>', VERDICT_COLOURS[verdict], verdict.label)


@register.simple_tag
def published_value(value, parts: bool = False):
    """A published figure, or DfE's symbol with its meaning for screen readers; '–' when not published."""
    if value is None:
        return format_html('–<span class="govuk-visually-hidden"> not published</span>')
    if value.value_symbol:
        shown = format_html(
            '{}<span class="govuk-visually-hidden"> ({})</span>', value.value_symbol, value.symbol_meaning
        )
    else:
        shown = format_html("{}", value.display)
    if parts and (value.denominator is not None or value.denominator_symbol):
        return format_html('{}<br><span class="govuk-body-s">{}</span>', shown, value.parts_display)
    return shown


@register.simple_tag
def comparisons_by_objective(objectives):
    """For each objective, how many of its indicators are better, similar or worse than similar councils."""
    from indicators.models import PerformanceIndicator

    indicators = list(PerformanceIndicator.objects.filter(objective__in=objectives))
    latest = {
        pk: comparison.latest
        for pk, comparison in comparisons_by_indicator(indicators).items()
        if comparison.latest
    }
    counts = {}
    for indicator in indicators:
        if indicator.pk in latest:
            verdict = latest[indicator.pk].verdict
            tally = counts.setdefault(indicator.objective_id, {})
            tally[verdict.label] = tally.get(verdict.label, 0) + 1
    return counts


@register.filter
def for_objective(counts: dict, objective):
    return sorted(counts.get(objective.pk, {}).items())

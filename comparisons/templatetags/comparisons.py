"""How published comparisons look on any page; the views fetch them (see comparisons.pages)."""

from django import template
from django.utils.html import format_html

from core.templatetags.govuk import govuk_tag

from ..selectors import Verdict

register = template.Library()


@register.simple_tag
def verdict_tag(year_comparison):
    if year_comparison is None:
        return "–"
    return govuk_tag(Verdict(year_comparison.verdict))


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


@register.filter
def for_indicator(verdicts: dict, indicator):
    return verdicts.get(indicator.pk)


@register.filter
def for_objective(counts: dict, objective):
    return counts.get(objective.pk, [])

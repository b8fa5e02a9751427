"""Tags for the strategy overview's performance matrix, and the indicators' charts."""

from django import template
from django.utils.html import format_html

from indicators.charts import chart_figure_html
from indicators.choices import RagStatus

register = template.Library()

COLUMN_COLOURS = {"green": RagStatus.GREEN, "amber": RagStatus.AMBER, "red": RagStatus.RED}


@register.simple_tag
def performance_count_tag(cell):
    """A matrix count as a tag that says what it counts: the colour only repeats the words."""
    rating = COLUMN_COLOURS.get(cell.column)
    colour = rating.tag_colour if rating else "grey"
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{} {}</strong>', colour, cell.count, cell.label.lower()
    )


@register.simple_tag
def chart_figure(chart, chart_id: str):
    """An indicator's line chart with its legend (see indicators.charts)."""
    return chart_figure_html(chart, chart_id)

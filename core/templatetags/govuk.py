"""Template helpers that render the portal's shared GOV.UK components."""

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

BULLET = re.compile(r"^- ")
NUMBERED = re.compile(r"^\d+\. ")


@register.filter
def govuk_text(text: str):
    """Render stored text: blank lines part paragraphs, '- ' and '1. ' lines make lists."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if all(BULLET.match(line) for line in lines):
            items = ((BULLET.sub("", line),) for line in lines)
            html.append(
                format_html(
                    '<ul class="govuk-list govuk-list--bullet">{}</ul>',
                    format_html_join("", "<li>{}</li>", items),
                )
            )
        elif all(NUMBERED.match(line) for line in lines):
            # A list can continue after a paragraph ("1. ...", "OR", "2. ..."), so keep its numbers.
            items = ((NUMBERED.sub("", line),) for line in lines)
            start = int(NUMBERED.match(lines[0]).group(0).rstrip(". "))
            html.append(
                format_html(
                    '<ol class="govuk-list govuk-list--number" start="{}">{}</ol>',
                    start,
                    format_html_join("", "<li>{}</li>", items),
                )
            )
        else:
            html.append(format_html('<p class="govuk-body">{}</p>', " ".join(lines)))
    # Every block was built with format_html, which escaped the stored text.
    return mark_safe("".join(html))  # noqa: S308


RAG_COLOURS = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--orange",
    "red": "govuk-tag--red",
    "overdue": "govuk-tag--pink",
    "no_data": "govuk-tag--grey",
    "no_target": "govuk-tag--grey",
    "not_rated": "govuk-tag--grey",
}
FIGURE_STATUS_COLOURS = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "verified": "govuk-tag--green",
    "returned": "govuk-tag--red",
}
TREND_SYMBOLS = {"improving": "▲", "worsening": "▼", "up": "▲", "down": "▼", "no_change": "▶"}


@register.simple_tag
def rag_tag(rag):
    """A RAG status as a tag whose words carry the meaning; the colour only repeats it."""
    return format_html('<strong class="govuk-tag {}">{}</strong>', RAG_COLOURS.get(rag.value, ""), rag.label)


@register.simple_tag
def figure_status_tag(figure):
    if figure is None:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not entered")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        FIGURE_STATUS_COLOURS[figure.status],
        figure.get_status_display(),
    )


@register.simple_tag
def trend_text(trend, compared_with: str = ""):
    """Direction of travel in words, with a decorative arrow hidden from screen readers."""
    symbol = TREND_SYMBOLS.get(trend.value)
    words = (
        trend.label
        if not compared_with or trend.value == "not_comparable"
        else f"{trend.label} {compared_with}"
    )
    if symbol:
        return format_html('<span aria-hidden="true">{}</span> {}', symbol, words)
    return words


@register.simple_tag
def figure_value(indicator, value):
    return indicator.format_value(value)

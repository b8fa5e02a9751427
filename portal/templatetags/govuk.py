"""Template helpers that render the portal's shared GOV.UK components."""

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from objectives.models import Action

register = template.Library()

BULLET = re.compile(r"^- ")
NUMBERED = re.compile(r"^\d+\. ")

STATUS_COLOURS = {
    Action.Status.NOT_STARTED: "govuk-tag--grey",
    Action.Status.IN_PROGRESS: "govuk-tag--blue",
    Action.Status.COMPLETE: "govuk-tag--green",
}


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
            items = ((NUMBERED.sub("", line),) for line in lines)
            html.append(
                format_html(
                    '<ol class="govuk-list govuk-list--number">{}</ol>',
                    format_html_join("", "<li>{}</li>", items),
                )
            )
        else:
            html.append(format_html('<p class="govuk-body">{}</p>', " ".join(lines)))
    # Every block was built with format_html, which escaped the stored text.
    return mark_safe("".join(html))  # noqa: S308


@register.simple_tag
def action_status_tag(action: Action):
    tag = format_html(
        '<strong class="govuk-tag {}">{}</strong>', STATUS_COLOURS[action.status], action.get_status_display()
    )
    if action.is_overdue():
        tag = format_html('{} <strong class="govuk-tag govuk-tag--red">Overdue</strong>', tag)
    return tag

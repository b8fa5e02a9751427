"""Template helpers for the strategy's own records."""

from django import template
from django.utils.html import format_html

from objectives.models import Action

register = template.Library()

STATUS_COLOURS = {
    Action.Status.NOT_STARTED: "govuk-tag--grey",
    Action.Status.ON_TRACK: "govuk-tag--blue",
    Action.Status.AT_RISK: "govuk-tag--orange",
    Action.Status.OFF_TRACK: "govuk-tag--red",
    Action.Status.COMPLETE: "govuk-tag--green",
}


@register.simple_tag
def action_status_tag(action: Action):
    tag = format_html(
        '<strong class="govuk-tag {}">{}</strong>', STATUS_COLOURS[action.status], action.get_status_display()
    )
    if action.is_overdue():
        tag = format_html('{} <strong class="govuk-tag govuk-tag--red">Overdue</strong>', tag)
    return tag

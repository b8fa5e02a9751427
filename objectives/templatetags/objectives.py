"""Template helpers for the strategy's own records."""

from django import template
from django.utils.html import format_html

from core.templatetags.govuk import govuk_tag
from objectives.models import Action

register = template.Library()


@register.simple_tag
def action_status_tag(action: Action):
    tag = govuk_tag(Action.Status(action.status))
    if action.is_overdue():
        tag = format_html('{} <strong class="govuk-tag govuk-tag--red">Overdue</strong>', tag)
    return tag

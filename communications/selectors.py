"""Reads for the newsletter and the young people's pages."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models.functions import TruncDate
from django.utils import timezone

from comparisons.selectors import comparison_snapshot
from indicators.choices import Computation, Trend, Unit
from indicators.models import format_in_unit
from indicators.selectors import indicator_statuses, register_counter
from indicators.suppression import suppression_note

from .models import Feedback, Newsletter


def public_figures(indicators) -> list[dict]:
    """Each indicator's latest verified figure with its trend, as anyone beyond the officer sees it.

    Figures are read as a person without a role would read them, so only
    verified figures appear and small numbers are hidden. The result is plain
    data, so a published newsletter can keep it as it was.
    """
    indicators = list(indicators.select_related("objective"))
    compared = comparison_snapshot(indicators, up_to=timezone.localdate().year)
    figures = []
    for status in indicator_statuses(indicators, user=AnonymousUser()):
        latest = status.latest_verified
        if latest is None:
            continue
        shown = latest.shown
        trend = Trend.NOT_COMPARABLE if shown.suppressed else status.trend_from_previous
        indicator = status.indicator
        comparison = compared.get(indicator.pk)
        figures.append(
            {
                "reference": indicator.reference,
                "title": indicator.title,
                "period": latest.period.label,
                "value": shown.symbol if shown.suppressed else readable_figure(shown.value, indicator.unit),
                "suppressed": shown.suppressed,
                "trend": trend.value,
                "trend_label": trend.label,
                "target": "" if latest.target is None else readable_figure(latest.target, indicator.unit),
                # Against its target only when the figure itself may be shown.
                "rating": "" if shown.suppressed or latest.target is None else latest.rag.label,
                "compared": "" if shown.suppressed or not comparison else compared_text(comparison),
            }
        )
    return figures


def compared_text(comparison: dict) -> str:
    median = comparison["neighbour_median"] or "not published"
    return f"{comparison['verdict_label']} (similar councils' median {median}, {comparison['year']})"


def readable_figure(value: Decimal | None, unit: str) -> str:
    """A headline figure rounded for readers: whole percentages and rates, whole counts from 100 up."""
    if value is None:
        return ""
    if unit in (Unit.PERCENTAGE, Unit.RATE_PER_10000) or (unit == Unit.COUNT and abs(value) >= 100):
        value = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return format_in_unit(value, unit)


def newsletter_figures(newsletter: Newsletter) -> list[dict]:
    """The figures as published, or for a draft as they would be published now."""
    if newsletter.is_published:
        return newsletter.published_figures
    return public_figures(newsletter.headline_indicators.all())


def figures_note(figures: list[dict]) -> str:
    return suppression_note() if any(figure["suppressed"] for figure in figures) else ""


def latest_published_newsletter() -> Newsletter | None:
    return Newsletter.objects.published().latest_first().first()


@register_counter(Computation.CONSULTATION_FEEDBACK)
def young_people_giving_feedback(since: datetime.date):
    """Feedback from young people in care and care leavers, once the officer has counted it."""
    return (
        Feedback.objects.counted_as_consultation()
        .annotate(day=TruncDate("received_at"))
        .filter(day__gte=since)
        .values_list("day", "pk")
    )

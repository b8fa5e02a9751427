"""Reads for the newsletter and the young people's pages."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
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
                # How current the figure is, kept apart from its rating.
                "verified_on": verified_on(latest.figure),
                "timeliness": public_timeliness(status),
            }
        )
    return figures


def verified_on(figure) -> str:
    if figure is None or figure.verified_at is None:
        return ""
    return f"{timezone.localdate(figure.verified_at):%-d %B %Y}"


def public_timeliness(status) -> str:
    """Where the next figure stands, when it is not the one shown: a late figure never replaces a rating."""
    reporting = status.reporting_row
    if status.indicator.is_computed or reporting is None or reporting is status.latest_verified:
        return ""
    timeliness = status.timeliness
    if timeliness == "On time":
        return ""
    if timeliness == "Sent back":
        return f"The figure for {reporting.period.label} has been sent back to be checked."
    if timeliness.startswith("Due in"):
        return f"The figure for {reporting.period.label} is d{timeliness[1:]}."
    return f"The figure for {reporting.period.label} is {timeliness.lower()}."


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
def young_people_giving_feedback(since: datetime.date, *, strategy_id: int):
    """Feedback from young people in care and care leavers, once the officer has counted it."""
    return (
        Feedback.objects.counted_as_consultation()
        .annotate(day=TruncDate("received_at"))
        .filter(day__gte=since)
        .values_list("day", "pk")
    )


@dataclass(frozen=True)
class FeedbackToAct:
    """Feedback the officer has not acted on, with how long its reply details are kept."""

    feedback: Feedback
    days_until_erased: int | None

    @property
    def wants_reply(self) -> bool:
        return self.feedback.contact_consent and self.feedback.has_contact


def feedback_not_acted_on(*, now: datetime.datetime | None = None) -> list[FeedbackToAct]:
    """Feedback not yet acted on: those wanting a reply first, then the oldest first."""
    now = now or timezone.now()
    retention = datetime.timedelta(days=settings.FEEDBACK_CONTACT_RETENTION_DAYS)
    waiting = Feedback.objects.filter(acted_on=False).order_by("received_at", "pk")
    items = []
    for feedback in waiting:
        days = None
        if feedback.has_contact:
            days = max(0, (feedback.received_at + retention - now).days)
        items.append(FeedbackToAct(feedback=feedback, days_until_erased=days))
    return sorted(items, key=lambda item: not item.wants_reply)

"""Reads for the newsletter and the young people's pages."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models.functions import TruncDate
from django.utils import timezone

from indicators.choices import Computation, Trend
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
    figures = []
    for status in indicator_statuses(indicators, user=AnonymousUser()):
        latest = status.latest_verified
        if latest is None:
            continue
        shown = latest.shown
        trend = Trend.NOT_COMPARABLE if shown.suppressed else status.trend_from_previous
        figures.append(
            {
                "reference": status.indicator.reference,
                "title": status.indicator.title,
                "period": latest.period.label,
                "value": latest.display,
                "suppressed": shown.suppressed,
                "trend": trend.value,
                "trend_label": trend.label,
            }
        )
    return figures


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

"""Reads for people's worklists: what is waiting for the officer, and what each organisation owes.

Each read runs a fixed number of queries however many indicators and figures there are.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from .models import Figure, OrganisationReminder, PerformanceIndicator, ReopenRequest
from .selectors import IndicatorStatus, PeriodRow, due_date, indicator_statuses
from .states import indicator_states


@dataclass(frozen=True)
class QueueRow:
    """A submitted figure waiting for the officer, beside the figure for the period before."""

    figure: Figure
    previous: Figure | None

    @property
    def value_display(self) -> str:
        return self.figure.indicator.format_value(self.figure.value)

    @property
    def previous_display(self) -> str:
        return self.figure.indicator.format_value(self.previous.value) if self.previous else ""

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.previous.value is None or self.figure.value is None:
            return None
        return self.figure.value - self.previous.value

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return "No figure for the period before"
        if change == 0:
            return "No change"
        sign = "+" if change > 0 else "−"
        return f"{sign}{self.figure.indicator.format_value(abs(change))} from {self.previous_display}"


def verification_queue(strategy) -> list[QueueRow]:
    """Submitted figures of the strategy's indicators, the longest waiting first."""
    figures = list(
        Figure.objects.filter(indicator__objective__strategy=strategy, status=Figure.Status.SUBMITTED)
        .select_related("indicator__objective", "indicator__owner", "updated_by")
        .order_by("updated_at", "pk")
    )
    periods_before = {figure.pk: figure.period.previous() for figure in figures}
    # A few more figures than needed, in one simple query: each is then matched to its own.
    candidates = Figure.objects.filter(
        indicator_id__in={figure.indicator_id for figure in figures},
        period_start__in={period.start for period in periods_before.values()},
    ).order_by()
    previous = {(figure.indicator_id, figure.frequency, figure.period_start): figure for figure in candidates}
    return [
        QueueRow(
            figure=figure,
            previous=previous.get(
                (figure.indicator_id, periods_before[figure.pk].frequency, periods_before[figure.pk].start)
            ),
        )
        for figure in figures
    ]


def sent_back_rows(status: IndicatorStatus) -> list[PeriodRow]:
    return [row for row in status.rows if row.figure and row.figure.status == Figure.Status.RETURNED]


def needs_chasing(status: IndicatorStatus) -> bool:
    return status.is_overdue or bool(sent_back_rows(status))


@dataclass
class OrganisationChasing:
    """An organisation's overdue and sent-back figures, with the last reminder the officer sent."""

    organisation: object
    statuses: list[IndicatorStatus] = field(default_factory=list)
    last_reminded_on: datetime.date | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def overdue(self) -> list[IndicatorStatus]:
        return [status for status in self.statuses if status.is_overdue]

    @property
    def sent_back(self) -> list[PeriodRow]:
        return [row for status in self.statuses for row in sent_back_rows(status)]

    @property
    def oldest_due(self) -> datetime.date | None:
        dates = [due_date(status.reporting_row.period) for status in self.overdue]
        return min(dates) if dates else None

    @property
    def reminded_today(self) -> bool:
        return self.last_reminded_on == self.today


def chasing_by_organisation(
    strategy, *, user, today: datetime.date | None = None
) -> list[OrganisationChasing]:
    """Organisations owing overdue or sent-back figures, the longest overdue first."""
    today = today or timezone.localdate()
    indicators = (
        PerformanceIndicator.objects.filter(objective__strategy=strategy, owner__isnull=False)
        .select_related("objective", "owner")
        .order_by("objective__number", "position")
    )
    # The stored states say which indicators need chasing; only those are read in full.
    indicators = list(indicators.filter(computation=""))
    states = indicator_states(indicators, today=today)
    chased = [
        indicator
        for indicator in indicators
        if states[indicator.pk].is_overdue or states[indicator.pk].has_sent_back
    ]
    by_organisation: dict[int, OrganisationChasing] = {}
    for status in indicator_statuses(chased, user=user, today=today):
        if needs_chasing(status):
            owner = status.indicator.owner
            by_organisation.setdefault(owner.pk, OrganisationChasing(organisation=owner, today=today))
            by_organisation[owner.pk].statuses.append(status)
    for organisation_id, last in (
        OrganisationReminder.objects.filter(organisation_id__in=by_organisation)
        .order_by()
        .values("organisation_id")
        .annotate(last=Max("sent_on"))
        .values_list("organisation_id", "last")
    ):
        by_organisation[organisation_id].last_reminded_on = last
    return sorted(
        by_organisation.values(),
        key=lambda chasing: (chasing.oldest_due or today, chasing.organisation.name),
    )


def chasing_for_organisation(organisation, *, today: datetime.date) -> list[IndicatorStatus]:
    """The organisation's overdue and sent-back figures in the current strategy, for a reminder."""
    indicators = PerformanceIndicator.objects.filter(
        owner=organisation, objective__strategy__is_current=True
    ).select_related("objective", "owner")
    return [
        status for status in indicator_statuses(indicators, user=None, today=today) if needs_chasing(status)
    ]


def open_reopen_requests(strategy) -> list[ReopenRequest]:
    return list(
        ReopenRequest.objects.open()
        .filter(figure__indicator__objective__strategy=strategy)
        .select_related("figure__indicator__objective", "requested_by")
        .order_by("requested_at", "pk")
    )


class Timeliness:
    ON_TIME = "On time"
    AWAITING_VERIFICATION = "Awaiting verification"
    SENT_BACK = "Sent back"
    OVERDUE = "Overdue"


@dataclass(frozen=True)
class WorkItem:
    """One indicator on a contributor's worklist: the figure wanted next and when it is due."""

    status: IndicatorStatus
    row: PeriodRow
    today: datetime.date

    @property
    def indicator(self) -> PerformanceIndicator:
        return self.status.indicator

    @property
    def due(self) -> datetime.date:
        return due_date(self.row.period)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def figure(self) -> Figure | None:
        return self.row.figure

    @property
    def is_sent_back(self) -> bool:
        return self.figure is not None and self.figure.status == Figure.Status.RETURNED

    @property
    def state(self) -> str:
        if self.figure is None:
            return "Not entered"
        return self.figure.get_status_display()

    @property
    def timeliness(self) -> str:
        if self.is_sent_back:
            return Timeliness.SENT_BACK
        if self.figure is not None and self.figure.status == Figure.Status.SUBMITTED:
            return Timeliness.AWAITING_VERIFICATION
        if self.figure is not None and self.figure.is_verified:
            return Timeliness.ON_TIME
        if self.days_left < 0:
            days = -self.days_left
            return f"{days} day{'s' if days != 1 else ''} overdue"
        return f"Due in {self.days_left} day{'s' if self.days_left != 1 else ''}"

    @property
    def is_done(self) -> bool:
        return self.figure is not None and self.figure.status in (
            Figure.Status.SUBMITTED,
            Figure.Status.VERIFIED,
        )


def contributor_worklist(
    strategy, organisation, *, user, today: datetime.date | None = None
) -> list[WorkItem]:
    """Each indicator the organisation owns with the figure it wants next: sent back first, then by
    due date, finished ones last. A figure sent back for an earlier period comes first too."""
    today = today or timezone.localdate()
    indicators = (
        PerformanceIndicator.objects.filter(objective__strategy=strategy, owner=organisation, computation="")
        .select_related("objective", "owner")
        .order_by("objective__number", "position")
    )
    items = []
    for status in indicator_statuses(indicators, user=user, today=today):
        returned = sent_back_rows(status)
        row = returned[-1] if returned else status.reporting_row
        if row is not None:
            items.append(WorkItem(status=status, row=row, today=today))
    return sorted(items, key=lambda item: (not item.is_sent_back, item.is_done, item.due, item.indicator.pk))

"""The indicator read model: computed when figures, targets or definitions change, read in one step.

``indicator_state_refresh`` works an indicator's state out from scratch (with the
same rules as ``indicator_statuses``) and stores it; every service that changes a
state calls it inside its own transaction. What the calendar alone changes is
brought in by the nightly ``refresh_indicator_states`` job, and a page that finds
a state worked out for an earlier day refreshes it before showing it, so no page
shows a state older than today.

Computed indicators (counted by the portal from figures of every indicator, Board
meetings and feedback) are not stored: they are few, their counters run one query
per kind of count whatever the data, and keeping them live spares the Board and
the feedback pages from knowing about this read model.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from objectives.models import Strategy

from .choices import RagStatus, Trend
from .models import Figure, IndicatorState, PerformanceIndicator
from .periods import Period
from .selectors import IndicatorStatus, ObjectivePerformance, indicator_statuses, sees_exact_figures
from .sparklines import Direction, Sparkline, direction_of_travel, sparkline_draw
from .suppression import shown_figure

SPARKLINE_PERIODS = 8
# The fields a state is compared on: everything but the indicator it belongs to.
STATE_FIELDS = [field.name for field in IndicatorState._meta.concrete_fields if field.name != "indicator"]
REFRESH_BATCH = 200


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def state_from_status(status: IndicatorStatus) -> IndicatorState:
    """The stored form of an indicator's status, worked out for ``status.today``."""
    today = status.today
    latest = status.latest_verified
    reporting = status.reporting_row
    latest_figure = latest.figure if latest else None
    ended = [row for row in status.rows if row.period.has_ended(today)][:SPARKLINE_PERIODS]
    sparkline = []
    for row in reversed(ended):
        figure = row.figure
        if status.indicator.is_computed:
            figure_status = Figure.Status.VERIFIED if row.value is not None else ""
        else:
            figure_status = figure.status if figure else ""
        sparkline.append(
            {
                "start": row.period.start.isoformat(),
                "value": _number(row.value),
                "numerator": _number(figure.numerator if figure else None),
                "denominator": _number(figure.denominator if figure else None),
                "status": figure_status,
                "target": _number(row.target),
            }
        )
    return IndicatorState(
        indicator=status.indicator,
        as_of=today,
        due_days=settings.FIGURE_DUE_DAYS,
        rag=status.rag,
        performance=status.performance,
        timeliness=status.timeliness,
        is_overdue=status.is_overdue,
        has_sent_back=any(row.figure and row.figure.status == Figure.Status.RETURNED for row in status.rows),
        reporting_period_start=reporting.period.start if reporting else None,
        reporting_verified=bool(reporting and reporting.verified_value is not None),
        latest_period_start=latest.period.start if latest else None,
        latest_value=latest.verified_value if latest else None,
        latest_numerator=latest_figure.numerator if latest_figure else None,
        latest_denominator=latest_figure.denominator if latest_figure else None,
        latest_target=latest.target if latest else None,
        latest_verified_at=latest_figure.verified_at if latest_figure else None,
        trend_from_previous=status.trend_from_previous,
        trend_from_year_earlier=status.trend_from_year_earlier,
        sparkline=sparkline,
    )


def indicator_states_compute(
    indicators: Iterable[PerformanceIndicator], *, today: datetime.date
) -> list[IndicatorState]:
    """States worked out from scratch, unsaved: a fixed number of queries however many indicators."""
    return [state_from_status(status) for status in indicator_statuses(indicators, user=None, today=today)]


def indicator_state_refresh(
    *, indicator_ids: Iterable[int], today: datetime.date | None = None
) -> list[IndicatorState]:
    """Work these indicators' states out again and store them, in the caller's transaction.

    The indicators are locked first, so two writes to one indicator's figures at
    once store the state of both: the second waits, then reads what the first
    committed. Computed indicators are skipped (they are read live).
    """
    today = today or timezone.localdate()
    ids = sorted(set(indicator_ids))
    if not ids:
        return []
    with transaction.atomic():
        indicators = list(
            PerformanceIndicator.objects.filter(pk__in=ids, computation="")
            .select_for_update(of=("self",))
            .select_related("owner")
            .order_by("pk")
        )
        states = indicator_states_compute(indicators, today=today)
        IndicatorState.objects.bulk_create(
            states,
            update_conflicts=True,
            unique_fields=["indicator"],
            update_fields=STATE_FIELDS,
        )
    return states


def indicator_states_refresh_all(*, today: datetime.date | None = None) -> int:
    """The nightly job: bring the current strategy's states up to today.

    Earlier strategies' states are left as they are (no page shows them): their
    figures are never read, and a state is refreshed on demand if it is ever shown.
    """
    today = today or timezone.localdate()
    current = Strategy.objects.current()
    if current is None:
        return 0
    ids = sorted(
        PerformanceIndicator.objects.filter(objective__strategy=current, computation="").values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(ids), REFRESH_BATCH):
        indicator_state_refresh(indicator_ids=ids[start : start + REFRESH_BATCH], today=today)
    return len(ids)


def indicator_states(
    indicators: Iterable[PerformanceIndicator], *, today: datetime.date | None = None
) -> dict[int, IndicatorState]:
    """The current state of each indicator, by id: one query, plus a refresh of any out of date.

    A state worked out for an earlier day (the nightly job has not run yet), for
    another FIGURE_DUE_DAYS, or never stored is refreshed first, so the page never
    shows yesterday's timeliness. States for another day than the current one (say, a
    reminder's day) are worked out without being stored, so they never replace today's.
    """
    today = today or timezone.localdate()
    indicators = list(indicators)
    if today != timezone.localdate():
        states = {state.indicator_id: state for state in indicator_states_compute(indicators, today=today)}
        for indicator in indicators:
            states[indicator.pk].indicator = indicator
        return states
    entered = {indicator.pk: indicator for indicator in indicators if not indicator.is_computed}
    states = {
        state.indicator_id: state
        for state in IndicatorState.objects.filter(
            indicator_id__in=list(entered), as_of=today, due_days=settings.FIGURE_DUE_DAYS
        )
    }
    missing = [pk for pk in entered if pk not in states]
    if missing:
        states |= {
            state.indicator_id: state for state in indicator_state_refresh(indicator_ids=missing, today=today)
        }
    computed = [indicator for indicator in indicators if indicator.is_computed]
    if computed:
        states |= {state.indicator_id: state for state in indicator_states_compute(computed, today=today)}
    for indicator in indicators:
        states[indicator.pk].indicator = indicator  # the caller's, with its owner and objective
    return states


def states_data_as_at(views: Iterable["StateView"]) -> datetime.date | None:
    """The day the newest figure these states show was verified: how current the page's figures are."""
    dates = [timezone.localdate(view.latest_verified_at) for view in views if view.latest_verified_at]
    return max(dates, default=None)


@dataclass(frozen=True)
class SparkPoint:
    """One period of a sparkline, as this viewer may see it."""

    period: Period
    value: Decimal | None
    suppressed: bool
    verified: bool
    status: str
    target: Decimal | None
    display: str

    @property
    def words(self) -> str:
        if self.suppressed:
            return f"{self.period.code}: c"
        if self.value is None:
            return f"{self.period.code}: no figure"
        note = "" if self.verified else f" ({Figure.Status(self.status).label.lower()})"
        return f"{self.period.code}: {self.display}{note}"


@dataclass(frozen=True)
class StateView:
    """An indicator's state as one person may see it: exact for the officer and the owners,
    verified figures only, with small numbers suppressed, for everyone else."""

    state: IndicatorState
    exact: bool

    @property
    def indicator(self) -> PerformanceIndicator:
        return self.state.indicator

    @property
    def performance(self) -> RagStatus:
        return RagStatus(self.state.performance)

    @property
    def rag(self) -> RagStatus:
        return RagStatus(self.state.rag)

    @property
    def timeliness(self) -> str:
        return self.state.timeliness

    @property
    def is_overdue(self) -> bool:
        return self.state.is_overdue

    @property
    def trend_from_previous(self) -> Trend:
        return Trend(self.state.trend_from_previous)

    @property
    def trend_from_year_earlier(self) -> Trend:
        return Trend(self.state.trend_from_year_earlier)

    @property
    def latest_period(self) -> Period | None:
        start = self.state.latest_period_start
        return Period(self.indicator.frequency, start) if start else None

    @property
    def reporting_period(self) -> Period | None:
        """The latest ended period: the one whose figure is wanted now."""
        start = self.state.reporting_period_start
        return Period(self.indicator.frequency, start) if start else None

    @property
    def has_latest(self) -> bool:
        return self.state.latest_period_start is not None

    @property
    def latest_display(self) -> str:
        state = self.state
        if self.exact:
            return self.indicator.format_value(state.latest_value)
        shown = shown_figure(
            value=state.latest_value,
            counts_children=self.indicator.counts_children,
            numerator=state.latest_numerator,
            denominator=state.latest_denominator,
        )
        return shown.symbol if shown.suppressed else self.indicator.format_value(shown.value)

    @property
    def target_display(self) -> str:
        return self.indicator.format_value(self.state.latest_target)

    @property
    def has_target(self) -> bool:
        return self.state.latest_target is not None

    @property
    def latest_verified_at(self) -> datetime.datetime | None:
        return self.state.latest_verified_at

    @property
    def reporting_due(self) -> bool:
        return self.state.reporting_period_start is not None

    @property
    def reporting_verified(self) -> bool:
        return self.state.reporting_verified

    @property
    def direction(self) -> Direction:
        return direction_of_travel(
            self.trend_from_previous, polarity=self.indicator.polarity, unit=self.indicator.unit
        )

    @property
    def drawn_sparkline(self) -> Sparkline:
        return sparkline_draw(self.sparkline)

    @property
    def is_exception(self) -> bool:
        """Off target, or worse than the period before: what the overview lists under each objective."""
        return self.performance == RagStatus.RED or self.trend_from_previous == Trend.WORSENING

    @property
    def sparkline(self) -> list[SparkPoint]:
        points = []
        for point in self.state.sparkline:
            value = Decimal(point["value"]) if point["value"] is not None else None
            verified = point["status"] == Figure.Status.VERIFIED
            suppressed = False
            if not self.exact:
                if not verified:
                    value = None
                shown = shown_figure(
                    value=value,
                    counts_children=self.indicator.counts_children,
                    numerator=Decimal(point["numerator"]) if point["numerator"] is not None else None,
                    denominator=Decimal(point["denominator"]) if point["denominator"] is not None else None,
                )
                value, suppressed = shown.value, shown.suppressed
            target = Decimal(point["target"]) if point["target"] is not None else None
            points.append(
                SparkPoint(
                    period=Period(self.indicator.frequency, datetime.date.fromisoformat(point["start"])),
                    value=value,
                    suppressed=suppressed,
                    verified=verified,
                    status=point["status"] or "",
                    target=target,
                    display=self.indicator.format_value(value),
                )
            )
        return points


def state_views(indicators: Iterable[PerformanceIndicator], *, user) -> list[StateView]:
    """Each indicator's state as this person may see it, in the indicators' order."""
    indicators = list(indicators)
    states = indicator_states(indicators)
    return [StateView(states[indicator.pk], sees_exact_figures(user, indicator)) for indicator in indicators]


def performance_by_objective(strategy, *, user) -> dict[int, ObjectivePerformance]:
    """Each objective's indicator states, for the strategy overview: one query for the states."""
    indicators = PerformanceIndicator.objects.filter(objective__strategy=strategy).select_related("owner")
    performance = defaultdict(ObjectivePerformance)
    for view in state_views(indicators, user=user):
        performance[view.indicator.objective_id].statuses.append(view)
    return performance

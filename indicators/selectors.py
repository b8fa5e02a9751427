"""Reads for dashboards: each indicator's figures, targets, RAG status and trend.

Everything here runs a fixed number of queries however many indicators,
figures and targets there are: figures and targets are fetched once for all
the indicators asked about and grouped in memory.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .choices import Computation, RagStatus, Trend
from .models import Figure, NeedProfile, PerformanceIndicator, Target
from .periods import Period, recent_periods
from .suppression import Shown, shown_figure

CONTRIBUTING_STATUSES = (Figure.Status.SUBMITTED, Figure.Status.VERIFIED)


def sees_exact_figures(user, indicator: PerformanceIndicator) -> bool:
    """The officer, and the contributors who own an indicator, see its figures unsuppressed.

    With no user (a background job compiling a snapshot) figures are exact; the
    pages that show the snapshot apply the rule.
    """
    return user is None or indicator.is_kept_by(user)


def due_date(period: Period) -> datetime.date:
    return period.end + datetime.timedelta(days=settings.FIGURE_DUE_DAYS)


@dataclass
class PeriodRow:
    """One indicator's position in one period."""

    indicator: PerformanceIndicator
    period: Period
    figure: Figure | None
    target: Decimal | None
    computed_value: Decimal | None = None
    exact: bool = True

    @property
    def value(self) -> Decimal | None:
        if self.indicator.is_computed:
            return self.computed_value
        return self.figure.value if self.figure else None

    @property
    def verified_value(self) -> Decimal | None:
        if self.indicator.is_computed:
            return self.computed_value
        return self.figure.value if self.figure and self.figure.is_verified else None

    @property
    def shown(self) -> Shown:
        """The officer and the owners see any figure with its status; others verified ones, suppressed."""
        if self.exact:
            return Shown(self.value, False)
        verified = self.figure if self.figure and self.figure.is_verified else None
        return shown_figure(
            value=self.verified_value,
            counts_children=self.indicator.counts_children,
            numerator=verified.numerator if verified else None,
            denominator=verified.denominator if verified else None,
        )

    @property
    def display(self) -> str:
        shown = self.shown
        return shown.symbol if shown.suppressed else self.indicator.format_value(shown.value)

    @property
    def target_display(self) -> str:
        return self.indicator.format_value(self.target)

    @property
    def rag(self) -> RagStatus:
        return self.indicator.rag(self.verified_value, self.target)


@dataclass
class IndicatorStatus:
    """Where an indicator stands today, for dashboards."""

    indicator: PerformanceIndicator
    rows: list[PeriodRow] = field(default_factory=list)  # newest first
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def latest_verified(self) -> PeriodRow | None:
        return next((row for row in self.rows if row.verified_value is not None), None)

    @property
    def reporting_row(self) -> PeriodRow | None:
        """The latest period that has ended: the one whose figure is wanted now."""
        return next((row for row in self.rows if row.period.has_ended(self.today)), None)

    @property
    def is_overdue(self) -> bool:
        row = self.reporting_row
        if row is None or self.indicator.is_computed:
            return False
        return row.verified_value is None and due_date(row.period) < self.today

    @property
    def rag(self) -> RagStatus:
        if self.is_overdue:
            return RagStatus.OVERDUE
        latest = self.latest_verified
        return latest.rag if latest else RagStatus.NO_DATA

    @property
    def performance(self) -> RagStatus:
        """The RAG rating of the latest verified figure: how well, never how late."""
        latest = self.latest_verified
        return RagStatus(latest.rag) if latest else RagStatus.NO_DATA

    @property
    def timeliness(self) -> str:
        """Where the figure wanted now stands: on time, due in N days, overdue, awaiting
        verification or sent back. Kept apart from the RAG rating."""
        row = self.reporting_row
        if self.indicator.is_computed:
            return "Counted by the portal"
        if row is None:
            return "Not yet due"
        figure = row.figure
        if figure is not None and figure.status == Figure.Status.RETURNED:
            return "Sent back"
        if figure is not None and figure.status == Figure.Status.SUBMITTED:
            return "Awaiting verification"
        if figure is not None and figure.is_verified:
            return "On time"
        days = (due_date(row.period) - self.today).days
        if days < 0:
            return "Overdue"
        return f"Due in {days} day{'s' if days != 1 else ''}"

    def _row_for(self, period: Period) -> PeriodRow | None:
        return next((row for row in self.rows if row.period == period), None)

    def _trend(self, earlier_period) -> Trend:
        latest = self.latest_verified
        if latest is None:
            return Trend.NOT_COMPARABLE
        earlier = self._row_for(earlier_period(latest.period))
        return self.indicator.trend(latest.verified_value, earlier.verified_value if earlier else None)

    @property
    def trend_from_previous(self) -> Trend:
        return self._trend(Period.previous)

    @property
    def trend_from_year_earlier(self) -> Trend:
        return self._trend(Period.year_earlier)

    @property
    def reporting_due(self) -> bool:
        """Whether a period has ended, so a figure is wanted now."""
        return self.reporting_row is not None

    @property
    def reporting_verified(self) -> bool:
        row = self.reporting_row
        return row is not None and row.verified_value is not None


PERIOD_COUNTS = {"monthly": 36, "quarterly": 12, "half_yearly": 6, "annual": 3}


def shown_periods(frequency: str, today: datetime.date, counts: dict[str, int] | None = None) -> list[Period]:
    """The periods a status covers, newest first: three years (or ``counts``) and the period under way."""
    return recent_periods(frequency, today, (counts or PERIOD_COUNTS)[frequency] + 1)


def in_shown_periods(today: datetime.date, counts: dict[str, int] | None = None) -> Q:
    """Figures and targets of the periods statuses cover, whatever their frequency.

    Reading only these keeps the work the same however many years of figures are
    kept, and a report on an earlier half-year reads nothing after it.
    """
    condition = Q()
    for frequency in PERIOD_COUNTS:
        periods = shown_periods(frequency, today, counts)
        condition |= Q(frequency=frequency, period_start__range=(periods[-1].start, periods[0].start))
    return condition


def indicator_statuses(
    indicators: Iterable[PerformanceIndicator],
    *,
    user,
    today: datetime.date | None = None,
    period_counts: dict[str, int] | None = None,
) -> list[IndicatorStatus]:
    """Statuses for these indicators over the last three years, in two or three queries.

    ``period_counts`` reads fewer (or more) periods of each frequency: the evaluation report
    reads only the periods it shows.
    """
    today = today or timezone.localdate()
    indicators = list(indicators)
    ids = [indicator.pk for indicator in indicators]
    periods = {frequency: shown_periods(frequency, today, period_counts) for frequency in PERIOD_COUNTS}
    drawn_on = in_shown_periods(today, period_counts)
    figures = defaultdict(dict)
    # Unordered: the rows are grouped in memory, and the default order would join two tables to sort.
    for figure in Figure.objects.filter(drawn_on, indicator_id__in=ids).order_by():
        figures[figure.indicator_id][(figure.frequency, figure.period_start)] = figure
    targets = defaultdict(dict)
    for indicator_id, frequency, period_start, value in (
        Target.objects.filter(drawn_on, indicator_id__in=ids)
        .order_by()
        .values_list("indicator_id", "frequency", "period_start", "value")
    ):
        targets[indicator_id][(frequency, period_start)] = value
    earliest = min(shown[-1].start for shown in periods.values())
    computed = computed_values(
        [indicator for indicator in indicators if indicator.is_computed], since=earliest, today=today
    )
    statuses = []
    for indicator in indicators:
        exact = sees_exact_figures(user, indicator)
        status = IndicatorStatus(indicator=indicator, today=today)
        for period in periods[indicator.frequency]:
            key = (period.frequency, period.start)
            status.rows.append(
                PeriodRow(
                    indicator=indicator,
                    period=period,
                    figure=figures[indicator.pk].get(key),
                    target=targets[indicator.pk].get(key),
                    computed_value=computed.get(indicator.pk, {}).get(period.start),
                    exact=exact,
                )
            )
        statuses.append(status)
    return statuses


# What the portal can count itself: for each computation, a function giving the
# records to count since a date for a strategy (given by id), as (date, key) pairs;
# a period's figure is the number of distinct keys dated within it. Other apps
# register theirs; records that belong to no strategy ignore it.
COUNTERS: dict[str, Callable[..., Iterable[tuple[datetime.date, object]]]] = {}


def register_counter(computation: str):
    def register(function):
        COUNTERS[computation] = function
        return function

    return register


@register_counter(Computation.CONTRIBUTING_ORGANISATIONS)
def contributing_organisations(since: datetime.date, *, strategy_id: int):
    """Organisations that submitted figures for the strategy's indicators: earlier strategies'
    figures are never read."""
    return (
        Figure.objects.filter(
            status__in=CONTRIBUTING_STATUSES,
            period_end__gte=since,
            indicator__owner__isnull=False,
            indicator__objective__strategy_id=strategy_id,
        )
        .values_list("period_end", "indicator__owner_id")
        .distinct()
    )


@register_counter(Computation.NEED_PROFILES)
def need_profiles_published(since: datetime.date, *, strategy_id: int):
    """Profiles of need the officer published: a profile counts in the period it was published."""
    return (
        NeedProfile.objects.published()
        .annotate(day=TruncDate("published_at"))
        .filter(day__gte=since)
        .values_list("day", "pk")
    )


def computed_values(
    indicators: list[PerformanceIndicator], *, since: datetime.date, today: datetime.date
) -> dict[int, dict[datetime.date, Decimal]]:
    """Figures the portal counts from its own records, for periods that have ended."""
    records = {}
    values = {}
    strategies = dict(
        PerformanceIndicator.objects.filter(pk__in=[indicator.pk for indicator in indicators]).values_list(
            "pk", "objective__strategy_id"
        )
        if indicators
        else ()
    )
    for indicator in indicators:
        counter = COUNTERS.get(indicator.computation)
        if counter is None:
            continue
        kind = (indicator.computation, strategies[indicator.pk])
        if kind not in records:
            # One query per kind of count (pages show one strategy).
            records[kind] = list(counter(since, strategy_id=kind[1]))
        by_period = defaultdict(set)
        for date, key in records[kind]:
            by_period[Period.containing(indicator.frequency, date).start].add(key)
        values[indicator.pk] = {
            period.start: Decimal(len(by_period.get(period.start, ())))
            for period in recent_periods(indicator.frequency, today, PERIOD_COUNTS[indicator.frequency] + 1)
            if period.has_ended(today)
        }
    return values


# The strategy overview's matrix: the performance columns, each the ratings it counts.
PERFORMANCE_COLUMNS = {
    "green": (RagStatus.GREEN,),
    "amber": (RagStatus.AMBER,),
    "red": (RagStatus.RED,),
    "no_target": (RagStatus.NO_TARGET, RagStatus.NOT_RATED),
    "no_data": (RagStatus.NO_DATA,),
}
# The overview names this many exceptions under each objective, and links to the rest.
EXCEPTIONS_SHOWN = 5
PERFORMANCE_LABELS = {
    "green": "On target",
    "amber": "Near target",
    "red": "Off target",
    "no_target": "No target",
    "no_data": "No data",
}


def has_performance(status: "IndicatorStatus", column: str) -> bool:
    """Whether the rating of this indicator's latest verified figure falls in this matrix column."""
    return status.performance in PERFORMANCE_COLUMNS.get(column, ())


# Where the figure wanted now stands, as the timeliness column says it: a filter of its own,
# never mixed with the rating.
TIMELINESS_LABELS = {
    "overdue": "Overdue",
    "sent_back": "Sent back",
    "awaiting": "Awaiting verification",
    "due": "Due soon",
    "on_time": "On time",
}


def has_timeliness(status: "IndicatorStatus", key: str) -> bool:
    """Whether the figure wanted now stands as this timeliness filter asks."""
    if key == "due":
        return status.timeliness.startswith("Due in")
    return key in TIMELINESS_LABELS and status.timeliness == TIMELINESS_LABELS[key]


@dataclass
class PerformanceCell:
    column: str
    label: str
    count: int
    objective_number: int


@dataclass
class ObjectivePerformance:
    """How one objective's indicators stand, for the strategy overview.

    Performance (the rating of the latest verified figure) and timeliness (where
    the figure wanted now stands) are counted apart: a late figure never hides
    a rating.
    """

    # Anything with the performance, timeliness and reporting of an IndicatorStatus:
    # the overview gives it the stored states (indicators.states.StateView).
    statuses: list = field(default_factory=list)

    def count(self, rag: str) -> int:
        return sum(1 for status in self.statuses if status.performance == rag)

    def cells(self, objective_number: int) -> list[PerformanceCell]:
        return [
            PerformanceCell(
                column=column,
                label=PERFORMANCE_LABELS[column],
                count=sum(1 for status in self.statuses if has_performance(status, column)),
                objective_number=objective_number,
            )
            for column in PERFORMANCE_COLUMNS
        ]

    @property
    def on_target(self) -> int:
        return self.count(RagStatus.GREEN)

    @property
    def near_target(self) -> int:
        return self.count(RagStatus.AMBER)

    @property
    def off_target(self) -> int:
        return self.count(RagStatus.RED)

    @property
    def no_target(self) -> int:
        return self.count(RagStatus.NO_TARGET) + self.count(RagStatus.NOT_RATED)

    @property
    def no_data(self) -> int:
        return self.count(RagStatus.NO_DATA)

    def timeliness_count(self, timeliness: str) -> int:
        return sum(1 for status in self.statuses if status.timeliness == timeliness)

    @property
    def overdue(self) -> int:
        return self.timeliness_count("Overdue")

    @property
    def awaiting_verification(self) -> int:
        return self.timeliness_count("Awaiting verification")

    @property
    def sent_back(self) -> int:
        return self.timeliness_count("Sent back")

    @cached_property
    def exceptions(self) -> list:
        """Off target or worsening: the indicators the overview names under the objective,
        off target first."""
        found = [status for status in self.statuses if status.is_exception]
        return sorted(found, key=lambda status: status.performance != RagStatus.RED)

    @property
    def exceptions_shown(self) -> list:
        """The first few exceptions: the overview stays the same size however many there are."""
        return self.exceptions[:EXCEPTIONS_SHOWN]

    @property
    def completeness(self) -> int | None:
        """Percentage of indicators with a verified figure for their latest ended period."""
        due = [status for status in self.statuses if status.reporting_due]
        if not due:
            return None
        complete = sum(1 for status in due if status.reporting_verified)
        return round(100 * complete / len(due))


def data_as_at(statuses: Iterable[IndicatorStatus]) -> datetime.date | None:
    """The day the newest figure these statuses show was verified: how current the page's figures are."""
    dates = [
        timezone.localdate(row.figure.verified_at)
        for status in statuses
        if (row := status.latest_verified) is not None and row.figure is not None and row.figure.verified_at
    ]
    return max(dates, default=None)

"""Is this right? A figure that moves far from the previous period's is queried once before it is saved."""

from dataclasses import dataclass
from decimal import Decimal

from .choices import Unit
from .models import Figure, PerformanceIndicator, Target
from .periods import Period


@dataclass(frozen=True)
class UnusualChange:
    indicator: PerformanceIndicator
    previous: Figure
    value: Decimal

    @property
    def percent(self) -> Decimal | None:
        """How far the figure moves, as a percentage of the previous one; None from zero."""
        if self.previous.value == 0:
            return None
        return abs(self.value - self.previous.value) / abs(self.previous.value) * 100

    @property
    def message(self) -> str:
        return f"{self.question}. Check the figure, then save again to confirm it"

    @property
    def question(self) -> str:
        direction = "higher" if self.value > self.previous.value else "lower"
        previous = self.indicator.format_value(self.previous.value)
        value = self.indicator.format_value(self.value)
        period = Period(self.previous.frequency, self.previous.period_start).label
        by = "" if self.percent is None else f" ({self.percent:.0f}% {direction})"
        return f"Is this right? {value} is far from the previous figure, {previous} for {period}{by}"


def previous_figure(indicator: PerformanceIndicator, period: Period) -> Figure | None:
    """The figure entered for the period before this one, whatever its state."""
    previous = period.previous()
    return Figure.objects.filter(
        indicator=indicator, frequency=previous.frequency, period_start=previous.start
    ).first()


def period_target(indicator: PerformanceIndicator, period: Period) -> Decimal | None:
    return (
        Target.objects.filter(indicator=indicator, frequency=period.frequency, period_start=period.start)
        .values_list("value", flat=True)
        .first()
    )


def unusual_change(
    *, indicator: PerformanceIndicator, previous: Figure | None, value: Decimal | None
) -> UnusualChange | None:
    """The change to query, when the figure moves more than the indicator's threshold from the previous."""
    threshold = indicator.change_check_percent
    if (
        indicator.unit == Unit.YES_NO
        or threshold is None
        or previous is None
        or previous.value is None
        or value is None
    ):
        return None
    if value == previous.value:
        return None
    change = UnusualChange(indicator=indicator, previous=previous, value=value)
    if change.percent is not None and change.percent <= threshold:
        return None
    return change

"""How a figure compares with its target and with earlier figures.

Both rules respect the indicator's polarity: for a lower-is-better indicator a
falling figure is improving, and a figure under its target is on target.
"""

from decimal import Decimal

from .choices import Polarity, RagStatus, Trend


def rag_status(
    *, value: Decimal | None, target: Decimal | None, polarity: str, tolerance: Decimal | None = None
) -> RagStatus:
    """Green when the target is met; amber when within the tolerance of it; red beyond that."""
    if value is None:
        return RagStatus.NO_DATA
    if polarity == Polarity.NO_DIRECTION:
        return RagStatus.NOT_RATED
    if target is None:
        return RagStatus.NO_TARGET
    tolerance = tolerance or Decimal(0)
    shortfall = target - value if polarity == Polarity.HIGHER_IS_BETTER else value - target
    if shortfall <= 0:
        return RagStatus.GREEN
    if shortfall <= tolerance:
        return RagStatus.AMBER
    return RagStatus.RED


def trend(*, current: Decimal | None, earlier: Decimal | None, polarity: str) -> Trend:
    """Direction of travel from an earlier figure to the current one."""
    if current is None or earlier is None:
        return Trend.NOT_COMPARABLE
    if current == earlier:
        return Trend.NO_CHANGE
    rising = current > earlier
    if polarity == Polarity.NO_DIRECTION:
        return Trend.UP if rising else Trend.DOWN
    if rising == (polarity == Polarity.HIGHER_IS_BETTER):
        return Trend.IMPROVING
    return Trend.WORSENING

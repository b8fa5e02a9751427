"""Small server-drawn charts of an indicator's last eight periods, and its direction of travel.

The geometry is worked out and drawn here as inline SVG styled by the portal's
stylesheet (no inline styles); the values are also given in words, for screen
readers and for anyone who cannot tell the marks apart. A list of indicators draws
one per row, so the markup is written here rather than by the template engine.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .choices import Polarity, Trend, Unit

WIDTH, HEIGHT, MARGIN = 96, 28, 3


@dataclass(frozen=True)
class SparkMark:
    x: float
    y: float
    verified: bool


@dataclass(frozen=True)
class Sparkline:
    """The drawing of a sparkline: a line through the figures, a mark at each, the latest target."""

    line: str  # polyline points
    marks: list[SparkMark]
    target_y: float | None
    words: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def has_points(self) -> bool:
        return bool(self.marks)

    @property
    def html(self) -> SafeString:
        if not self.has_points:
            return mark_safe('<span class="govuk-body-s">No figures yet</span>')
        size = f'viewBox="0 0 {self.width} {self.height}" width="{self.width}" height="{self.height}"'
        parts = [
            f'<svg class="app-sparkline" xmlns="http://www.w3.org/2000/svg" {size} role="img" '
            f'aria-label="Last eight periods: {escape(self.words)}" focusable="false">'
        ]
        if self.target_y is not None:
            parts.append(
                f'<line class="app-sparkline__target" x1="0" x2="{self.width}" '
                f'y1="{self.target_y}" y2="{self.target_y}"></line>'
            )
        parts.append(f'<polyline class="app-sparkline__line" points="{self.line}"></polyline>')
        for mark in self.marks:
            hollow = "" if mark.verified else " app-sparkline__mark--unverified"
            parts.append(
                f'<circle class="app-sparkline__mark{hollow}" cx="{mark.x}" cy="{mark.y}" r="2.5"></circle>'
            )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308  numbers as written, the words escaped


def _scale(values: list[Decimal]):
    low, high = min(values), max(values)
    span = high - low or Decimal(1)

    def y(value: Decimal) -> float:
        return round(float(HEIGHT - MARGIN - (value - low) / span * (HEIGHT - 2 * MARGIN)), 1)

    return y


def sparkline_draw(points) -> Sparkline:
    """A sparkline of these points (oldest first): unverified figures drawn hollow."""
    shown = [point for point in points if point.value is not None]
    targets = [point.target for point in points if point.target is not None]
    words = "; ".join(point.words for point in points) or "No figures yet"
    if not shown:
        return Sparkline(line="", marks=[], target_y=None, words=words)
    latest_target = next((point.target for point in reversed(points) if point.target is not None), None)
    y = _scale([point.value for point in shown] + targets)
    step = (WIDTH - 2 * MARGIN) / max(len(points) - 1, 1)
    marks = [
        SparkMark(x=round(MARGIN + index * step, 1), y=y(point.value), verified=point.verified)
        for index, point in enumerate(points)
        if point.value is not None
    ]
    return Sparkline(
        line=" ".join(f"{mark.x},{mark.y}" for mark in marks),
        marks=marks,
        target_y=y(latest_target) if latest_target is not None else None,
        words=words,
    )


@dataclass(frozen=True)
class Direction:
    """The direction of travel as shown: an arrow up or down, the words, and the class that colours it."""

    arrow: str
    words: str
    css: str


def better_words(polarity: str, unit: str) -> str:
    if polarity == Polarity.NO_DIRECTION:
        return "neither higher nor lower is better"
    counts = unit == Unit.COUNT
    if polarity == Polarity.HIGHER_IS_BETTER:
        return "more is better" if counts else "higher is better"
    return "fewer is better" if counts else "lower is better"


def direction_of_travel(trend: Trend, *, polarity: str, unit: str) -> Direction:
    """ "▼ Improving: fewer is better": which way the figure moved, and whether that is good."""
    better = better_words(polarity, unit)
    if trend == Trend.NOT_COMPARABLE:
        return Direction(arrow="", words=trend.label, css="app-trend--none")
    if trend == Trend.NO_CHANGE:
        return Direction(arrow="►", words=f"{trend.label}: {better}", css="app-trend--same")
    if trend in (Trend.UP, Trend.DOWN):
        arrow = "▲" if trend == Trend.UP else "▼"
        return Direction(arrow=arrow, words=f"{trend.label}: {better}", css="app-trend--same")
    rising = (trend == Trend.IMPROVING) == (polarity == Polarity.HIGHER_IS_BETTER)
    css = "app-trend--improving" if trend == Trend.IMPROVING else "app-trend--worsening"
    return Direction(arrow="▲" if rising else "▼", words=f"{trend.label}: {better}", css=css)

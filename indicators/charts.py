"""A server-rendered, accessible SVG line chart of an indicator's figures and targets.

The chart tells the truth about its figures:

- a figure not yet verified, or sent back, is drawn hollow and named in the legend and the
  text alternative, never like a verified one, and the line joins verified figures only;
- the target is a dashed line, and which way is better is written on the chart;
- the scale is chosen so a change of two points shows, and where it does not start at zero
  the chart says so ("The scale starts at 60%");
- the text stays readable on a phone: the drawing is sized so that, scaled down to the
  narrowest place it is shown on a 320 px wide screen, no text is under 12 px.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .choices import Polarity

# The drawing's own units. It is shown at most WIDTH CSS pixels wide (portal.scss), so on a
# computer its text is FONT_SIZE px. On a 320 px wide phone the narrowest place it is shown
# (inside a report's details, about 265 px) scales it by 265 / 420: 20 × 265 / 420 = 12.6 px.
WIDTH, HEIGHT = 420, 300
FONT_SIZE = 20
NARROWEST_SHOWN = 265  # CSS px, a chart inside a details component on a 320 px wide screen
MIN_TEXT_PX = 12
RIGHT, TOP, BOTTOM = 16, 44, 60
# Arial's figures are 0.556 em wide; a little more leaves room for %, £ and commas.
CHAR_WIDTH = FONT_SIZE * 0.6
MIN_LEFT = 48

VERIFIED = "verified"
NOT_VERIFIED = "not_verified"
SENT_BACK = "sent_back"
STATE_WORDS = {VERIFIED: "", NOT_VERIFIED: "not yet verified", SENT_BACK: "sent back"}

BETTER = {
    Polarity.HIGHER_IS_BETTER: "↑ Higher is better",
    Polarity.LOWER_IS_BETTER: "↓ Lower is better",
}


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value_text: str
    state: str = VERIFIED

    # Coordinates are written to one decimal place here: the floatformat filter, used on
    # every point of a report's many charts, was a quarter of the report page's time.
    @property
    def svg_x(self) -> str:
        return f"{self.x:.1f}"

    @property
    def svg_y(self) -> str:
        return f"{self.y:.1f}"

    @property
    def lines(self) -> list[str]:
        """The label in lines: a period "2024-25 Q1" is written "2024-25" above "Q1" (two lines at most)."""
        return self.label.rsplit(" ", 1)

    @property
    def is_hollow(self) -> bool:
        return self.state != VERIFIED

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a chart: its label, its figure and target, and whether the figure is verified."""

    label: str
    value: Decimal | None
    target: Decimal | None
    state: str = VERIFIED


@dataclass(frozen=True)
class YAxis:
    """The value scale: from bottom to top in equal steps."""

    bottom: Decimal
    top: Decimal
    step: Decimal

    @property
    def ticks(self) -> list[Decimal]:
        count = int((self.top - self.bottom) / self.step)
        return [self.bottom + self.step * i for i in range(count + 1)]

    @property
    def starts_at_zero(self) -> bool:
        return self.bottom <= 0


@dataclass
class Geometry:
    """Where things go in the drawing, shared by the indicator and the comparison charts."""

    axis: YAxis
    left: int
    count: int
    width: int = WIDTH
    height: int = HEIGHT
    font_size: int = FONT_SIZE

    @property
    def axis_left(self) -> int:
        return self.left

    @property
    def axis_right(self) -> int:
        return self.width - RIGHT

    @property
    def axis_top(self) -> int:
        return TOP

    @property
    def axis_bottom(self) -> int:
        return self.height - BOTTOM

    def x_of(self, index: float) -> float:
        if self.count <= 1:
            return (self.axis_left + self.axis_right) / 2
        return self.axis_left + (self.axis_right - self.axis_left) * index / (self.count - 1)

    def y_of(self, value: Decimal) -> float:
        span = float(self.axis.top - self.axis.bottom) or 1.0
        return TOP + (self.axis_bottom - TOP) * (1 - float(value - self.axis.bottom) / span)

    def label_every(self, labels: list[str]) -> int:
        """Label every period, or every second, third...: as many as fit side by side."""
        longest = max((len(line) for label in labels for line in label.rsplit(" ", 1)), default=1)
        room = (self.axis_right - self.axis_left) + longest * CHAR_WIDTH
        fit = max(1, int(room // (longest * CHAR_WIDTH + FONT_SIZE)))
        return max(1, -(-len(labels) // fit))

    def x_labels(self, labels: list[str]) -> list[ChartPoint]:
        """The period labels under the axis, always including the newest."""
        every = self.label_every(labels)
        return [
            ChartPoint(self.x_of(index), self.axis_bottom + FONT_SIZE + 6, label, "")
            for index, label in enumerate(labels)
            if (len(labels) - 1 - index) % every == 0
        ]


def nice_step(rough: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``rough``."""
    magnitude = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal(1)
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * multiple >= rough:
            return magnitude * multiple
    return magnitude * 10


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    return Decimal(math.floor(value / step)) * step


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return Decimal(math.ceil(value / step)) * step


def y_axis(values: list[Decimal], *, unit: str) -> YAxis:
    """A scale that shows a change of two points.

    It starts at zero when the figures fill at least half of a scale from zero; otherwise it
    starts just below the smallest figure, so 70% against 72% is a visible step, not a pixel.
    Percentages never go above 100%.
    """
    low, high = min(values), max(values)
    ceiling = Decimal(100) if unit == "percentage" and high <= 100 else None
    if low <= 0 or (high - low) * 2 >= high:
        span = max(high, Decimal(0)) - min(low, Decimal(0))
        step = nice_step(span / 4) if span > 0 else Decimal(1)
        bottom = _floor_to(min(low, Decimal(0)), step)
        top = max(_ceil_to(max(high, Decimal(0)), step), bottom + step)
        if ceiling is not None and top > ceiling and bottom == 0:
            top, step = ceiling, Decimal(25)
        return YAxis(bottom=bottom, top=top, step=step)
    step = nice_step((high - low) / 4)
    bottom, top = _floor_to(low, step), _ceil_to(high, step)
    if top == high and (ceiling is None or top + step <= ceiling):
        top += step  # room above the highest figure
    while (top - bottom) / step < 4:
        if ceiling is None or top + step <= ceiling:
            top += step
        if (top - bottom) / step < 4 and bottom - step >= 0:
            bottom -= step
        elif ceiling is not None and top + step > ceiling and bottom - step < 0:
            break
    return YAxis(bottom=max(bottom, Decimal(0)), top=top, step=step)


def geometry_for(values: list[Decimal], *, unit: str, count: int, format_value) -> Geometry:
    axis = y_axis(values, unit=unit)
    longest = max(len(format_value(tick)) for tick in axis.ticks)
    left = max(MIN_LEFT, math.ceil(longest * CHAR_WIDTH) + 12)
    return Geometry(axis=axis, left=left, count=count)


class DrawnOnGeometry:
    """What a chart's template reads of its size and axes, from the chart's ``geometry``."""

    geometry: Geometry
    y_ticks: list[tuple[float, str]]

    @property
    def width(self) -> int:
        return self.geometry.width

    @property
    def height(self) -> int:
        return self.geometry.height

    @property
    def font_size(self) -> int:
        return self.geometry.font_size

    @property
    def axis_left(self) -> int:
        return self.geometry.axis_left

    @property
    def axis_right(self) -> int:
        return self.geometry.axis_right

    @property
    def axis_top(self) -> int:
        return self.geometry.axis_top

    @property
    def axis_bottom(self) -> int:
        return self.geometry.axis_bottom

    # Written to one decimal place, as the points are (see ChartPoint).
    @property
    def svg_y_ticks(self) -> list[tuple[str, str]]:
        return [(f"{y:.1f}", label) for y, label in self.y_ticks]


@dataclass
class Chart(DrawnOnGeometry):
    title: str
    description: str
    geometry: Geometry
    figure_points: list[ChartPoint]
    target_points: list[ChartPoint]
    y_ticks: list[tuple[float, str]]
    x_labels: list[ChartPoint]
    better: str = ""
    scale_note: str = ""
    states: list[str] = field(default_factory=list)

    @property
    def figure_path(self) -> str:
        """The line joins verified figures only: an unverified one stands alone, hollow."""
        return _path([point for point in self.figure_points if not point.is_hollow])

    @property
    def target_path(self) -> str:
        return _path(self.target_points)

    @property
    def has_not_verified(self) -> bool:
        return NOT_VERIFIED in self.states

    @property
    def has_sent_back(self) -> bool:
        return SENT_BACK in self.states


def _path(points: list[ChartPoint]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))


def _figure_state(figure) -> str:
    if figure is None or figure.is_verified:
        return VERIFIED  # a computed indicator's figures are counted by the portal
    if figure.status == figure.Status.RETURNED:
        return SENT_BACK
    return NOT_VERIFIED


def indicator_chart(indicator, rows, today) -> Chart | None:
    """A chart of the periods that have ended; rows come newest first, as the selectors give them."""
    series = []
    for row in reversed(rows):
        if not row.period.has_ended(today):
            continue
        value = row.shown.value
        state = _figure_state(row.figure) if value is not None and not indicator.is_computed else VERIFIED
        series.append(SeriesPoint(row.period.code, value, row.target, state))
    return series_chart(
        indicator=indicator, series=series, table_note="The table below gives the same figures."
    )


def scale_note(geometry: Geometry, format_value) -> str:
    if geometry.axis.starts_at_zero:
        return ""
    return f"The scale starts at {format_value(geometry.axis.bottom)}."


def series_chart(*, indicator, series: list[SeriesPoint], table_note: str) -> Chart | None:
    """A line chart of the series, oldest first, or None with nothing to draw.

    ``indicator`` may be any object with the indicator's unit, title, polarity and format_value.
    """
    if indicator.unit == "yes_no":
        return None
    values = [point.value for point in series if point.value is not None]
    values += [point.target for point in series if point.target is not None]
    if not values:
        return None
    geometry = geometry_for(
        values, unit=indicator.unit, count=len(series), format_value=indicator.format_value
    )
    figure_points, target_points = [], []
    for index, point in enumerate(series):
        x = geometry.x_of(index)
        if point.value is not None:
            figure_points.append(
                ChartPoint(
                    x,
                    geometry.y_of(point.value),
                    point.label,
                    indicator.format_value(point.value),
                    point.state,
                )
            )
        if point.target is not None:
            target_points.append(
                ChartPoint(x, geometry.y_of(point.target), point.label, indicator.format_value(point.target))
            )
    described = (
        ", ".join(
            f"{point.label}: {point.value_text}" + (f" ({point.state_words})" if point.is_hollow else "")
            for point in figure_points
        )
        or "no figures yet"
    )
    better = BETTER.get(getattr(indicator, "polarity", ""), "")
    note = scale_note(geometry, indicator.format_value)
    target_words = ", with the target shown as a dashed line" if target_points else ""
    hollow_words = (
        " Figures not yet verified or sent back are drawn as hollow points and are not joined to the line."
        if any(point.is_hollow for point in figure_points)
        else ""
    )
    return Chart(
        title=f"{indicator.title} by period",
        description=(
            f"Line chart of the figures ({described}){target_words}.{hollow_words}"
            f"{' ' + better[2:] + '.' if better else ''}{' ' + note if note else ''} {table_note}"
        ),
        geometry=geometry,
        figure_points=figure_points,
        target_points=target_points,
        y_ticks=[(geometry.y_of(tick), indicator.format_value(tick)) for tick in geometry.axis.ticks],
        x_labels=geometry.x_labels([point.label for point in series]),
        better=better,
        scale_note=note,
        states=sorted({point.state for point in figure_points}),
    )


DOWN_A_LINE = ' dy="1.1em"'


def chart_figure_html(chart: Chart, chart_id: str) -> SafeString:
    """The chart as a figure: the SVG, with its title and description for assistive technology,
    and a legend. Written here rather than in a template because a report draws hundreds of
    them, and the template engine made up most of the time to compile one. Numbers are
    written as they are; every text goes through `escape`."""
    size = chart.font_size
    tick = f'font-size="{size}" class="app-chart__tick"'
    element_id = escape(chart_id)
    parts = [
        '<figure class="app-chart">\n'
        f'  <svg viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-description" '
        'class="app-chart__svg" focusable="false">\n'
        f'    <title id="{element_id}-title">{escape(chart.title)}</title>\n'
        f'    <desc id="{element_id}-description">{escape(chart.description)}</desc>\n'
    ]
    if chart.better:
        parts.append(
            f'    <text x="0" y="{size}" font-size="{size}" class="app-chart__tick app-chart__better">'
            f"{escape(chart.better)}</text>\n"
        )
    # The tick labels sit 8 units left of the axis.
    label_x = int(chart.axis_left) - 8
    for y, label in chart.svg_y_ticks:
        parts.append(
            f'    <line x1="{chart.axis_left}" x2="{chart.axis_right}" y1="{y}" y2="{y}" '
            'class="app-chart__grid"/>\n'
            f'    <text x="{label_x}" y="{y}" {tick} text-anchor="end" dominant-baseline="middle">'
            f"{escape(label)}</text>\n"
        )
    labels = []
    for point in chart.x_labels:
        lines = "".join(
            f'<tspan x="{point.svg_x}"{DOWN_A_LINE if n else ""}>{escape(line)}</tspan>'
            for n, line in enumerate(point.lines)
        )
        labels.append(f'<text y="{point.svg_y}" {tick} text-anchor="middle">{lines}</text>')
    parts.append(f"    {''.join(labels)}\n")
    if chart.target_points:
        parts.append(f'    <path d="{chart.target_path}" class="app-chart__target" data-series="target"/>\n')
    if chart.figure_path:
        parts.append(f'    <path d="{chart.figure_path}" class="app-chart__line" data-series="figures"/>\n')
    marks = []
    for point in chart.figure_points:
        state = escape(point.state)
        if point.state == SENT_BACK:
            marks.append(
                '<rect x="-6" y="-6" width="12" height="12" '
                f'transform="translate({point.svg_x} {point.svg_y})" '
                f'class="app-chart__point app-chart__point--hollow" data-state="{state}"/>'
            )
        else:
            hollow = " app-chart__point--hollow" if point.is_hollow else ""
            marks.append(
                f'<circle cx="{point.svg_x}" cy="{point.svg_y}" r="6" class="app-chart__point{hollow}" '
                f'data-state="{state}"/>'
            )
    parts.append(f"    {''.join(marks)}\n  </svg>\n")
    legend = ["Solid line with filled dots: verified figures."]
    if chart.has_not_verified:
        legend.append("Hollow circles: figures not yet verified.")
    if chart.has_sent_back:
        legend.append("Hollow squares: figures sent back to be corrected.")
    if chart.target_points:
        legend.append("Dashed line: the target.")
    if chart.better:
        legend.append(f"{escape(chart.better)}.")
    if chart.scale_note:
        legend.append(escape(chart.scale_note))
    parts.append(
        '  <figcaption class="govuk-body-s">\n    <ul class="govuk-list govuk-body-s app-chart__legend">\n'
        + "".join(f"      <li>{item}</li>\n" for item in legend)
        + "    </ul>\n  </figcaption>\n</figure>\n"
    )
    return mark_safe("".join(parts))  # noqa: S308  numbers as written, every text escaped

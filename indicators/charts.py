"""A server-rendered, accessible SVG line chart of an indicator's figures and targets."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 40, 16, 48


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value_text: str

    # Coordinates are written to one decimal place here: the floatformat filter, used on
    # every point of a report's many charts, was a quarter of the report page's time.
    @property
    def svg_x(self) -> str:
        return f"{self.x:.1f}"

    @property
    def svg_y(self) -> str:
        return f"{self.y:.1f}"


@dataclass
class Chart:
    title: str
    description: str
    figure_points: list[ChartPoint]
    target_points: list[ChartPoint]
    y_ticks: list[tuple[float, str]]
    x_labels: list[ChartPoint]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def figure_path(self) -> str:
        return _path(self.figure_points)

    @property
    def target_path(self) -> str:
        return _path(self.target_points)

    @property
    def svg_y_ticks(self) -> list[tuple[str, str]]:
        return [(f"{y:.1f}", label) for y, label in self.y_ticks]

    @property
    def axis_bottom(self) -> int:
        return HEIGHT - BOTTOM

    @property
    def axis_left(self) -> int:
        return LEFT

    @property
    def axis_right(self) -> int:
        return WIDTH - RIGHT


def nice_step(rough: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``rough``."""
    magnitude = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal(1)
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * multiple >= rough:
            return magnitude * multiple
    return magnitude * 10


def _path(points: list[ChartPoint]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))


def indicator_chart(indicator, rows, today) -> Chart | None:
    """A chart of the periods that have ended; rows come newest first, as the selectors give them."""
    series = [
        (row.period.code, row.shown.value, row.target)
        for row in reversed(rows)
        if row.period.has_ended(today)
    ]
    return series_chart(
        indicator=indicator, series=series, table_note="The table below gives the same figures."
    )


def series_chart(*, indicator, series: list[tuple[str, Decimal | None, Decimal | None]], table_note: str):
    """A line chart of (period label, figure, target) points, oldest first, or None with nothing to draw.

    ``indicator`` may be any object with the indicator's unit, title and format_value.
    """
    if indicator.unit == "yes_no":
        return None
    values = [value for _, value, _ in series if value is not None]
    values += [target for _, _, target in series if target is not None]
    if not values:
        return None
    step_size = nice_step(max(values) / 4 if max(values) else Decimal(1))
    top = step_size * 4
    if indicator.unit == "percentage" and top > 100:
        top, step_size = Decimal(100), Decimal(25)
    step = (WIDTH - LEFT - RIGHT) / max(len(series) - 1, 1)

    def y_of(value: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value / top))

    figure_points, target_points, x_labels = [], [], []
    label_every = max(1, -(-len(series) // 8))
    for index, (label, value, target) in enumerate(series):
        x = LEFT + step * index
        if (len(series) - 1 - index) % label_every == 0:
            x_labels.append(ChartPoint(x, HEIGHT - BOTTOM + 18, label, ""))
        if value is not None:
            figure_points.append(ChartPoint(x, y_of(value), label, indicator.format_value(value)))
        if target is not None:
            target_points.append(ChartPoint(x, y_of(target), label, indicator.format_value(target)))
    ticks = [(y_of(step_size * i), indicator.format_value(step_size * i)) for i in range(5)]
    described = ", ".join(f"{point.label}: {point.value_text}" for point in figure_points) or "no figures yet"
    return Chart(
        title=f"{indicator.title} by period",
        description=(
            f"Line chart of the figures ({described}), with the target shown as a dashed line. {table_note}"
        ),
        figure_points=figure_points,
        target_points=target_points,
        y_ticks=ticks,
        x_labels=x_labels,
    )

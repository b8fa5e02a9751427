"""An SVG line chart of the council against England, its region and its neighbours' median.

Lines differ by dash pattern and marker as well as colour, and a vertical line
marks each year where the measure's definition changed: the lines break there.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, ChartPoint, nice_step

SERIES = [
    # key, label, dash pattern, marker, colour (each at least 3:1 against white)
    ("council", "The council", "", "circle", "#54319f"),
    ("england", "England", "10 5", "square", "#0b0c0c"),
    ("region", "Region", "3 4", "diamond", "#1a65a6"),
    ("median", "Statistical neighbours' median", "14 4 3 4", "triangle", "#0f7a52"),
]


@dataclass
class ChartLine:
    key: str
    label: str
    dash: str
    marker: str
    colour: str
    segments: list[list[ChartPoint]] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [
            " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(segment))
            for segment in self.segments
            if segment
        ]

    @property
    def points(self) -> list[ChartPoint]:
        return [point for segment in self.segments for point in segment]


@dataclass
class ComparisonChart:
    title: str
    description: str
    lines: list[ChartLine]
    y_ticks: list[tuple[float, str]]
    x_labels: list[ChartPoint]
    breaks: list[float]
    width: int = WIDTH
    height: int = HEIGHT
    axis_left: int = LEFT
    axis_right: int = WIDTH - RIGHT
    axis_top: int = TOP
    axis_bottom: int = HEIGHT - BOTTOM

    # Written to one decimal place here, as the indicator chart's are (see ChartPoint).
    @property
    def svg_y_ticks(self) -> list[tuple[str, str]]:
        return [(f"{y:.1f}", label) for y, label in self.y_ticks]

    @property
    def svg_breaks(self) -> list[str]:
        return [f"{x:.1f}" for x in self.breaks]


def comparison_chart(comparison, *, council_name: str, region_name: str) -> ComparisonChart | None:
    measure = comparison.measure
    years = comparison.years
    values = {
        "council": [year.council_number for year in years],
        "england": [year.england.value if year.england else None for year in years],
        "region": [year.region.value if year.region else None for year in years],
        "median": [year.neighbour_median for year in years],
    }
    numbers = [value for series in values.values() for value in series if value is not None]
    if not numbers:
        return None
    top = nice_step(max(numbers) / 4 or Decimal(1)) * 4
    if measure.unit == "percentage":
        top = min(top, Decimal(100))
    step = (WIDTH - LEFT - RIGHT) / max(len(years) - 1, 1)

    def y_of(value: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value / top))

    names = {"council": council_name or "The council", "region": region_name or "Region"}
    lines = []
    for key, label, dash, marker, colour in SERIES:
        line = ChartLine(key, names.get(key, label), dash, marker, colour, [[]])
        for index, (year, value) in enumerate(zip(years, values[key], strict=True)):
            if year.definition_changed or value is None:
                line.segments.append([])
            if value is not None:
                x = LEFT + step * index
                line.segments[-1].append(ChartPoint(x, y_of(value), year.label, measure.format_value(value)))
        lines.append(line)
    breaks = [LEFT + step * (index - 0.5) for index, year in enumerate(years) if year.definition_changed]
    described = "; ".join(
        f"{line.label}: " + ", ".join(f"{point.label} {point.value_text}" for point in line.points)
        for line in lines
        if line.points
    )
    broken = " The definition changed where the vertical line is, so the lines break there." if breaks else ""
    return ComparisonChart(
        title=f"{measure.title}: {names['council']} compared with England, {names['region']} and "
        "statistical neighbours",
        description=f"Line chart. {described}.{broken} The table below gives the same figures.",
        lines=lines,
        y_ticks=[(y_of(top / 4 * i), measure.format_value(top / 4 * i)) for i in range(5)],
        x_labels=[
            ChartPoint(LEFT + step * i, HEIGHT - BOTTOM + 18, year.label, "") for i, year in enumerate(years)
        ],
        breaks=breaks,
    )

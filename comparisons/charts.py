"""An SVG line chart of the council against England, its region and its neighbours' median.

Lines differ by dash pattern and marker as well as colour, and a vertical line
marks each year where the measure's definition changed: the lines break there.
The scale, text sizes and the "which way is better" label follow the indicator
chart's rules (indicators/charts.py); the local target, where set, is a dashed line.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.charts import (
    BETTER,
    CHAR_WIDTH,
    ChartPoint,
    DrawnOnGeometry,
    Geometry,
    geometry_for,
    scale_note,
)

BREAK_LABEL = "Definition changed"
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
class ComparisonChart(DrawnOnGeometry):
    title: str
    description: str
    geometry: Geometry
    lines: list[ChartLine]
    y_ticks: list[tuple[float, str]]
    x_labels: list[ChartPoint]
    breaks: list[float]
    target_points: list[ChartPoint] = field(default_factory=list)
    better: str = ""
    scale_note: str = ""

    @property
    def svg_breaks(self) -> list[tuple[str, str]]:
        """Each break's x, and where its "Definition changed" label sits, kept inside the chart."""
        half = len(BREAK_LABEL) * CHAR_WIDTH / 2
        return [(f"{x:.1f}", f"{min(max(x, half), self.width - half):.1f}") for x in self.breaks]

    @property
    def target_path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.svg_x},{p.svg_y}" for i, p in enumerate(self.target_points)
        )


def comparison_chart(
    comparison, *, council_name: str, region_name: str, targets: dict[int, Decimal] | None = None
) -> ComparisonChart | None:
    """The chart of a published comparison; ``targets`` are the local targets by DfE year."""
    measure = comparison.measure
    years = comparison.years
    targets = targets or {}
    values = {
        "council": [year.council_number for year in years],
        "england": [year.england.value if year.england else None for year in years],
        "region": [year.region.value if year.region else None for year in years],
        "median": [year.neighbour_median for year in years],
    }
    numbers = [value for series in values.values() for value in series if value is not None]
    if not numbers:
        return None
    year_targets = [
        (index, targets[year.time_period]) for index, year in enumerate(years) if year.time_period in targets
    ]
    geometry = geometry_for(
        numbers + [value for _, value in year_targets],
        unit=measure.unit,
        count=len(years),
        format_value=measure.format_value,
    )

    names = {"council": council_name or "The council", "region": region_name or "Region"}
    lines = []
    for key, label, dash, marker, colour in SERIES:
        line = ChartLine(key, names.get(key, label), dash, marker, colour, [[]])
        for index, (year, value) in enumerate(zip(years, values[key], strict=True)):
            if year.definition_changed or value is None:
                line.segments.append([])
            if value is not None:
                line.segments[-1].append(
                    ChartPoint(
                        geometry.x_of(index), geometry.y_of(value), year.label, measure.format_value(value)
                    )
                )
        lines.append(line)
    target_points = [
        ChartPoint(
            geometry.x_of(index), geometry.y_of(value), years[index].label, measure.format_value(value)
        )
        for index, value in year_targets
    ]
    breaks = [geometry.x_of(index - 0.5) for index, year in enumerate(years) if year.definition_changed]
    described = "; ".join(
        f"{line.label}: " + ", ".join(f"{point.label} {point.value_text}" for point in line.points)
        for line in lines
        if line.points
    )
    if target_points:
        described += "; local target (dashed line): " + ", ".join(
            f"{point.label} {point.value_text}" for point in target_points
        )
    broken = " The definition changed where the vertical line is, so the lines break there." if breaks else ""
    better = BETTER.get(measure.polarity, "")
    note = scale_note(geometry, measure.format_value)
    return ComparisonChart(
        title=f"{measure.title}: {names['council']} compared with England, {names['region']} and "
        "statistical neighbours",
        description=f"Line chart. {described}.{broken}{' ' + better[2:] + '.' if better else ''}"
        f"{' ' + note if note else ''} The table below gives the same figures.",
        geometry=geometry,
        lines=lines,
        y_ticks=[(geometry.y_of(tick), measure.format_value(tick)) for tick in geometry.axis.ticks],
        x_labels=geometry.x_labels([year.label for year in years]),
        breaks=breaks,
        target_points=target_points,
        better=better,
        scale_note=note,
    )

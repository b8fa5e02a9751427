"""An indicator's figures by group as its page shows them: a table per dimension, a bar chart
of the latest period, the gap of each group to the total and each group's direction of travel.

Beyond the officer's and the owning organisation's pages, small numbers are hidden by
``disclosure.disclose``. The queries do not grow with the number of groups.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .breakdowns import DimensionGroups, dimensions_by_indicator, indicator_dimensions
from .choices import Polarity, Trend, Unit
from .disclosure import TOTAL, Cell, disclose
from .models import Figure, FigureGroupValue, PerformanceIndicator
from .suppression import SUPPRESSED, suppression_note

LATEST_PERIODS = 3
# Each group takes a row: its name above its bar, the figure after the bar. Text is 28 units in a
# drawing 640 wide, so at least 12 px on a 320 px phone (the drawing is about 290 px wide there).
CHART_WIDTH, ROW_HEIGHT, BAR_HEIGHT, VALUE_WIDTH, FONT_SIZE = 640, 74, 28, 210, 28
EVERYONE = "all children"


@dataclass(frozen=True)
class ShownValue:
    """One group's figure for one period as it may be shown."""

    value: Decimal | None
    text: str  # the figure in its unit, "c" when hidden, "" when not entered
    hidden: bool = False
    small_base: bool = False

    @property
    def comparable(self) -> Decimal | None:
        return None if self.hidden else self.value


@dataclass(frozen=True)
class GroupRow:
    label: str
    is_total: bool
    values: tuple[ShownValue, ...]  # one per period, oldest first
    gap: str  # the latest period's gap to the total, in words
    trend: Trend  # from the period before to the latest
    england: str = ""  # England's latest published figure for the group, with its year

    @property
    def latest(self) -> ShownValue:
        return self.values[-1]


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int  # the top of the bar; the group's name sits above it
    width: float

    @property
    def label_y(self) -> int:
        return self.y - 8

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2


@dataclass(frozen=True)
class GroupChart:
    """A horizontal bar chart of one dimension's groups in the latest period, with the total marked."""

    title: str
    description: str
    bars: tuple[Bar, ...]
    total_x: float | None
    total_text: str
    height: int
    width: int = CHART_WIDTH
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE

    @property
    def total_line_bottom(self) -> int:
        return self.height - 4


@dataclass(frozen=True)
class DimensionTable:
    code: str
    name: str
    period_labels: tuple[str, ...]
    rows: tuple[GroupRow, ...]
    chart: GroupChart | None

    @property
    def has_england(self) -> bool:
        return any(row.england for row in self.rows)

    @property
    def head(self) -> str:
        periods = "|".join(f"{label}:numeric" for label in self.period_labels)
        england = "|England, latest published" if self.has_england else ""
        return (
            f"Group|{periods}|Compared with all children, {self.period_labels[-1]}|Since the period before"
            + england
        )


@dataclass(frozen=True)
class Breakdowns:
    tables: tuple[DimensionTable, ...]
    any_hidden: bool
    any_small_base: bool
    hidden_note: str


def indicator_breakdowns(
    indicator: PerformanceIndicator,
    *,
    figures: list[Figure],
    exact: bool,
    england: Mapping[tuple[str, str], str] | None = None,
) -> Breakdowns | None:
    """The indicator's figures by group in the latest LATEST_PERIODS of these figures, or None.

    ``england`` holds England's published figure by (dimension code, group code), where DfE
    publishes the measure by those groups; the codes may be written with ``-`` or ``_``."""
    dimensions = indicator_dimensions(indicator)
    newest = sorted(figures, key=lambda figure: figure.period_start, reverse=True)[:LATEST_PERIODS]
    figures = newest[::-1]
    if not dimensions or not figures:
        return None
    parts = {
        (row.figure_id, row.group_id): row
        for row in FigureGroupValue.objects.filter(
            figure__in=figures, group__dimension__in=[d.dimension for d in dimensions]
        )
    }
    if not parts:
        return None
    hides = indicator.counts_children and not exact
    disclosure = disclose(
        _cells(indicator, dimensions, figures, parts), threshold=settings.SUPPRESSION_THRESHOLD
    )
    hidden = disclosure.hidden if hides else frozenset()
    small_base = disclosure.small_base if indicator.counts_children else frozenset()
    tables = tuple(
        _table(
            indicator, dimension, figures, parts, hidden=hidden, small_base=small_base, england=england or {}
        )
        for dimension in dimensions
        if any((figure.pk, group.pk) in parts for figure in figures for group in dimension.groups)
    )
    shown = [value for table in tables for row in table.rows for value in row.values]
    return Breakdowns(
        tables=tables,
        any_hidden=any(value.hidden for value in shown),
        any_small_base=any(value.small_base for value in shown),
        hidden_note=suppression_note(),
    )


def _whole(number: Decimal | None) -> int | None:
    return None if number is None else int(number)


def _cell(indicator, period: str, dimension: str, group: str, source) -> Cell:
    if indicator.has_parts and source.numerator is not None:
        return Cell(period, dimension, group, _whole(source.numerator), _whole(source.denominator))
    if indicator.unit == Unit.COUNT:
        return Cell(period, dimension, group, _whole(source.value))
    # A rate without its parts, or money or yes/no, counts no children the rule can judge.
    return Cell(period, dimension, group, None)


def _cells(indicator, dimensions: list[DimensionGroups], figures, parts) -> list[Cell]:
    cells = []
    for figure in figures:
        period = figure.period.code
        cells.append(_cell(indicator, period, TOTAL, TOTAL, figure))
        for dimension in dimensions:
            for group in dimension.groups:
                if (figure.pk, group.pk) in parts:
                    cells.append(
                        _cell(
                            indicator,
                            period,
                            dimension.dimension.code,
                            group.code,
                            parts[figure.pk, group.pk],
                        )
                    )
    return cells


def _shown(indicator, source, key, *, hidden, small_base) -> ShownValue:
    if source is None or source.value is None:
        return ShownValue(None, "")
    if key in hidden:
        return ShownValue(None, SUPPRESSED, hidden=True)
    return ShownValue(source.value, indicator.format_value(source.value), small_base=key in small_base)


def _table(
    indicator, dimension: DimensionGroups, figures, parts, *, hidden, small_base, england
) -> DimensionTable:
    code = dimension.dimension.code
    england_code = code.replace("_", "-")
    total_values = tuple(
        _shown(indicator, figure, (figure.period.code, TOTAL, TOTAL), hidden=hidden, small_base=small_base)
        for figure in figures
    )
    rows = [
        GroupRow(
            EVERYONE.capitalize(),
            True,
            total_values,
            "",
            _trend(indicator, total_values),
            england=england.get((england_code, ""), ""),
        )
    ]
    for group in dimension.groups:
        values = tuple(
            _shown(
                indicator,
                parts.get((figure.pk, group.pk)),
                (figure.period.code, code, group.code),
                hidden=hidden,
                small_base=small_base,
            )
            for figure in figures
        )
        if not any(value.text for value in values):
            continue
        gap = gap_in_words(indicator, values[-1], total_values[-1])
        rows.append(
            GroupRow(
                group.label,
                False,
                values,
                gap,
                _trend(indicator, values),
                england=england.get((england_code, group.code), ""),
            )
        )
    return DimensionTable(
        code=code,
        name=dimension.dimension.name,
        period_labels=tuple(figure.period.label for figure in figures),
        rows=tuple(rows),
        chart=_chart(indicator, dimension.dimension.name, figures[-1].period.label, rows),
    )


def _trend(indicator, values: tuple[ShownValue, ...]) -> Trend:
    if len(values) < 2:
        return Trend.NOT_COMPARABLE
    return indicator.trend(values[-1].comparable, values[-2].comparable)


def _plain(number: Decimal) -> str:
    text = f"{number:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def gap_in_words(indicator: PerformanceIndicator, group: ShownValue, total: ShownValue) -> str:
    """A group's figure beside the total's, polarity aware: "4.2 points worse than all children"."""
    if group.hidden or total.hidden:
        return "Not shown: small numbers"
    if group.value is None or total.value is None:
        return "No figure"
    if indicator.unit == Unit.COUNT:
        if not total.value:
            return "No children in the total"
        share = group.value / total.value * 100
        return f"{_plain(share)}% of {EVERYONE}"
    if indicator.unit not in (Unit.PERCENTAGE, Unit.RATE_PER_10000):
        return ""
    gap = group.value - total.value
    if gap == 0:
        return f"The same as {EVERYONE}"
    size = (
        f"{_plain(abs(gap))} points"
        if indicator.unit == Unit.PERCENTAGE
        else f"{_plain(abs(gap))} per 10,000"
    )
    if indicator.polarity == Polarity.NO_DIRECTION:
        return f"{size} {'higher' if gap > 0 else 'lower'} than {EVERYONE}"
    better = (gap > 0) == (indicator.polarity == Polarity.HIGHER_IS_BETTER)
    return f"{size} {'better' if better else 'worse'} than {EVERYONE}"


def _chart(indicator, name: str, period_label: str, rows: list[GroupRow]) -> GroupChart | None:
    groups = [row for row in rows if not row.is_total]
    total = rows[0].latest
    values = [row.latest.comparable for row in groups if row.latest.comparable is not None]
    if total.comparable is not None:
        values.append(total.comparable)
    largest = max(values, default=None)
    if not groups or not largest or largest <= 0:
        return None
    span = CHART_WIDTH - VALUE_WIDTH
    bars = []
    for index, row in enumerate(groups):
        value = row.latest.comparable
        width = float(value / largest) * span if value is not None and value > 0 else 0.0
        text = row.latest.text or "not entered"
        if row.latest.hidden:
            text = "c (not shown)"
        bars.append(Bar(row.label, text, index * ROW_HEIGHT + ROW_HEIGHT - BAR_HEIGHT - 6, round(width, 1)))
    total_x = float(total.comparable / largest) * span if total.comparable is not None else None
    described = "; ".join(f"{row.label}: {bar.value_text}" for row, bar in zip(groups, bars, strict=True))
    return GroupChart(
        title=f"{indicator.title} by {name.lower()}, {period_label}",
        description=f"{described}. {EVERYONE.capitalize()}: {total.text or 'no figure'}.",
        bars=tuple(bars),
        total_x=round(total_x, 1) if total_x is not None else None,
        total_text=total.text,
        height=len(bars) * ROW_HEIGHT + 4,
    )


@dataclass(frozen=True)
class FrozenGroup:
    """One group's figure for a report, as text so no precision is lost."""

    label: str
    value: str | None
    numerator: str | None
    denominator: str | None
    hidden: bool
    gap: str
    notably_worse: bool


@dataclass(frozen=True)
class FrozenBreakdown:
    dimension: str
    period: str
    total: str | None
    groups: tuple[FrozenGroup, ...]


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def worse_by(indicator: PerformanceIndicator, group: Decimal, total: Decimal) -> Decimal | None:
    """How much worse than the total a group's rate is (positive when worse); None without a direction."""
    if (
        indicator.unit not in (Unit.PERCENTAGE, Unit.RATE_PER_10000)
        or indicator.polarity == Polarity.NO_DIRECTION
    ):
        return None
    gap = group - total
    return -gap if indicator.polarity == Polarity.HIGHER_IS_BETTER else gap


def report_breakdowns(figures: list[Figure]) -> dict[int, list[FrozenBreakdown]]:
    """Each figure's groups for the bi-annual report, by indicator id (three queries however many).

    A group is hidden as on the Board's pages; one doing worse than all children by more than
    the indicator's ``disparity_threshold``, and not hidden, is notably worse.
    """
    figures = [figure for figure in figures if figure is not None]
    attached = dimensions_by_indicator({figure.indicator_id for figure in figures})
    figures = [figure for figure in figures if attached.get(figure.indicator_id)]
    parts = {
        (part.figure_id, part.group_id): part for part in FigureGroupValue.objects.filter(figure__in=figures)
    }
    frozen: dict[int, list[FrozenBreakdown]] = {}
    for figure in figures:
        indicator = figure.indicator
        dimensions = attached[indicator.pk]
        period = figure.period.code
        disclosure = disclose(
            _cells(indicator, dimensions, [figure], parts), threshold=settings.SUPPRESSION_THRESHOLD
        )
        hidden = disclosure.hidden if indicator.counts_children else frozenset()
        total = _shown(indicator, figure, (period, TOTAL, TOTAL), hidden=hidden, small_base=frozenset())
        for dimension in dimensions:
            groups = []
            for group in dimension.groups:
                part = parts.get((figure.pk, group.pk))
                if part is None:
                    continue
                key = (period, dimension.dimension.code, group.code)
                shown = _shown(indicator, part, key, hidden=hidden, small_base=frozenset())
                worse = (
                    None if shown.hidden or total.hidden else worse_by(indicator, part.value, figure.value)
                )
                threshold = indicator.disparity_threshold
                groups.append(
                    FrozenGroup(
                        label=group.label,
                        value=_text(part.value),
                        numerator=_text(part.numerator),
                        denominator=_text(part.denominator),
                        hidden=shown.hidden,
                        gap=gap_in_words(indicator, shown, total),
                        notably_worse=threshold is not None and worse is not None and worse > threshold,
                    )
                )
            if groups:
                frozen.setdefault(indicator.pk, []).append(
                    FrozenBreakdown(
                        dimension.dimension.name, figure.period.label, _text(figure.value), tuple(groups)
                    )
                )
    return frozen

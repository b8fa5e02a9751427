"""Showing the figures of a frozen report snapshot."""

from decimal import Decimal

from django import template

from indicators.charts import SeriesPoint, series_chart
from indicators.choices import Polarity, RagStatus, Unit
from indicators.models import PerformanceIndicator, format_in_unit
from indicators.suppression import shown_figure

from ..snapshot import FigureRow, IndicatorEntry

register = template.Library()


def _decimal(value):
    return None if value in (None, "") else Decimal(value)


@register.simple_tag
def snapshot_figure(entry: IndicatorEntry, row: FigureRow, exact: bool) -> str:
    """A snapshot figure in its unit, hidden as "c" when small and the reader is not the officer."""
    value = _decimal(row.value)
    if not exact:
        shown = shown_figure(
            value=value,
            counts_children=entry.counts_children,
            numerator=_decimal(row.numerator),
            denominator=_decimal(row.denominator),
        )
        if shown.suppressed:
            return shown.symbol
    return format_in_unit(value, entry.unit) if value is not None else "–"


@register.simple_tag
def snapshot_value(entry: IndicatorEntry, value: str | None) -> str:
    """A target or other value from the snapshot that is never a count of children."""
    number = _decimal(value)
    return format_in_unit(number, entry.unit) if number is not None else "–"


@register.filter
def rag_class(rag: str) -> str:
    """The tag class of a RAG value frozen in a report; an unknown value shows grey."""
    try:
        return f"govuk-tag--{RagStatus(rag).tag_colour}"
    except ValueError:
        return "govuk-tag--grey"


def _snapshot_series(entry: IndicatorEntry, exact: bool) -> list[SeriesPoint]:
    # A report freezes verified figures only, so every point is drawn as verified.
    series = []
    for row in entry.chart_rows:
        shown = snapshot_figure(entry, row, exact)
        value = None if shown in ("c", "–") else _decimal(row.value)
        series.append(SeriesPoint(row.code, value, _decimal(row.target)))
    return series


@register.simple_tag
def snapshot_has_chart(entry: IndicatorEntry, exact: bool) -> bool:
    """Whether the report draws a chart of the entry for this audience: two periods or more, with
    a figure or a target shown in one of them. `snapshot_chart` draws it."""
    if len(entry.chart_rows) < 2 or entry.unit == Unit.YES_NO:
        return False
    series = _snapshot_series(entry, exact)
    return any(point.value is not None or point.target is not None for point in series)


@register.simple_tag
def snapshot_chart(entry: IndicatorEntry, exact: bool):
    """The PI-page chart, drawn from a report's frozen figures."""
    polarity = next((value for value, label in Polarity.choices if label == entry.polarity), "")
    indicator = PerformanceIndicator(unit=entry.unit, title=entry.title, polarity=polarity)
    return series_chart(
        indicator=indicator,
        series=_snapshot_series(entry, exact),
        table_note="The table gives the same figures.",
    )

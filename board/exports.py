"""The evaluation report as raw values for spreadsheets and Power BI: one row per indicator and period.

Numbers are plain (no thousands separators, units or rounding), periods carry their code and ISO
start and end dates, and a suppressed figure or a DfE symbol sits in a column of its own so the
value columns hold numbers only.
"""

import re
from decimal import Decimal

from comparisons.models import Symbol
from indicators.choices import Frequency, RagStatus
from indicators.imports import safe_cell
from indicators.periods import Period, PeriodError, parse_period
from indicators.suppression import shown_figure

from .models import EvaluationReport
from .snapshot import FigureRow, IndicatorEntry

HEADER = [
    "objective",
    "indicator",
    "title",
    "unit",
    "polarity",
    "period",
    "period_code",
    "period_start",
    "period_end",
    "value",
    "value_symbol",
    "numerator",
    "denominator",
    "target",
    "status_code",
    "status",
    "comparison_year",
    "council_value",
    "council_symbol",
    "england_value",
    "england_symbol",
    "similar_councils_median",
    "similar_councils_median_symbol",
    "comparison_code",
    "comparison",
]
STATUS_CODES = {status.label: status.value for status in RagStatus}
DFE_SYMBOLS = {symbol.value for symbol in Symbol}
# How the comparison figures were written into the snapshot: 1,234.5 with an optional unit after it.
PUBLISHED_NUMBER = re.compile(r"^(-?\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?:%| per 10,000| \(.*\))?$", re.ASCII)


def _plain(value: str | Decimal | None) -> str:
    if value in (None, ""):
        return ""
    return f"{Decimal(value).normalize():f}"


def row_period(row: FigureRow) -> Period | None:
    """The period of a frozen row, read back from its code; its label tells a month from a year."""
    if "(" not in row.period:
        frequency = Frequency.MONTHLY
    elif " Q" in row.code:
        frequency = Frequency.QUARTERLY
    elif " H" in row.code:
        frequency = Frequency.HALF_YEARLY
    else:
        frequency = Frequency.ANNUAL
    try:
        return parse_period(row.code, frequency)
    except PeriodError:
        return None


def published_value(display: str) -> tuple[str, str]:
    """(number, symbol) from a comparison figure as it was frozen: '61.5%' or 'c'."""
    text = (display or "").strip()
    if text.lower() in DFE_SYMBOLS:
        return "", text.lower()
    match = PUBLISHED_NUMBER.match(text)
    if match:
        return _plain(match.group(1).replace(",", "")), ""
    return "", ""


def _figure_cells(entry: IndicatorEntry, row: FigureRow, exact: bool) -> list[str]:
    value = None if row.value in (None, "") else Decimal(row.value)
    numerator = None if row.numerator in (None, "") else Decimal(row.numerator)
    denominator = None if row.denominator in (None, "") else Decimal(row.denominator)
    if not exact:
        shown = shown_figure(
            value=value, counts_children=entry.counts_children, numerator=numerator, denominator=denominator
        )
        if shown.suppressed:
            return ["", shown.symbol, "", ""]
    return [_plain(value), "", _plain(numerator), _plain(denominator)]


def _comparison_cells(entry: IndicatorEntry) -> list[str]:
    comparison = entry.comparison
    if comparison is None:
        return [""] * 9
    return [
        comparison.year,
        *published_value(comparison.council),
        *published_value(comparison.england),
        *published_value(comparison.neighbour_median),
        comparison.verdict,
        comparison.verdict_label,
    ]


def report_csv_rows(report: EvaluationReport, *, exact: bool) -> list[list[str]]:
    """The rows of the report's CSV. Small numbers are hidden unless ``exact`` (the officer)."""
    rows = [HEADER]
    for objective in report.data.objectives:
        for entry in objective.indicators:
            comparison = _comparison_cells(entry)
            for row in entry.rows:
                period = row_period(row)
                rows.append(
                    [
                        str(objective.number),
                        entry.reference,
                        safe_cell(entry.title),
                        entry.unit,
                        entry.polarity,
                        row.period,
                        row.code,
                        period.start.isoformat() if period else "",
                        period.end.isoformat() if period else "",
                        *_figure_cells(entry, row, exact),
                        _plain(row.target),
                        STATUS_CODES.get(row.rag, ""),
                        row.rag,
                        *comparison,
                    ]
                )
    return rows

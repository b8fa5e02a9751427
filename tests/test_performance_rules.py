"""The rules behind every RAG status, trend, period and hidden small number."""

import datetime
from decimal import Decimal as D

import pytest

from indicators.choices import Frequency, Polarity, RagStatus, Trend
from indicators.performance import rag_status, trend
from indicators.periods import Period, PeriodError, parse_period, recent_periods
from indicators.suppression import shown_figure, suppress_with_total

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NO_DIRECTION


@pytest.mark.parametrize(
    "value, target, polarity, tolerance, expected",
    [
        (D("80"), D("80"), HIGHER, D("5"), RagStatus.GREEN),  # exactly on target
        (D("81"), D("80"), HIGHER, D("5"), RagStatus.GREEN),
        (D("79.99"), D("80"), HIGHER, D("5"), RagStatus.AMBER),
        (D("75"), D("80"), HIGHER, D("5"), RagStatus.AMBER),  # at the edge of tolerance
        (D("74.99"), D("80"), HIGHER, D("5"), RagStatus.RED),
        (D("79"), D("80"), HIGHER, None, RagStatus.RED),  # no tolerance: short is red
        (D("3"), D("3"), LOWER, D("1"), RagStatus.GREEN),
        (D("2"), D("3"), LOWER, D("1"), RagStatus.GREEN),
        (D("4"), D("3"), LOWER, D("1"), RagStatus.AMBER),
        (D("4.01"), D("3"), LOWER, D("1"), RagStatus.RED),
        (D("0"), D("0"), LOWER, None, RagStatus.GREEN),
        (D("50"), None, HIGHER, None, RagStatus.NO_TARGET),
        (None, D("50"), HIGHER, None, RagStatus.NO_DATA),
        (D("50"), D("40"), NONE, None, RagStatus.NOT_RATED),
    ],
)
def test_rag_status(value, target, polarity, tolerance, expected):
    assert rag_status(value=value, target=target, polarity=polarity, tolerance=tolerance) == expected


@pytest.mark.parametrize(
    "current, earlier, polarity, expected",
    [
        (D("10"), D("8"), HIGHER, Trend.IMPROVING),
        (D("8"), D("10"), HIGHER, Trend.WORSENING),
        (D("8"), D("10"), LOWER, Trend.IMPROVING),  # a lower-is-better figure falling
        (D("10"), D("8"), LOWER, Trend.WORSENING),
        (D("9"), D("9"), HIGHER, Trend.NO_CHANGE),
        (D("9"), D("9"), LOWER, Trend.NO_CHANGE),
        (D("10"), D("8"), NONE, Trend.UP),
        (D("8"), D("10"), NONE, Trend.DOWN),
        (D("8"), None, HIGHER, Trend.NOT_COMPARABLE),
        (None, D("8"), HIGHER, Trend.NOT_COMPARABLE),
    ],
)
def test_trend(current, earlier, polarity, expected):
    assert trend(current=current, earlier=earlier, polarity=polarity) == expected


@pytest.mark.parametrize(
    "frequency, day, code, label, end",
    [
        (
            Frequency.MONTHLY,
            datetime.date(2025, 1, 15),
            "2025-01",
            "January 2025",
            datetime.date(2025, 1, 31),
        ),
        (
            Frequency.QUARTERLY,
            datetime.date(2024, 4, 1),
            "2024-25 Q1",
            "Q1 2024-25 (April to June 2024)",
            datetime.date(2024, 6, 30),
        ),
        (
            Frequency.QUARTERLY,
            datetime.date(2025, 3, 31),
            "2024-25 Q4",
            "Q4 2024-25 (January to March 2025)",
            datetime.date(2025, 3, 31),
        ),
        (
            Frequency.HALF_YEARLY,
            datetime.date(2024, 9, 30),
            "2024-25 H1",
            "H1 2024-25 (April to September 2024)",
            datetime.date(2024, 9, 30),
        ),
        (
            Frequency.HALF_YEARLY,
            datetime.date(2024, 10, 1),
            "2024-25 H2",
            "H2 2024-25 (October 2024 to March 2025)",
            datetime.date(2025, 3, 31),
        ),
        (
            Frequency.ANNUAL,
            datetime.date(2025, 2, 1),
            "2024-25",
            "2024-25 (April 2024 to March 2025)",
            datetime.date(2025, 3, 31),
        ),
    ],
)
def test_periods_follow_the_financial_year(frequency, day, code, label, end):
    period = Period.containing(frequency, day)
    assert (period.code, period.label, period.end) == (code, label, end)
    assert parse_period(code, frequency) == period
    assert period.next().previous() == period
    assert period.year_earlier().code != code


def test_quarters_step_across_the_year_end():
    q4 = parse_period("2024-25 Q4", Frequency.QUARTERLY)
    assert q4.next().code == "2025-26 Q1"
    assert q4.year_earlier().code == "2023-24 Q4"
    assert [p.code for p in recent_periods(Frequency.HALF_YEARLY, datetime.date(2025, 5, 1), 3)] == [
        "2025-26 H1",
        "2024-25 H2",
        "2024-25 H1",
    ]


@pytest.mark.parametrize(
    "code, frequency",
    [
        ("2024-26 Q1", Frequency.QUARTERLY),
        ("2024-25 Q5", Frequency.QUARTERLY),
        ("2024-25", Frequency.QUARTERLY),
        ("2024-13", Frequency.MONTHLY),
        ("2024/25", Frequency.ANNUAL),
        ("", Frequency.HALF_YEARLY),
    ],
)
def test_period_codes_that_name_no_period_are_refused(code, frequency):
    with pytest.raises(PeriodError, match="Enter"):
        parse_period(code, frequency)


def test_a_period_must_start_where_its_frequency_starts():
    with pytest.raises(PeriodError):
        Period(Frequency.QUARTERLY, datetime.date(2024, 5, 1))


@pytest.mark.parametrize(
    "value, expected_hidden", [(0, False), (1, True), (5, True), (6, False), (None, False)]
)
def test_small_counts_of_children_are_hidden_at_the_boundaries(value, expected_hidden, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    shown = shown_figure(value=None if value is None else D(value), counts_children=True)
    assert shown.suppressed is expected_hidden
    if not expected_hidden:
        assert shown.value == (None if value is None else D(value))


def test_counts_that_are_not_of_children_are_never_hidden(settings):
    assert not shown_figure(value=D(3), counts_children=False).suppressed


@pytest.mark.parametrize(
    "numerator, denominator, expected_hidden",
    [
        (D(0), D(40), False),
        (D(5), D(40), True),
        (D(6), D(40), False),
        (D(6), D(5), True),
        (D(12), D(6), False),
    ],
)
def test_rates_are_hidden_when_a_part_is_small(numerator, denominator, expected_hidden):
    shown = shown_figure(value=D(50), counts_children=True, numerator=numerator, denominator=denominator)
    assert shown.suppressed is expected_hidden


def test_the_threshold_is_configurable(settings):
    settings.SUPPRESSION_THRESHOLD = 10
    assert shown_figure(value=D(10), counts_children=True).suppressed
    assert not shown_figure(value=D(11), counts_children=True).suppressed


def test_secondary_suppression_stops_a_hidden_count_being_worked_out():
    shown = suppress_with_total({"foster care": 40, "residential": 3, "with family": 12, "other": 0})
    assert shown["residential"].suppressed
    assert shown["with family"].suppressed  # the next smallest, so 52 - 40 is no help
    assert not shown["foster care"].suppressed
    assert shown["other"].value == 0 and not shown["other"].suppressed


def test_no_secondary_suppression_when_two_are_already_hidden():
    shown = suppress_with_total({"a": 2, "b": 4, "c": 30})
    assert [key for key, figure in shown.items() if figure.suppressed] == ["a", "b"]

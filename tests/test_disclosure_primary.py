"""Disclosure control of figures by group: primary suppression and the small-base flag.

Secondary suppression may hide more (tests/test_disclosure.py proves what it hides is safe);
these cases say what primary suppression must hide whatever else is hidden."""

from indicators.disclosure import TOTAL, Cell, disclose


def test_small_counts_are_hidden_and_zero_and_larger_counts_are_not():
    cells = [
        Cell("2025-26", TOTAL, TOTAL, 40),
        Cell("2025-26", "age_band", "under-1", 0),
        Cell("2025-26", "age_band", "1-4", 1),
        Cell("2025-26", "age_band", "5-9", 5),
        Cell("2025-26", "age_band", "10-15", 6),
        Cell("2025-26", "age_band", "unknown", None),
    ]
    result = disclose(cells, threshold=5)
    assert result.hidden == {("2025-26", "age_band", "1-4"), ("2025-26", "age_band", "5-9")}
    assert not result.hidden_denominators and not result.small_base


def test_a_rate_on_a_small_denominator_is_hidden_with_its_denominator():
    cells = [
        Cell("2025-26", "uasc", "yes", 3, 4),  # small denominator: both hidden
        Cell("2025-26", "uasc", "no", 2, 40),  # small numerator: the rate hidden, the base shown
        Cell("2025-26", "sex", "male", 12, 15),  # shown, flagged: fewer than 20 children
        Cell("2025-26", TOTAL, TOTAL, 17, 59),
    ]
    result = disclose(cells, threshold=5)
    assert result.hidden >= {("2025-26", "uasc", "yes"), ("2025-26", "uasc", "no")}
    assert result.hidden_denominators >= {("2025-26", "uasc", "yes")}
    assert result.small_base == {("2025-26", "sex", "male")}


def test_the_same_cells_give_the_same_answer():
    cells = [Cell("2025-26 Q1", "age_band", str(n), n) for n in range(12)]
    assert disclose(cells, threshold=5) == disclose(list(cells), threshold=5)

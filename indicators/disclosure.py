"""Which figures by group may be shown beyond the officer's and the owning organisation's pages.

Pure Python, no Django: callers pass the cells of a table and get back which to hide.
This version applies primary suppression and flags small bases; secondary suppression
(so that no hidden cell can be worked out by subtraction) is to come behind the same interface.
"""

from collections.abc import Iterable
from dataclasses import dataclass

TOTAL = ""  # dimension code and group code of the total cell
_SMALL_BASE = 20  # a rate on fewer children than this is flagged "based on fewer than 20 children"


@dataclass(frozen=True)
class Cell:
    period: str  # the period's code, e.g. "2024-25 Q1"
    dimension: str  # dimension code, TOTAL for the period's total
    group: str  # group (value) code, TOTAL for the total
    count: int | None  # children counted: the figure's value for a count, or its numerator for a rate
    denominator: int | None = None  # children in the group, for a rate; None for a count


@dataclass(frozen=True)
class Disclosure:
    hidden: frozenset[tuple[str, str, str]]  # (period, dimension, group) whose count (and rate) are hidden
    hidden_denominators: frozenset[tuple[str, str, str]]  # whose denominator is hidden too
    small_base: frozenset[tuple[str, str, str]]  # rates based on fewer than 20 children (flag, not hide)


def disclose(cells: Iterable[Cell], *, threshold: int, additive: bool = True) -> Disclosure:
    """Which cells may be shown beyond the officer's and the owner's pages.

    Primary suppression: counts (and denominators) of 1..threshold are hidden, and so is a rate
    built on them. A rate on a denominator under 20 is flagged, not hidden. A cell whose count is
    None (not entered) is neither shown as a number nor a secret. Deterministic.
    ``additive`` says the groups add up to the total (counts); this version does not use it.
    """

    def small(number: int | None) -> bool:
        return number is not None and 0 < number <= threshold

    hidden, hidden_denominators, small_base = set(), set(), set()
    for cell in cells:
        key = (cell.period, cell.dimension, cell.group)
        if small(cell.denominator):
            hidden_denominators.add(key)
            hidden.add(key)
        elif small(cell.count):
            hidden.add(key)
        elif cell.denominator is not None and cell.count is not None and 0 < cell.denominator < _SMALL_BASE:
            small_base.add(key)
    return Disclosure(frozenset(hidden), frozenset(hidden_denominators), frozenset(small_base))

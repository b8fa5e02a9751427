"""Disclosure control for figures by group: which cells may be shown beyond the officer's pages.

Pure Python (the standard library only), so the rule can be proved on its own
(tests/test_disclosure.py) and used by any page, download or report that shows figures by group.

The rule, in plain words:

1. **Primary suppression.** A count of 1 to the threshold is hidden, and so is a rate built on it.
   A denominator of 1 to the threshold is hidden, and so are the count and the rate built on it.
   Zero is shown as zero. A cell whose count is not entered is neither shown nor a secret.
2. **Rates go with their parts.** Hiding a count hides its rate (with the denominator shown, the
   rate would give the count back). Hiding a denominator hides the count and the rate too, so a
   hidden denominator never sits beside a shown count and rate.
3. **Secondary suppression.** Within each period, each dimension's entered groups add up to the
   period's total (all dimensions on a page share that total), and where a total over periods is
   shown (say a year beside its quarters, given as ``period_totals``) each cell of the total
   period is the sum of the same cell in its periods. These sums hold for counts and for
   denominators alike. Hidden cells are hidden in enough of these sums that no hidden value can
   be worked out from the shown ones, by subtraction or by any combination of the sums: the check
   is exact rational linear algebra (a hidden value is worked out exactly when its unit vector lies
   in the row space of the sums restricted to the hidden cells), and no count is negative (hidden
   cells of one sign that add up to zero are each zero, so they count as worked out). While one
   can be worked out, one more shown cell is hidden: a cell that shares a sum with it, preferring
   a group to a total, a
   non-zero count to a zero (a hidden zero could be pinned down by "no count is negative"), then
   the smallest, then the first in the order given.
4. **Small bases are flagged.** A shown rate whose denominator is under 20 is flagged "based on
   fewer than 20 children" (it is shown, not hidden).

Where a dimension's entered groups do not add up to the total (a group was not entered), the
remainder is treated as known to the reader: a stronger reader than any real one, so the cells
are at least as safe as the rule says. Deterministic: the same cells in the same order give the
same answer.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

TOTAL = ""  # dimension code and group code of the total cell

SMALL_BASE = 20  # a rate on fewer children than this is flagged

Key = tuple[str, str, str]  # (period, dimension, group)


@dataclass(frozen=True)
class Cell:
    period: str  # the period's code, e.g. "2024-25 Q1"
    dimension: str  # dimension code, TOTAL for the period's total
    group: str  # group (value) code, TOTAL for the total
    count: int | None  # children counted: the figure's value for a count, or its numerator for a rate
    denominator: int | None = None  # children in the group, for a rate; None for a count

    @property
    def key(self) -> Key:
        return (self.period, self.dimension, self.group)

    @property
    def is_total(self) -> bool:
        return self.dimension == TOTAL


@dataclass(frozen=True)
class Disclosure:
    hidden: frozenset[Key]  # (period, dimension, group) whose count (and rate) are hidden
    hidden_denominators: frozenset[Key]  # whose denominator is hidden too
    small_base: frozenset[Key]  # rates based on fewer than 20 children (flag, not hide)


@dataclass(frozen=True)
class Line:
    """One sum the reader knows: the cells with coefficient +1 and -1 add up to a constant."""

    plus: tuple[Key, ...]
    minus: tuple[Key, ...]
    # A dimension's groups: a group not entered is left out, its share known (the groups entered
    # add up to the total). Across periods: a period not entered is an unknown.
    groups_entered_add_up: bool = False


def disclose(
    cells: Iterable[Cell],
    *,
    threshold: int,
    additive: bool = True,
    period_totals: Mapping[str, Sequence[str]] | None = None,
) -> Disclosure:
    """Which cells may be shown beyond the officer's and the owner's pages.

    Primary suppression: counts (and denominators) of 1..threshold are hidden, and so is a rate built
    on them. Secondary suppression: within each period, each dimension's groups add up to the total
    (when `additive`, i.e. counts — the "unknown" group takes the remainder only if entered), so no
    line (a dimension's groups + the total) may have exactly one hidden cell... extended across
    several dimensions shown together (they share the total) and across periods where a total over
    periods is shown. Deterministic: same input, same output (pick the smallest complementary cells,
    ties by order of input).

    ``period_totals`` names the periods shown as a total of others, e.g.
    ``{"2024-25": ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4"]}``: each of its cells
    is the sum of the same cell in those periods. With ``additive=False`` (figures whose groups do
    not add up) only primary suppression applies. The module docstring gives the rule in full.
    """
    cells = list(cells)
    by_key: dict[Key, Cell] = {}
    for cell in cells:
        if (cell.dimension == TOTAL) != (cell.group == TOTAL):
            raise ValueError(f"A total cell has both dimension and group blank: {cell.key!r}")
        if cell.key in by_key:
            raise ValueError(f"Two cells for {cell.key!r}")
        by_key[cell.key] = cell
    order = {key: index for index, key in enumerate(by_key)}

    hidden: set[Key] = set()
    hidden_denominators: set[Key] = set()
    for cell in cells:
        if _is_small(cell.denominator, threshold):
            hidden_denominators.add(cell.key)
            hidden.add(cell.key)
        if _is_small(cell.count, threshold):
            hidden.add(cell.key)

    if additive:
        lines = _lines(by_key, period_totals or {})
        count_values = {key: cell.count for key, cell in by_key.items()}
        denominator_values = {key: cell.denominator for key, cell in by_key.items()}
        while True:
            changed = _protect(lines, count_values, hidden, order)
            before = len(hidden_denominators)
            _protect(lines, denominator_values, hidden_denominators, order)
            if len(hidden_denominators) != before:
                hidden |= hidden_denominators
                changed = True
            if not changed:
                break

    small_base = {
        key
        for key, cell in by_key.items()
        if cell.denominator is not None and cell.denominator < SMALL_BASE and key not in hidden
    }
    return Disclosure(
        hidden=frozenset(k for k in hidden if by_key[k].count is not None or k in hidden_denominators),
        hidden_denominators=frozenset(hidden_denominators),
        small_base=frozenset(small_base),
    )


def _is_small(number: int | None, threshold: int) -> bool:
    return number is not None and 0 < number <= threshold


def _lines(by_key: Mapping[Key, Cell], period_totals: Mapping[str, Sequence[str]]) -> list[Line]:
    """Every sum a reader of the page knows, over the cells given."""
    lines = []
    periods = list(dict.fromkeys(key[0] for key in by_key))
    dimensions = list(dict.fromkeys(key[1] for key in by_key if key[1] != TOTAL))
    for period in periods:
        for dimension in dimensions:
            groups = tuple(k for k in by_key if k[0] == period and k[1] == dimension)
            if groups:
                lines.append(Line(plus=groups, minus=((period, TOTAL, TOTAL),), groups_entered_add_up=True))
    for total_period, parts in period_totals.items():
        keys = dict.fromkeys((k[1], k[2]) for k in by_key if k[0] == total_period or k[0] in parts)
        for dimension, group in keys:
            lines.append(
                Line(
                    plus=tuple((part, dimension, group) for part in parts),
                    minus=((total_period, dimension, group),),
                )
            )
    return lines


def _protect(
    lines: list[Line], values: Mapping[Key, int | None], hidden: set[Key], order: Mapping[Key, int]
) -> bool:
    """Hide more cells of one layer (counts or denominators) until no hidden value can be worked out.

    A cell without a value (not entered, or not given) is an unknown to the reader but no secret.
    Returns whether any cell was added.
    """
    added = False
    while True:
        exposed = sorted(_determined(lines, values, hidden), key=lambda key: order.get(key, len(order)))
        # One complement for each exposed cell whose sums got none yet in this round, then check again:
        # fewer rounds of elimination than one cell at a time, and still the same answer every time.
        touched: set[Key] = set()
        for target in exposed:
            if target in touched:
                continue
            complement = _complement(target, lines, values, hidden, order)
            if complement is None:
                continue  # every cell near it is hidden already: nothing more can protect it
            hidden.add(complement)
            added = True
            touched |= {
                key
                for line in lines
                if complement in line.plus + line.minus
                for key in line.plus + line.minus
            }
        if not touched:
            return added


def _unknowns(values: Mapping[Key, int | None], hidden: set[Key], key: Key) -> bool:
    return key in hidden or values.get(key) is None


def _secret(values: Mapping[Key, int | None], hidden: set[Key], key: Key) -> bool:
    return key in hidden and values.get(key) is not None


def _determined(lines: list[Line], values: Mapping[Key, int | None], hidden: set[Key]) -> list[Key]:
    """Hidden cells whose value the shown cells and the sums give away."""
    columns: dict[Key, int] = {}
    rows: list[list[Fraction]] = []
    for line in lines:
        if line.groups_entered_add_up and all(values.get(key) is None for key in line.plus):
            continue
        row: dict[Key, int] = {}
        for key, sign in [(k, 1) for k in line.plus] + [(k, -1) for k in line.minus]:
            if line.groups_entered_add_up and sign > 0 and values.get(key) is None:
                continue
            if _unknowns(values, hidden, key):
                row[key] = row.get(key, 0) + sign
        row = {key: coefficient for key, coefficient in row.items() if coefficient}
        if row:
            for key in row:
                columns.setdefault(key, len(columns))
            rows.append(row)
    if not rows:
        return []
    matrix = [{columns[key]: Fraction(coefficient) for key, coefficient in row.items()} for row in rows]
    keys = list(columns)
    units, reduced = _unit_rows(matrix)
    exposed = [keys[column] for column in units if _secret(values, hidden, keys[column])]
    # No count is negative: where hidden cells of one sign add up to zero, each of them is zero.
    for row in matrix + reduced:
        terms = [(keys[column], value) for column, value in sorted(row.items())]
        if (
            terms
            and all(_secret(values, hidden, key) for key, _ in terms)
            and len({value > 0 for _, value in terms}) == 1
            and sum(value * values[key] for key, value in terms) == 0
        ):
            exposed += [key for key, _ in terms if key not in exposed]
    return exposed


def _unit_rows(matrix: list[dict[int, Fraction]]) -> tuple[list[int], list[dict[int, Fraction]]]:
    """The columns whose unit vector lies in the row space (the reduced rows with one non-zero entry),
    and the reduced rows. Rows are sparse: column → non-zero coefficient."""
    rows = [dict(row) for row in matrix if row]
    reduced: list[dict[int, Fraction]] = []
    for column in sorted({column for row in rows for column in row}):
        pivot = next((row for row in rows if column in row), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        lead = pivot[column]
        pivot = {c: value / lead for c, value in pivot.items()}
        for row in rows + reduced:
            factor = row.get(column)
            if factor:
                for c, value in pivot.items():
                    updated = row.get(c, 0) - factor * value
                    if updated:
                        row[c] = updated
                    else:
                        row.pop(c, None)
        reduced.append(pivot)
        rows = [row for row in rows if row]
    units = [next(iter(row)) for row in reduced if len(row) == 1]
    return units, reduced


def _complement(
    target: Key,
    lines: list[Line],
    values: Mapping[Key, int | None],
    hidden: set[Key],
    order: Mapping[Key, int],
) -> Key | None:
    """The shown cell to hide next to protect ``target``: from the sums it is in, else from the sums
    linked to those through hidden cells."""
    reached = {target}
    frontier = [target]
    while frontier:
        touching = [line for line in lines if any(k in line.plus or k in line.minus for k in frontier)]
        candidates = {
            key
            for line in touching
            for key in line.plus + line.minus
            if key not in hidden and values.get(key) is not None
        }
        if candidates:
            return min(
                candidates,
                key=lambda key: (key[1] == TOTAL, values[key] == 0, values[key], order.get(key, len(order))),
            )
        frontier = [
            key
            for line in touching
            for key in line.plus + line.minus
            if key not in reached and _unknowns(values, hidden, key)
        ]
        reached.update(frontier)
    return None

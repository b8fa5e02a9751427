"""The small-number rule for figures shown beyond the officer's own pages.

It follows the Department for Education's convention for statistics on children
looked after: a count of children or young people from 1 to the threshold
(5 by default), or a rate or percentage whose numerator or denominator is from
1 to the threshold, is shown as "c". Zero is shown as zero. Secondary
suppression hides one more figure in a set with a shown total, so a hidden
figure cannot be worked out by subtraction.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

SUPPRESSED = "c"
SUPPRESSED_MEANING = (
    "c: fewer than {threshold_plus_one} children or young people, not shown to protect their privacy"
)


def threshold() -> int:
    return settings.SUPPRESSION_THRESHOLD


def is_small(number: Decimal | int | None) -> bool:
    return number is not None and 0 < number <= threshold()


@dataclass(frozen=True)
class Shown:
    """A figure as it may be shown: the value, or the suppression symbol."""

    value: Decimal | None
    suppressed: bool

    @property
    def symbol(self) -> str:
        return SUPPRESSED if self.suppressed else ""


def shown_figure(
    *,
    value: Decimal | None,
    counts_children: bool,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> Shown:
    """Primary suppression of one figure."""
    if not counts_children or value is None:
        return Shown(value, False)
    if numerator is not None or denominator is not None:
        return Shown(None, True) if is_small(numerator) or is_small(denominator) else Shown(value, False)
    return Shown(None, True) if is_small(value) else Shown(value, False)


def suppress_with_total(counts: dict[str, int]) -> dict[str, Shown]:
    """Suppress a set of counts shown with their total.

    Small counts are hidden; if exactly one is hidden, the next smallest
    non-zero count is hidden too, so the total cannot reveal it.
    """
    shown = {key: shown_figure(value=count, counts_children=True) for key, count in counts.items()}
    hidden = [key for key, figure in shown.items() if figure.suppressed]
    if len(hidden) == 1:
        candidates = sorted(
            (count, key) for key, count in counts.items() if key not in hidden and count and count > 0
        )
        if candidates:
            shown[candidates[0][1]] = Shown(None, True)
    return shown


def suppression_note() -> str:
    return SUPPRESSED_MEANING.format(threshold_plus_one=threshold() + 1)

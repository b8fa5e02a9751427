"""Reporting periods on the UK financial year (April to March).

A period is a value, not a database row: a frequency and the date it starts.
Figures and targets store both, so a figure always names exactly one period.
"""

import datetime
import re
from dataclasses import dataclass

from .choices import Frequency

MONTHS_IN = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.ANNUAL: 12,
}
FINANCIAL_YEAR_START_MONTH = 4
# The years a period typed or linked to may start in: wide enough for any record the
# council keeps, narrow enough that periods around it are always real dates.
FIRST_YEAR, LAST_YEAR = 1950, 2199


class PeriodError(ValueError):
    """A period label or date that names no period of the frequency."""


def add_months(date: datetime.date, months: int) -> datetime.date:
    month_index = date.month - 1 + months
    return datetime.date(date.year + month_index // 12, month_index % 12 + 1, 1)


def financial_year_of(date: datetime.date) -> int:
    """The calendar year in which the financial year containing this date starts."""
    return date.year if date.month >= FINANCIAL_YEAR_START_MONTH else date.year - 1


@dataclass(frozen=True, order=True)
class Period:
    frequency: str
    start: datetime.date

    def __post_init__(self):
        if self.frequency not in MONTHS_IN:
            raise PeriodError(f"'{self.frequency}' is not a reporting frequency")
        months_into_year = (self.start.month - FINANCIAL_YEAR_START_MONTH) % 12
        if self.start.day != 1 or months_into_year % MONTHS_IN[self.frequency]:
            raise PeriodError(
                f"{self.start:%d %B %Y} does not start a {Frequency(self.frequency).label.lower()} period"
            )

    @classmethod
    def containing(cls, frequency: str, date: datetime.date) -> "Period":
        year_start = datetime.date(financial_year_of(date), FINANCIAL_YEAR_START_MONTH, 1)
        months_into_year = (date.year - year_start.year) * 12 + date.month - year_start.month
        length = MONTHS_IN[frequency]
        return cls(frequency, add_months(year_start, months_into_year // length * length))

    @property
    def months(self) -> int:
        return MONTHS_IN[self.frequency]

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return add_months(self.start, self.months) - datetime.timedelta(days=1)

    @property
    def financial_year(self) -> int:
        return financial_year_of(self.start)

    @property
    def financial_year_label(self) -> str:
        year = self.financial_year
        return f"{year}-{(year + 1) % 100:02d}"

    @property
    def number(self) -> int:
        """Which quarter, half or month of the financial year (1-based)."""
        months_into_year = (self.start.month - FINANCIAL_YEAR_START_MONTH) % 12
        return months_into_year // self.months + 1

    @property
    def code(self) -> str:
        """A short, sortable label used in imports and exports: 2024-25 Q1, 2024-25 H2, 2024-25, 2024-05."""
        if self.frequency == Frequency.MONTHLY:
            return f"{self.start:%Y-%m}"
        if self.frequency == Frequency.QUARTERLY:
            return f"{self.financial_year_label} Q{self.number}"
        if self.frequency == Frequency.HALF_YEARLY:
            return f"{self.financial_year_label} H{self.number}"
        return self.financial_year_label

    @property
    def label(self) -> str:
        """How people read it: 'Q1 2024-25 (April to June 2024)'."""
        if self.frequency == Frequency.MONTHLY:
            return f"{self.start:%B %Y}"
        span = f"{self.start:%B %Y} to {self.end:%B %Y}"
        if self.start.year == self.end.year:
            span = f"{self.start:%B} to {self.end:%B %Y}"
        if self.frequency == Frequency.ANNUAL:
            return f"{self.financial_year_label} ({span})"
        prefix = "Q" if self.frequency == Frequency.QUARTERLY else "H"
        return f"{prefix}{self.number} {self.financial_year_label} ({span})"

    def __str__(self):
        return self.label

    def previous(self) -> "Period":
        return Period(self.frequency, add_months(self.start, -self.months))

    def next(self) -> "Period":
        return Period(self.frequency, add_months(self.start, self.months))

    def year_earlier(self) -> "Period":
        return Period(self.frequency, add_months(self.start, -12))

    def has_ended(self, today: datetime.date) -> bool:
        return self.end < today


CODE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})$", re.ASCII), Frequency.MONTHLY),
    (re.compile(r"^(\d{4})-(\d{2}) ?Q([1-4])$", re.IGNORECASE | re.ASCII), Frequency.QUARTERLY),
    (re.compile(r"^(\d{4})-(\d{2}) ?H([12])$", re.IGNORECASE | re.ASCII), Frequency.HALF_YEARLY),
]
ANNUAL_PATTERN = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}, not {year}")


def parse_period(code: str, frequency: str) -> Period:
    """Read a period code of the given frequency, as written by ``Period.code``."""
    text = (code or "").strip()
    year_match = re.match(r"^(\d{4})", text, re.ASCII)
    if year_match:
        check_year(int(year_match.group(1)))
    if frequency == Frequency.ANNUAL:
        match = ANNUAL_PATTERN.match(text)
        if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            return Period(frequency, datetime.date(int(match.group(1)), FINANCIAL_YEAR_START_MONTH, 1))
        raise PeriodError(f"Enter the financial year like 2024-25, not '{text}'")
    if frequency == Frequency.MONTHLY:
        match = CODE_PATTERNS[0][0].match(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return Period(frequency, datetime.date(int(match.group(1)), int(match.group(2)), 1))
        raise PeriodError(f"Enter the month like 2024-05, not '{text}'")
    pattern = CODE_PATTERNS[1][0] if frequency == Frequency.QUARTERLY else CODE_PATTERNS[2][0]
    example = "2024-25 Q1" if frequency == Frequency.QUARTERLY else "2024-25 H1"
    match = pattern.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise PeriodError(f"Enter the period like {example}, not '{text}'")
    year, number = int(match.group(1)), int(match.group(3))
    start = add_months(
        datetime.date(year, FINANCIAL_YEAR_START_MONTH, 1), (number - 1) * MONTHS_IN[frequency]
    )
    return Period(frequency, start)


def recent_periods(frequency: str, today: datetime.date, count: int) -> list[Period]:
    """The latest ``count`` periods that have started, newest first."""
    period = Period.containing(frequency, today)
    periods = []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return periods

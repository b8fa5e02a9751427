"""Reading DfE's published CSV files and recognising their layout.

Local-authority statistics come in DfE's tidy layout: the time and geography
columns, one or more breakdown columns, then measure columns (a count and a
percentage or rate). A column whose every cell is a number or a DfE symbol is a
measure column; the others, apart from the standard ones, are breakdowns.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from .models import PublishedFile, Symbol, period_label

TIME_COLUMNS = ["time_period", "geographic_level"]
GEOGRAPHY_COLUMNS = [
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "new_la_code",
]
STANDARD_COLUMNS = set(TIME_COLUMNS + GEOGRAPHY_COLUMNS + ["time_identifier"])
NEIGHBOUR_COLUMNS = ["la num", "la name", "sn1", "sn10"]
SYMBOLS = {symbol.value for symbol in Symbol}
NUMBER = re.compile(r"^-?[\d,]*\.?\d+$")


class PublishedFileError(ValueError):
    """The file cannot be imported: nothing in it is saved."""


@dataclass
class Cell:
    """A measure cell: a number, or one of DfE's symbols."""

    number: Decimal | None = None
    symbol: str = ""


def read_cell(text: str) -> Cell | None:
    """The cell as a number or a symbol, or None if it is neither."""
    text = text.strip()
    if text.lower() in SYMBOLS:
        return Cell(symbol=text.lower())
    if not NUMBER.match(text):
        return None
    try:
        return Cell(number=Decimal(text.replace(",", "")))
    except InvalidOperation:
        return None


@dataclass
class PublishedTable:
    header: list[str]
    rows: list[list[str]]
    kind: str
    breakdown_columns: list[str] = field(default_factory=list)
    measure_columns: list[str] = field(default_factory=list)

    def column(self, name: str) -> int:
        return self.header.index(name)

    def distinct(self, name: str) -> list[str]:
        index = self.column(name)
        return sorted({row[index] for row in self.rows})

    @property
    def years(self) -> list[int]:
        index = self.column("time_period")
        return sorted({int(row[index]) for row in self.rows})

    @property
    def year_labels(self) -> list[str]:
        """The file's time periods as DfE labels them, with what they mean."""
        period = self.column("time_period")
        identifier = self.header.index("time_identifier") if "time_identifier" in self.header else None
        pairs = {(int(row[period]), row[identifier] if identifier is not None else "") for row in self.rows}
        labels = [period_label(year, kind) for year, kind in sorted(pairs)]
        kinds = sorted({kind for _, kind in pairs if kind})
        return [*labels, f"({', '.join(kinds).lower()})"] if kinds else labels


def read_published_file(*, name: str, content: bytes) -> PublishedTable:
    """Read and recognise a published file, or raise PublishedFileError saying what is wrong."""
    limit = settings.PUBLISHED_FILE_MAX_BYTES
    if len(content) > limit:
        raise PublishedFileError(f"The file must be smaller than {limit // (1024 * 1024)} MB")
    if not content.strip():
        raise PublishedFileError("The selected file is empty")
    if not name.lower().endswith(".csv"):
        raise PublishedFileError("The selected file must be a CSV file, as DfE publishes them")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PublishedFileError("The file must be saved as UTF-8, as DfE publishes it") from None
    records = _read_records(text)
    if len(records) < 2:
        raise PublishedFileError("The file has no rows of figures, only the column headings")
    header = [cell.strip().lower() for cell in records[0][1]]
    width = len(header)
    while header and not header[-1]:
        header.pop()
    if all(column in header for column in NEIGHBOUR_COLUMNS):
        rows = [[cell.strip() for cell in row[: len(header)]] for _, row in records[1:]]
        return PublishedTable(header=header, rows=rows, kind=PublishedFile.Kind.NEIGHBOURS)
    if "time_period" not in header and "geographic_level" not in header:
        raise PublishedFileError(
            "The file is not in a layout the portal knows: DfE's local-authority files have the "
            "columns time_period and geographic_level, and the groupings file has LA num and SN1 to SN10"
        )
    missing = [column for column in TIME_COLUMNS + GEOGRAPHY_COLUMNS if column not in header]
    if missing:
        raise PublishedFileError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "use the file as DfE publishes it"
        )
    if len(set(header)) != len(header):
        raise PublishedFileError("The file has the same column heading twice")
    rows = []
    for number, (line, row) in enumerate(records[1:], start=2):
        if len(row) != width:
            where = f"Row {number}" if line == number else f"Row {number} (line {line} of the file)"
            if len(row) < width:
                raise PublishedFileError(
                    f"{where} has fewer cells ({len(row)}) than the headings ({width}): the file may "
                    "be cut short, or a cell is missing. Nothing was imported"
                )
            raise PublishedFileError(
                f"{where} has more cells ({len(row)}) than the headings ({width}): a name with a "
                "comma in it must be in quotes. Nothing was imported"
            )
        rows.append([cell.strip() for cell in row[: len(header)]])
    _check_time_periods(header, rows)
    published = PublishedTable(header=header, rows=rows, kind=PublishedFile.Kind.STATISTICS)
    for index, column in enumerate(header):
        if column in STANDARD_COLUMNS:
            continue
        if all(read_cell(row[index]) is not None for row in rows):
            published.measure_columns.append(column)
        else:
            published.breakdown_columns.append(column)
    if not published.measure_columns:
        raise PublishedFileError("The file has no columns of figures: every column has words in it")
    return published


def _read_records(text: str) -> list[tuple[int, list[str]]]:
    """Every record of the file with the line it starts on, blank lines apart.

    Quoted cells may hold commas and line breaks; a quote out of place refuses the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, line = [], 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((line, row))
            line = reader.line_num + 1
    except csv.Error:
        raise PublishedFileError(
            f"Line {line} of the file is not valid CSV (a quote mark out of place): download the file "
            "again from DfE. Nothing was imported"
        ) from None
    return records


def _check_time_periods(header: list[str], rows: list[list[str]]) -> None:
    index = header.index("time_period")
    for number, row in enumerate(rows, start=2):
        if not row[index].isdigit():
            raise PublishedFileError(
                f"Row {number}: the time_period '{row[index]}' is not a year, like 2025 or 202425"
            )

"""Bulk import of figures from CSV or Excel, and export of every figure.

An import is read in full and checked before anything is saved: the preview
shows each row as new, changed, unchanged or an error, and the import is
committed all together or not at all.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import Unit
from .figures import FigureConflict, can_enter_figures_for, figure_save, figure_values_clean, period_errors
from .models import Figure, FigureChange, PerformanceIndicator
from .periods import Period, PeriodError, parse_period

REQUIRED_COLUMNS = ["indicator", "period", "value"]
OPTIONAL_COLUMNS = ["numerator", "denominator", "note", "quality", "source"]
# Columns the export and the template add for people to read; an import ignores them.
READ_ONLY_COLUMNS = [
    "indicator_title",
    "period_label",
    "status",
    "verified_by",
    "verified_at",
    "changes",
    "sent_back",
]
TEMPLATE_COLUMNS = [
    "indicator",
    "indicator_title",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
    "quality",
    "source",
]
EXPORT_COLUMNS = [
    "indicator",
    "indicator_title",
    "period",
    "period_label",
    "value",
    "numerator",
    "denominator",
    "note",
    "quality",
    "source",
    "status",
    "verified_by",
    "verified_at",
    "changes",
    "sent_back",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES = {"yes", "y", "1", "true"}
NO = {"no", "n", "0", "false"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class ImportRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    raw: dict
    indicator: PerformanceIndicator | None = None
    period: Period | None = None
    values: dict = field(default_factory=dict)
    existing: Figure | None = None
    errors: list[RowError] = field(default_factory=list)
    skipped: bool = False

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        if self.skipped:
            return "skipped"
        if self.existing is None:
            return "new"
        return "unchanged" if self.is_unchanged else "changed"

    @property
    def is_unchanged(self) -> bool:
        existing = self.existing
        return existing is not None and all(
            getattr(existing, name) == value for name, value in self.values.items()
        )

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, message))

    @property
    def replaces_verified(self) -> bool:
        """Saving this row changes a verified figure: it needs verifying again."""
        return self.outcome == "changed" and self.existing.is_verified

    @property
    def old_display(self) -> str:
        if self.existing is None or self.indicator is None:
            return ""
        return self.indicator.format_value(self.existing.value)

    @property
    def new_display(self) -> str:
        if self.indicator is None or "value" not in self.values:
            return ""
        return self.indicator.format_value(self.values["value"])


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def to_save(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome in ("new", "changed")]

    @property
    def counts(self) -> dict[str, int]:
        return {
            outcome: self.count(outcome) for outcome in ("new", "changed", "unchanged", "skipped", "error")
        }

    @property
    def replacing_verified(self) -> list[ImportRow]:
        return [row for row in self.rows if row.replaces_verified]


def read_table(*, name: str, content: bytes) -> list[list[str]]:
    """The file's cells as text, row by row, or ImportFileError saying what is wrong."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024) or 1
        raise ImportFileError(f"The file must be smaller than {limit} MB")
    if not content.strip():
        raise ImportFileError("The selected file is empty")
    lowered = name.lower()
    if lowered.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file must be saved as UTF-8: in Excel, choose 'CSV UTF-8' when saving"
            ) from None
        return [row for row in csv.reader(io.StringIO(text))]
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file")


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) file") from None
    rows = []
    for values in workbook.worksheets[0].iter_rows(values_only=True):
        rows.append([_cell_text(value) for value in values])
    workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y-%m}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def preview_import(*, name: str, content: bytes, user, today: datetime.date | None = None) -> ImportPreview:
    """Read and check every row against the database, saving nothing."""
    today = today or timezone.localdate()
    table = [row for row in read_table(name=name, content=content)]
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    if not table:
        raise ImportFileError("The selected file is empty")
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "start from the template"
        )
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + READ_ONLY_COLUMNS)
    extra = [column or "(a column with no heading)" for column in header if column not in known]
    if extra:
        raise ImportFileError(
            f"The file has columns the portal does not know: {', '.join(extra)}. Remove them"
        )
    if len(set(header)) != len(header):
        raise ImportFileError("The file has the same column heading twice: keep one of each")
    records = [
        ImportRow(number=index, raw=dict(zip(header, [cell.strip() for cell in cells], strict=False)))
        for index, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not records:
        raise ImportFileError("The file has no figures in it, only the column headings")
    indicators = {
        indicator.reference.lower(): indicator
        for indicator in PerformanceIndicator.objects.select_related("objective", "owner").filter(
            objective__strategy__is_current=True
        )
    }
    for row in records:
        _check_row(row, indicators=indicators, user=user, today=today)
    _mark_duplicates(records)
    _attach_existing(records, user=user)
    return ImportPreview(records)


def _decimal(row: ImportRow, column: str) -> Decimal | None:
    text = row.raw.get(column, "").replace(",", "").replace("£", "").replace("%", "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        row.error(column, f"'{row.raw[column]}' is not a number: enter a number, like 12 or 45.5")
        return None
    if not number.is_finite():
        row.error(column, f"'{row.raw[column]}' is not a number: enter a number, like 12 or 45.5")
        return None
    return number


def _check_row(row: ImportRow, *, indicators: dict, user, today: datetime.date) -> None:
    reference = row.raw.get("indicator", "")
    indicator = indicators.get(reference.lower()) or indicators.get(f"pi {reference}".lower())
    if indicator is None:
        row.error(
            "indicator",
            f"There is no indicator '{reference}': use a reference from the template, like PI 2.3",
        )
        return
    row.indicator = indicator
    if indicator.is_computed:
        row.error("indicator", f"{indicator.reference} is counted by the portal: remove this row")
        return
    if not can_enter_figures_for(user, indicator):
        row.error(
            "indicator",
            f"You cannot enter figures for {indicator.reference}: it belongs to {indicator.owner}",
        )
        return
    try:
        row.period = parse_period(row.raw.get("period", ""), indicator.frequency)
    except PeriodError as error:
        row.error(
            "period",
            f"{error} ({indicator.reference} is reported {indicator.get_frequency_display().lower()})",
        )
    else:
        for message in period_errors(indicator=indicator, period=row.period, today=today):
            row.error("period", message)
    if indicator.unit == Unit.YES_NO:
        answer = row.raw.get("value", "").lower()
        value = Decimal(1) if answer in YES else Decimal(0) if answer in NO else None
        if answer and value is None:
            row.error("value", f"'{row.raw['value']}' is not yes or no: enter yes or no")
    else:
        value = _decimal(row, "value")
    numerator, denominator = _decimal(row, "numerator"), _decimal(row, "denominator")
    nothing_given = value is None and numerator is None and denominator is None and not row.raw.get("value")
    if nothing_given and not row.errors:
        row.skipped = True  # a template row left empty
        return
    quality = row.raw.get("quality", "").strip().lower() or Figure.Quality.GOOD
    qualities = {choice.value: choice.value for choice in Figure.Quality} | {
        choice.label.lower(): choice.value for choice in Figure.Quality
    }
    if quality not in qualities:
        row.error(
            "quality",
            f"'{row.raw['quality']}' is not a data quality: enter one of good, provisional, "
            "estimated or incomplete",
        )
    if row.errors:
        return
    try:
        cleaned = figure_values_clean(
            indicator=indicator, value=value, numerator=numerator, denominator=denominator
        )
    except ValidationError as error:
        for column, messages in error.message_dict.items():
            for message in messages:
                row.error(column, message)
        return
    row.values = {
        **cleaned,
        "note": row.raw.get("note", ""),
        "source": row.raw.get("source", ""),
        "quality": qualities[quality],
    }


def _mark_duplicates(rows: list[ImportRow]) -> None:
    seen = {}
    for row in rows:
        if row.indicator is None or row.period is None:
            continue
        key = (row.indicator.pk, row.period)
        if key in seen:
            row.error(
                "period",
                f"Row {row.number} repeats row {seen[key]} ({row.indicator.reference}, "
                f"{row.period.code}): keep one of them",
            )
        else:
            seen[key] = row.number


def _attach_existing(rows: list[ImportRow], *, user) -> None:
    wanted = [row for row in rows if row.indicator is not None and row.period is not None]
    existing = {
        (figure.indicator_id, figure.frequency, figure.period_start): figure
        for figure in Figure.objects.filter(indicator_id__in={row.indicator.pk for row in wanted})
    }
    for row in wanted:
        row.existing = existing.get((row.indicator.pk, row.period.frequency, row.period.start))
        changes_it = row.existing and row.values and not row.is_unchanged
        if changes_it and not row.existing.can_be_changed_by(user):
            row.error(
                "value",
                f"The {row.period.code} figure for {row.indicator.reference} has been verified: "
                "ask the corporate parenting officer to change it",
            )


@transaction.atomic
def commit_import(*, name: str, content: bytes, user, submit: bool) -> ImportPreview:
    """Check the file again and save every new or changed figure, or nothing."""
    preview = preview_import(name=name, content=content, user=user)
    if not preview.is_valid:
        return preview
    try:
        for row in preview.to_save:
            figure_save(
                indicator=row.indicator,
                period=row.period,
                user=user,
                values=row.values,
                expected_version=row.existing.version if row.existing else None,
                event=FigureChange.Event.IMPORTED,
                submit=submit,
            )
    except (FigureConflict, ValidationError, PermissionDenied):
        # Leaving the atomic block with an exception undoes every row saved so far.
        raise ImportFileError(
            "Someone changed these figures while the file was being imported, so nothing was saved: "
            "upload it again"
        ) from None
    return preview


def safe_cell(value) -> str:
    """Text for a spreadsheet cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def export_rows(figures) -> list[list[str]]:
    rows = [EXPORT_COLUMNS]
    for figure in figures:
        indicator = figure.indicator
        value = ("yes" if figure.value else "no") if indicator.unit == Unit.YES_NO else _number(figure.value)
        rows.append(
            [
                indicator.reference,
                safe_cell(indicator.title),
                figure.period.code,
                figure.period.label,
                value,
                _number(figure.numerator),
                _number(figure.denominator),
                safe_cell(figure.note),
                figure.quality,
                safe_cell(figure.source),
                figure.status,
                safe_cell(figure.verified_by.display_name if figure.verified_by else ""),
                figure.verified_at.isoformat() if figure.verified_at else "",
                str(figure.change_count),
                "yes" if figure.was_sent_back else "no",
            ]
        )
    return rows


def template_rows(indicators, *, today: datetime.date) -> list[list[str]]:
    rows = [TEMPLATE_COLUMNS]
    for indicator in indicators:
        period = Period.containing(indicator.frequency, today).previous()
        rows.append(
            [indicator.reference, safe_cell(indicator.title), period.code, "", "", "", "", "good", ""]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[str]], *, sheet_title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Bulk import of figures from CSV or Excel, and export of every figure.

An import is read in full and checked before anything is saved: the preview
shows each row as new, changed, unchanged or an error, and the import is
committed all together or not at all.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.inputs import NumberError, control_character_error, parse_number
from outbox.services import job_schedule

from .breakdown_imports import (
    MAX_BREAKDOWN_COLUMNS,
    breakdown_columns,
    breakdown_export_columns,
    breakdown_export_rows,
    breakdown_template_rows,
    rows_attach_groups,
    rows_mark_breakdowns,
)
from .checks import UnusualChange, unusual_change
from .choices import Unit
from .figures import FigureConflict, can_enter_figures_for, figure_save, figure_values_clean, period_errors
from .forms import FigureForm
from .models import Figure, FigureChange, FigureUpload, PerformanceIndicator
from .periods import Period, PeriodError, parse_period
from .states import indicator_state_refresh

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
# The longest text a cell may hold: the note's limit, with room to spare. A longer
# cell is refused as the file is read, before anything else is looked at.
MAX_CELL_CHARACTERS = 5000
MAX_COLUMNS = len(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + READ_ONLY_COLUMNS) + MAX_BREAKDOWN_COLUMNS
# The preview stops checking after this many rows with errors.
MAX_ERROR_ROWS = 100
# The same limits as the figure form, so whatever the form refuses the import refuses too.
TEXT_LIMITS = {name: FigureForm.base_fields[name].max_length for name in ("note", "source")}
NUMBER_FIELD = Figure._meta.get_field("value")
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
    """One row of a figures file as written, and what the portal read from it."""

    VERSION = 1

    number: int  # as the spreadsheet numbers it: the header is row 1
    raw: dict
    indicator: PerformanceIndicator | None = None
    period: Period | None = None
    values: dict = field(default_factory=dict)
    existing: Figure | None = None
    errors: list[RowError] = field(default_factory=list)
    skipped: bool = False
    # The previous period's figure, from the file or else the portal, for "Is this right?".
    previous: Figure | None = None
    # A row giving one group's part of a figure: (dimension column, group as written).
    breakdown: tuple[str, str] | None = None
    group: object | None = None  # the BreakdownGroup it names
    group_parts: dict = field(default_factory=dict)
    # On a total row: its groups' parts from the file (None when the file gives none), and the saved ones.
    group_values: dict | None = None
    existing_groups: dict = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        if self.skipped:
            return "skipped"
        if self.breakdown is not None:
            return "group"  # saved with its figure's total row
        if self.existing is None:
            return "new"
        return "unchanged" if self.is_unchanged else "changed"

    @property
    def is_unchanged(self) -> bool:
        existing = self.existing
        return (
            existing is not None
            and all(getattr(existing, name) == value for name, value in self.values.items())
            and (self.group_values is None or self.group_values == self.existing_groups)
        )

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, message))

    @property
    def reference_as_written(self) -> str:
        """The indicator reference exactly as the file gives it."""
        return self.raw.get("indicator", "")

    @property
    def period_as_written(self) -> str:
        """The period exactly as the file gives it."""
        return self.raw.get("period", "")

    @property
    def figure_as_read(self) -> str:
        """The figure as the portal read it, the way it will be stored and shown."""
        if not self.values or self.indicator is None:
            text = self.raw.get("value", "")
            if self.raw.get("numerator") or self.raw.get("denominator"):
                text += f" ({self.raw.get('numerator', '')} of {self.raw.get('denominator', '')})"
            return text
        indicator = self.indicator
        text = indicator.format_value(self.values["value"])
        if self.values.get("numerator") is not None:
            text += f" ({_number(self.values['numerator'])} of {_number(self.values['denominator'])})"
        return text

    @property
    def replaces_verified(self) -> bool:
        """Saving this row changes a verified figure: it needs verifying again."""
        return self.outcome == "changed" and self.existing.is_verified

    @property
    def unusual_change(self) -> UnusualChange | None:
        """The row moves its figure far from the previous period's: it is queried before importing."""
        if self.outcome not in ("new", "changed"):
            return None
        return unusual_change(
            indicator=self.indicator, previous=self.previous, value=self.values.get("value")
        )

    @property
    def old_display(self) -> str:
        if self.existing is None or self.indicator is None:
            return ""
        return self.indicator.format_value(self.existing.value)


@dataclass(frozen=True)
class ImportCounts:
    """How many rows of a file fall under each outcome."""

    new: int
    changed: int
    unchanged: int
    skipped: int
    error: int


@dataclass
class ImportPreview:
    """A checked figures file, row by row; it is built again from the stored bytes, never stored."""

    VERSION = 1

    rows: list[ImportRow]
    # True when checking stopped at MAX_ERROR_ROWS rows with errors, before the end of the file.
    stopped_early: bool = False
    error_limit: int = MAX_ERROR_ROWS

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
    def counts(self) -> ImportCounts:
        outcomes = ("new", "changed", "unchanged", "skipped", "error")
        return ImportCounts(**{outcome: self.count(outcome) for outcome in outcomes})

    @property
    def replacing_verified(self) -> list[ImportRow]:
        return [row for row in self.rows if row.replaces_verified]

    @property
    def unusual(self) -> list[ImportRow]:
        return [row for row in self.rows if row.unusual_change is not None]


def read_table(*, name: str, content: bytes) -> list[list[str]]:
    """The file's cells as text, row by row, or ImportFileError saying what is wrong.

    Rows, columns and cells are counted while the file is read, so a file beyond the
    limits is refused as soon as the first cell past a limit is met.
    """
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
        return _bounded(_csv_rows(text))
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file")


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error:
        raise ImportFileError(
            f"Row {reader.line_num} cannot be read: check its quotes, and that no cell holds more than "
            f"{MAX_CELL_CHARACTERS:,} characters"
        ) from None


def _bounded(rows, *, padded: bool = False) -> list[list[str]]:
    """The rows in a list, refusing the file at the first row, column or cell past a limit.

    ``padded`` rows (from a spreadsheet) carry empty cells up to the reading width: they
    are cut back to the sheet's widest row.
    """
    table = []
    width = 0
    for number, cells in enumerate(rows, start=1):
        if number > settings.IMPORT_MAX_ROWS + 1:
            raise ImportFileError(
                f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows: split it into smaller files"
            )
        used = len(cells)
        while used and not cells[used - 1]:
            used -= 1
        if used > MAX_COLUMNS:
            raise ImportFileError(
                f"Row {number} has more than {MAX_COLUMNS} columns: keep only the template's columns"
            )
        for cell in cells:
            if len(cell) > MAX_CELL_CHARACTERS:
                raise ImportFileError(
                    f"Row {number} has a cell of more than {MAX_CELL_CHARACTERS:,} characters: "
                    "shorten it (a note can have up to 2,000)"
                )
        width = max(width, used)
        table.append(cells)
    if padded:
        table = [cells[:width] + [""] * (width - len(cells[:width])) for cells in table]
    return table


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The sheet's declared size, when it has one, refuses a sheet reaching column XFD
        # before a single row is read.
        if sheet.max_column is not None and sheet.max_column > MAX_COLUMNS:
            raise ImportFileError(
                f"The sheet has more than {MAX_COLUMNS} columns: keep only the template's columns"
            )
        if sheet.max_row is not None and sheet.max_row > settings.IMPORT_MAX_ROWS + 1:
            raise ImportFileError(
                f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows: split it into smaller files"
            )
        rows = (
            [_cell_text(value) for value in values]
            for values in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        )
        return _bounded(rows, padded=True)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) file") from None
    finally:
        if "workbook" in locals():
            workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y-%m}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def preview_import(
    *, name: str, content: bytes, user, today: datetime.date | None = None, first_row: int = 2
) -> ImportPreview:
    """Read and check every row against the database, saving nothing.

    Rows are numbered as a spreadsheet numbers them, the first figure being row 2 under the
    header; a batch sent to the API numbers its first figure 1 (``first_row``).
    """
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
    dimensions = breakdown_columns()
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + READ_ONLY_COLUMNS) | set(dimensions)
    extra = [column or "(a column with no heading)" for column in header if column not in known]
    if extra:
        raise ImportFileError(
            f"The file has columns the portal does not know: {', '.join(extra)}. Remove them"
        )
    if len(set(header)) != len(header):
        raise ImportFileError("The file has the same column heading twice: keep one of each")
    records = [
        ImportRow(number=index, raw=dict(zip(header, [cell.strip() for cell in cells], strict=False)))
        for index, cells in enumerate(table[1:], start=first_row)
        if any(cell.strip() for cell in cells)
    ]
    if not records:
        raise ImportFileError("The file has no figures in it, only the column headings")
    rows_mark_breakdowns(records, columns=[column for column in header if column in dimensions])
    indicators = {
        indicator.reference.lower(): indicator
        for indicator in PerformanceIndicator.objects.select_related("objective", "owner").filter(
            objective__strategy__is_current=True
        )
    }
    error_rows = 0
    checked = []
    for row in records:
        _check_row(row, indicators=indicators, user=user, today=today)
        checked.append(row)
        error_rows += bool(row.errors)
        if error_rows >= MAX_ERROR_ROWS:
            break
    _mark_duplicates(checked)
    _attach_existing(checked, user=user)
    rows_attach_groups(checked, dimensions=dimensions, user=user)
    return ImportPreview(checked, stopped_early=len(checked) < len(records))


def _decimal(row: ImportRow, column: str) -> Decimal | None:
    try:
        return parse_number(
            row.raw.get(column, ""),
            max_digits=NUMBER_FIELD.max_digits,
            decimal_places=NUMBER_FIELD.decimal_places,
        )
    except NumberError as error:
        message = str(error)
        row.error(column, f"'{row.raw[column]}' is not a number: {message[0].lower()}{message[1:]}")
        return None


def _check_text(row: ImportRow) -> None:
    for column, text in row.raw.items():
        message = control_character_error(text)
        if message:
            row.error(column, message)
    for column, limit in TEXT_LIMITS.items():
        length = len(row.raw.get(column, ""))
        if length > limit:
            row.error(column, f"Shorten the {column} to {limit:,} characters or fewer (it has {length:,})")


def _check_row(row: ImportRow, *, indicators: dict, user, today: datetime.date) -> None:
    _check_text(row)
    if row.errors:
        return
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
    if row.breakdown is not None:
        # A group's part is checked against its unit and its total once every row is read.
        row.group_parts = {"value": value, "numerator": numerator, "denominator": denominator}
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
    longest_source = Figure._meta.get_field("source").max_length
    if len(row.raw.get("source", "")) > longest_source:
        row.error("source", f"Enter a source of {longest_source} characters or fewer")
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
        key = (
            row.indicator.pk,
            row.period,
            row.breakdown and row.breakdown[0],
            row.breakdown and row.breakdown[1].lower(),
        )
        if key in seen:
            row.error(
                "period",
                f"Row {row.number} repeats row {seen[key]} ({row.indicator.reference}, "
                f"{row.period.code}): keep one of them",
            )
        else:
            seen[key] = row.number


def _attach_existing(rows: list[ImportRow], *, user) -> None:
    wanted = [
        row for row in rows if row.indicator is not None and row.period is not None and row.breakdown is None
    ]
    existing = {
        (figure.indicator_id, figure.frequency, figure.period_start): figure
        for figure in Figure.objects.filter(indicator_id__in={row.indicator.pk for row in wanted})
    }
    in_file = {
        (row.indicator.pk, row.period.frequency, row.period.start): row
        for row in wanted
        if not row.errors and row.values.get("value") is not None
    }
    for row in wanted:
        row.existing = existing.get((row.indicator.pk, row.period.frequency, row.period.start))
        before = row.period.previous()
        key = (row.indicator.pk, before.frequency, before.start)
        if key in in_file:
            row.previous = Figure(
                indicator=row.indicator,
                frequency=before.frequency,
                period_start=before.start,
                value=in_file[key].values["value"],
            )
        else:
            row.previous = existing.get(key)
        changes_it = row.existing and row.values and not row.is_unchanged
        if changes_it and not row.existing.can_be_changed_by(user):
            row.error(
                "value",
                f"The {row.period.code} figure for {row.indicator.reference} has been verified: "
                "ask the corporate parenting officer to change it",
            )


def upload_create(*, user, filename: str, content: bytes) -> FigureUpload:
    """Keep a file that passed its first check, so its preview and its import read the same bytes."""
    upload = FigureUpload(uploaded_by=user, filename=filename[:255], content=content)
    upload.full_clean()
    upload.save()
    return upload


def upload_mark_imported(*, upload: FigureUpload) -> None:
    """Record that a file imported on the spot has been imported, so its preview closes."""
    upload.imported_at = timezone.now()
    upload.full_clean()
    upload.save(update_fields=["imported_at"])


def import_request(*, upload: FigureUpload, preview: ImportPreview, submit: bool) -> None:
    """Queue the import of a checked file with many figures; its page shows how it goes."""
    updated = FigureUpload.objects.filter(pk=upload.pk, state=FigureUpload.State.CHECKED).update(
        state=FigureUpload.State.IMPORTING, submit_figures=submit, figures_to_save=len(preview.to_save)
    )
    if updated:
        job_schedule(task="indicators.tasks.import_figures", arguments={"upload_id": upload.pk})


def import_run(*, upload_id: int) -> FigureUpload:
    """Import a queued file all together or not at all, recording the outcome on the upload.

    Idempotent: a file already imported or refused is left as it is.
    """
    with transaction.atomic():
        upload = FigureUpload.objects.select_for_update().select_related("uploaded_by").get(pk=upload_id)
        if upload.state != FigureUpload.State.IMPORTING:
            return upload
        try:
            preview = commit_import(
                name=upload.filename,
                content=bytes(upload.content),
                user=upload.uploaded_by,
                submit=upload.submit_figures,
            )
        except ImportFileError as error:
            upload.state, upload.outcome = FigureUpload.State.FAILED, str(error)[:300]
        else:
            if preview.is_valid:
                saved = len(preview.to_save)
                upload.state, upload.imported_at = FigureUpload.State.IMPORTED, timezone.now()
                unchanged = preview.count("unchanged")
                upload.outcome = f"{saved} figure{'s' if saved != 1 else ''} imported; {unchanged} unchanged."
            else:
                upload.state = FigureUpload.State.FAILED
                upload.outcome = (
                    "The figures changed since the file was checked, so nothing was saved: upload it again"
                )
        upload.save(update_fields=["state", "outcome", "imported_at"])
    return upload


def import_failed(*, upload_id: int) -> None:
    """A job that stopped unexpectedly leaves the file refused, not importing for ever."""
    FigureUpload.objects.filter(pk=upload_id, state=FigureUpload.State.IMPORTING).update(
        state=FigureUpload.State.FAILED,
        outcome="The import could not finish, so nothing was saved: upload it again",
    )


@transaction.atomic
def commit_import(*, name: str, content: bytes, user, submit: bool, first_row: int = 2) -> ImportPreview:
    """Check the file again and save every new or changed figure, or nothing."""
    preview = preview_import(name=name, content=content, user=user, first_row=first_row)
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
                refresh_state=False,
                group_values=row.group_values,
            )
        indicator_state_refresh(indicator_ids=[row.indicator.pk for row in preview.to_save])
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
    """Every figure, each followed by its groups' rows (the breakdown columns come last)."""
    figures = list(figures)
    columns = breakdown_export_columns(figures)
    rows = [EXPORT_COLUMNS + columns]
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
                *[""] * len(columns),
            ]
        )
        rows += breakdown_export_rows(
            figure, columns=columns, width=len(EXPORT_COLUMNS), number=_number, cell=safe_cell
        )
    return rows


def template_rows(indicators, *, today: datetime.date) -> list[list[str]]:
    """A row per indicator for the last period, and under it a row per group of its breakdowns."""
    indicators = list(indicators)
    columns = breakdown_export_columns([], indicators=indicators)
    rows = [TEMPLATE_COLUMNS + columns]
    for indicator in indicators:
        period = Period.containing(indicator.frequency, today).previous()
        total = [indicator.reference, safe_cell(indicator.title), period.code, "", "", "", "", "good", ""]
        rows.append(total + [""] * len(columns))
        rows += breakdown_template_rows(
            indicator, total=total[:3], columns=columns, width=len(TEMPLATE_COLUMNS)
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

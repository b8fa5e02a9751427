"""Published local-authority statistics (DfE) and what the council is compared with.

A published file is imported through mappings: each mapping (a ``PublishedMeasure``)
says which rows and columns of a file give one measure. A mapping belongs to the
files it was mapped from (their kind, the file name without its years), and is
reused for every later edition of them.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from indicators.choices import Polarity


class MeasureUnit(models.TextChoices):
    """What a published figure is. The first three share their values with indicators' units."""

    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
    COUNT = "count", "Count"
    AVERAGE = "average", "Average (a mean score)"
    RATIO = "ratio", "Ratio"


class TimeIdentifier(models.TextChoices):
    """DfE's time_identifier: what a time_period means. Figures compare only within one meaning."""

    REPORTING_YEAR = "Reporting year", "Reporting year"
    FINANCIAL_YEAR = "Financial year", "Financial year"
    ACADEMIC_YEAR = "Academic year", "Academic year"
    CALENDAR_YEAR = "Calendar year", "Calendar year"
    MARCH_31 = "31 March", "31 March"
    SPRING_TERM = "Spring term", "Spring term"
    AUTUMN_TERM = "Autumn term", "Autumn term"
    AUTUMN_AND_SPRING_TERM = "Autumn and spring term", "Autumn and spring term"
    TAX_YEAR = "Tax year", "Tax year"


def period_label(time_period: int, time_identifier: str = "") -> str:
    """A time period as DfE labels it: 2024/25 for an academic year, 2024-25 for a financial
    year, 2025 for a calendar or reporting year, 31 March 2025 for a count on that day."""
    text = str(time_period)
    identifier = (time_identifier or "").strip().lower()
    if len(text) == 6:
        start, end = text[:4], text[4:]
        if identifier in ("academic year", "autumn term", "spring term", "autumn and spring term"):
            return f"{start}/{end}"
        return f"{start}-{end}"
    if identifier == "31 march":
        return f"31 March {text}"
    return text


def period_end_year(time_period: int) -> int:
    """The calendar year a time period ends in: 202425 ends in 2025."""
    text = str(time_period)
    return int(text[:4]) + 1 if len(text) == 6 else time_period


def file_kind(filename: str) -> str:
    """What kind of file a published file is: its name without folders, years, copies and extension.

    DfE keeps a file's name from one edition to the next, apart from the years in it
    (``b1_children_in_need_2013_to_2025.csv``), so the kind follows a file's editions.
    """
    stem = re.split(r"[\\/]", filename)[-1].lower()
    stem = re.sub(r"\.csv$", "", stem)
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    stem = re.sub(r"(?<![a-z])\d{4}(\d{2})?(_to_\d{4}(\d{2})?)?(?![a-z0-9])", "", stem)
    stem = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    return stem or "published"


class Symbol(models.TextChoices):
    """The symbols DfE prints instead of a number. None of them is a zero."""

    SUPPRESSED = "c", "c: suppressed to protect confidentiality"
    NOT_APPLICABLE = "z", "z: not applicable"
    ROUNDS_TO_ZERO = "k", "k: rounds to zero, but is not zero"
    NOT_AVAILABLE = "x", "x: not available"
    LOW_RELIABILITY = "u", "u: low reliability"
    LOW = "low", "low: a small rate, above zero"


class GeographicLevel(models.TextChoices):
    NATIONAL = "National", "England"
    REGIONAL = "Regional", "Region"
    LOCAL_AUTHORITY = "Local authority", "Local authority"


class PublishedFile(models.Model):
    """A published statistics file as it was uploaded, kept so preview and import read the same bytes."""

    class Kind(models.TextChoices):
        STATISTICS = "statistics", "Local-authority statistics"
        NEIGHBOURS = "neighbours", "Statistical neighbour groupings"

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    columns = models.JSONField(help_text="The file's column headings, in order.")
    row_count = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.filename

    @property
    def layout_signature(self) -> str:
        return layout_signature(self.columns)


def layout_signature(columns: list[str]) -> str:
    """Files with the same columns share a layout, whatever order the columns come in."""
    return ",".join(sorted(column.strip().lower() for column in columns if column.strip()))


# The portal's standard breakdown dimensions and, where fixed, their groups' codes. A mapping by
# one of a file's breakdown columns stores each group by its code, as text, so a figure by group
# for the council can be set beside England's and the region's for the same group.
STANDARD_GROUPS: dict[str, tuple[str, ...] | None] = {
    "age-band": ("under-1", "1-4", "5-9", "10-15", "16-plus"),
    "sex": ("male", "female"),
    "ethnicity": None,
    "uasc": None,
}
GROUP_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# A group's code is stored on each figure (PublishedValue.group), which holds this many characters.
GROUP_CODE_MAX_LENGTH = 40


def breakdown_problems(column: str, dimension: str, groups) -> dict[str, str]:
    """What is wrong with a mapping's breakdown (by field), or nothing: see PublishedMeasure."""
    if not column and not dimension and not groups:
        return {}
    problems = {}
    if not column:
        problems["breakdown_column"] = "Select the column that gives the groups, or remove the breakdown"
    if not GROUP_CODE.match(dimension or ""):
        problems["breakdown_dimension"] = (
            "Enter the dimension's code in lower-case letters, digits and hyphens, such as age-band or sex"
        )
    if not isinstance(groups, dict) or not groups:
        problems["breakdown_groups"] = "Map each of the column's values to a group's code, such as male"
        return problems
    fixed = STANDARD_GROUPS.get(dimension)
    for label, code in groups.items():
        if not isinstance(label, str) or not isinstance(code, str):
            problems["breakdown_groups"] = "Map each value to a group's code, both as text"
        elif code and not GROUP_CODE.match(code):
            problems["breakdown_groups"] = (
                f"The group for '{label}' must be a code in lower-case letters, digits and hyphens "
                "(or blank for the total)"
            )
        elif len(code) > GROUP_CODE_MAX_LENGTH:
            problems["breakdown_groups"] = (
                f"The group for '{label}' must be {GROUP_CODE_MAX_LENGTH} characters or fewer"
            )
        elif code and fixed is not None and code not in fixed:
            problems["breakdown_groups"] = (
                f"The group for '{label}' must be one of {dimension}'s groups: {', '.join(fixed)}"
            )
        if "breakdown_groups" in problems:
            break
    else:
        codes = list(groups.values())
        if len(codes) != len(set(codes)):
            problems["breakdown_groups"] = "Map each value to a different group: two values share one"
    return problems


class PublishedMeasureQuerySet(models.QuerySet):
    def active(self):
        """Mappings in use: a retired mapping's figures leave every page and report card."""
        return self.filter(retired_at__isnull=True)

    def totals(self):
        """Mappings of a measure for everyone; a mapping by group feeds the figures by group only."""
        return self.filter(breakdown_column="")


class PublishedMeasure(models.Model):
    """A mapping: which rows and columns of a kind of file give one measure, reused for its editions."""

    title = models.CharField(max_length=300)
    layout_signature = models.TextField(db_index=True)
    file_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="The kinds of file (names without years) the mapping was made from or has imported.",
    )
    row_filters = models.JSONField(
        default=dict, blank=True, help_text="Breakdown column → value picking the measure's rows."
    )
    count_filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="Breakdown column → value picking the rows that give the count, if not the measure's.",
    )
    total_filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="Breakdown column → value picking the rows that give the denominator, if any.",
    )
    count_column = models.CharField(max_length=100, blank=True)
    denominator_column = models.CharField(max_length=100, blank=True)
    value_column = models.CharField(max_length=100)
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices)
    scale = models.CharField(
        max_length=100, blank=True, help_text="For an average: the scale of the score, such as 0 to 40."
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    time_identifier = models.CharField(
        max_length=40, blank=True, help_text="What the measure's time periods mean, as DfE says."
    )
    breakdown_column = models.CharField(
        max_length=100,
        blank=True,
        help_text="The file's column that gives the groups, for a measure by group.",
    )
    breakdown_dimension = models.CharField(
        max_length=40,
        blank=True,
        help_text="The groups' dimension, by its code: age-band, sex, ethnicity, uasc.",
    )
    breakdown_groups = models.JSONField(
        default=dict,
        blank=True,
        help_text="Each value of the breakdown column (as DfE labels it) → its group code, blank for total.",
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    catalogue_entry = models.ForeignKey(
        "indicators.CatalogueEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_measures",
    )
    indicator = models.ForeignKey(
        "indicators.PerformanceIndicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_measures",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PublishedMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        problems = breakdown_problems(self.breakdown_column, self.breakdown_dimension, self.breakdown_groups)
        if self.breakdown_column and self.breakdown_column in {
            *self.row_filters,
            *self.count_filters,
            *self.total_filters,
        }:
            problems.setdefault(
                "breakdown_column",
                f"The column {self.breakdown_column} picks the measure's rows already: "
                "a breakdown column gives the groups, so take it out of the filters",
            )
        if problems:
            raise ValidationError(problems)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def has_breakdown(self) -> bool:
        return bool(self.breakdown_column)

    def group_of(self, label: str) -> str | None:
        """The group's code for a value of the breakdown column ("" for the total), or None if unmapped."""
        return self.breakdown_groups.get(label) if self.breakdown_column else ""

    def period_label(self, time_period: int) -> str:
        return period_label(time_period, self.time_identifier)

    def format_value(self, value) -> str:
        if value is None:
            return ""
        number = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
        if self.unit == MeasureUnit.PERCENTAGE:
            return f"{number}%"
        if self.unit == MeasureUnit.RATE_PER_10000:
            return f"{number} per 10,000"
        if self.unit == MeasureUnit.AVERAGE and self.scale:
            return f"{number} ({self.scale})"
        return number

    def format_change(self, change) -> str:
        """A change between two years: +7 points, -3 per 10,000, no change."""
        if change is None:
            return ""
        if change == 0:
            return "No change"
        number = f"{abs(change):,.2f}".rstrip("0").rstrip(".")
        unit = {MeasureUnit.PERCENTAGE: " points", MeasureUnit.RATE_PER_10000: " per 10,000"}.get(
            self.unit, ""
        )
        return f"{'+' if change > 0 else '-'}{number}{unit}"

    @property
    def html_id(self) -> str:
        return f"published-{self.pk}"


class DefinitionVersion(models.Model):
    """What a measure meant between two years: DfE changes definitions, and series break there."""

    measure = models.ForeignKey(PublishedMeasure, on_delete=models.CASCADE, related_name="definitions")
    definition = models.TextField()
    valid_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="The first year (time period) it applies to; empty for always."
    )
    valid_to = models.PositiveIntegerField(
        null=True, blank=True, help_text="The last year it applies to; empty while it is current."
    )

    class Meta:
        ordering = ["measure", "valid_from"]

    def __str__(self):
        start = self.valid_from or "the start"
        end = self.valid_to or "now"
        return f"{self.measure} ({start} to {end})"

    def covers(self, time_period: int) -> bool:
        return (self.valid_from is None or self.valid_from <= time_period) and (
            self.valid_to is None or time_period <= self.valid_to
        )


class PublishedValueQuerySet(models.QuerySet):
    def national(self):
        return self.filter(geographic_level=GeographicLevel.NATIONAL)

    def totals(self):
        """Figures for everyone, not for one group."""
        return self.filter(group="")


class PublishedValue(models.Model):
    """One area's published figure for one measure and year. Symbols are kept, never read as zero."""

    # Thousands of rows copied from a published file: the audit log records the import
    # (the file and any year it replaced), not each row.
    audit_skip = True

    measure = models.ForeignKey(PublishedMeasure, on_delete=models.CASCADE, related_name="values")
    source_file = models.ForeignKey(PublishedFile, on_delete=models.PROTECT, related_name="values")
    time_period = models.PositiveIntegerField()
    time_identifier = models.CharField(max_length=40, blank=True)
    geographic_level = models.CharField(max_length=20, choices=GeographicLevel.choices)
    # DfE joins authorities that report together: "E09000021 / E09000027", "314 / 318".
    area_code = models.CharField(max_length=60)
    old_la_code = models.CharField(max_length=30, blank=True)
    area_name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=60, blank=True)
    group = models.CharField(
        max_length=GROUP_CODE_MAX_LENGTH,
        blank=True,
        default="",
        help_text="The group's code, for a measure by group; blank for the total.",
    )
    count = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    count_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    denominator_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    value_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)

    objects = PublishedValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "time_period", "geographic_level", "area_name", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "time_period", "geographic_level", "area_code", "group"],
                name="one_published_value_per_area_year_group",
            )
        ]
        indexes = [models.Index(fields=["measure", "old_la_code"])]

    def __str__(self):
        group = f" ({self.group})" if self.group else ""
        return f"{self.measure} {self.time_period} {self.area_name}{group}"

    @property
    def display(self) -> str:
        """The value as published: the number, or DfE's symbol."""
        if self.value_symbol:
            return self.value_symbol
        return self.measure.format_value(self.value)

    @property
    def symbol_meaning(self) -> str:
        return Symbol(self.value_symbol).label if self.value_symbol else ""

    @property
    def parts_display(self) -> str:
        """'103 of 128', with symbols where DfE withholds a count."""
        count = self.count_symbol or (_whole_or_decimal(self.count) if self.count is not None else "")
        denominator = self.denominator_symbol or (
            _whole_or_decimal(self.denominator) if self.denominator is not None else ""
        )
        if count and denominator:
            return f"{count} of {denominator}"
        return count


def _whole_or_decimal(number) -> str:
    if number % 1:
        return f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"{number:,.0f}"


class MappingChange(models.Model):
    """The history of a mapping: what an officer changed, and how many figures it re-derived."""

    class Action(models.TextChoices):
        EDITED = "edited", "Edited"
        RETIRED = "retired", "Retired"
        RESTORED = "restored", "Brought back"
        DELETED = "deleted", "Deleted"

    measure = models.ForeignKey(
        PublishedMeasure, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    title = models.CharField(max_length=300)
    action = models.CharField(max_length=20, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    values_rederived = models.PositiveIntegerField(default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.title}: {self.get_action_display().lower()}"


class YearReplacement(models.Model):
    """A newer file replaced a measure's published figures for one year."""

    measure = models.ForeignKey(PublishedMeasure, on_delete=models.CASCADE, related_name="replacements")
    time_period = models.PositiveIntegerField()
    replaced_file = models.ForeignKey(
        PublishedFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replacing_file = models.ForeignKey(PublishedFile, on_delete=models.CASCADE, related_name="replacements")
    values_replaced = models.PositiveIntegerField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.measure} {self.time_period}: {self.replaced_file} replaced by {self.replacing_file}"


class StatisticalNeighbour(models.Model):
    """One of an authority's ten statistical neighbours, nearest first (DfE's groupings)."""

    # Thousands of rows copied from a published file: the audit log records the import
    # (the file and any year it replaced), not each row.
    audit_skip = True

    la_code = models.CharField(max_length=10, help_text="The authority's old (three-digit) code.")
    la_name = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField()
    neighbour_code = models.CharField(max_length=10)
    closeness = models.CharField(max_length=50, blank=True)
    source_file = models.ForeignKey(PublishedFile, on_delete=models.PROTECT, related_name="neighbours")

    class Meta:
        ordering = ["la_code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["la_code", "rank"], name="one_neighbour_per_rank"),
        ]

    def __str__(self):
        return f"{self.la_name} neighbour {self.rank}: {self.neighbour_code}"

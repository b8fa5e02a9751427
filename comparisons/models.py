"""Published local-authority statistics (DfE) and what the council is compared with.

A published file is imported through mappings: each mapping (a ``PublishedMeasure``)
says which rows and columns of a file layout give one measure, and is reused for
every later file in the same layout.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from indicators.choices import Polarity, Unit


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


class PublishedMeasure(models.Model):
    """A mapping: which rows and columns of a file layout give one measure, reused for later files."""

    title = models.CharField(max_length=300)
    layout_signature = models.TextField(db_index=True)
    row_filters = models.JSONField(help_text="Breakdown column → value picking the measure's rows.")
    total_filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="Breakdown column → value picking the rows whose count is the denominator, if any.",
    )
    count_column = models.CharField(max_length=100)
    denominator_column = models.CharField(max_length=100, blank=True)
    value_column = models.CharField(max_length=100)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
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

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def format_value(self, value) -> str:
        if value is None:
            return ""
        number = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
        if self.unit == Unit.PERCENTAGE:
            return f"{number}%"
        if self.unit == Unit.RATE_PER_10000:
            return f"{number} per 10,000"
        return number

    def format_change(self, change) -> str:
        """A change between two years: +7 points, -3 per 10,000, no change."""
        if change is None:
            return ""
        if change == 0:
            return "No change"
        number = f"{abs(change):,.2f}".rstrip("0").rstrip(".")
        unit = {Unit.PERCENTAGE: " points", Unit.RATE_PER_10000: " per 10,000"}.get(self.unit, "")
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


class PublishedValue(models.Model):
    """One area's published figure for one measure and year. Symbols are kept, never read as zero."""

    # Thousands of rows copied from a published file: the audit log records the import
    # (the file and any year it replaced), not each row.
    audit_skip = True

    measure = models.ForeignKey(PublishedMeasure, on_delete=models.CASCADE, related_name="values")
    source_file = models.ForeignKey(PublishedFile, on_delete=models.PROTECT, related_name="values")
    time_period = models.PositiveIntegerField()
    geographic_level = models.CharField(max_length=20, choices=GeographicLevel.choices)
    area_code = models.CharField(max_length=20)
    old_la_code = models.CharField(max_length=10, blank=True)
    area_name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=20, blank=True)
    count = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    count_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    denominator_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    value_symbol = models.CharField(max_length=5, choices=Symbol.choices, blank=True)

    objects = PublishedValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "time_period", "geographic_level", "area_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "time_period", "geographic_level", "area_code"],
                name="one_published_value_per_area_year",
            )
        ]
        indexes = [models.Index(fields=["measure", "old_la_code"])]

    def __str__(self):
        return f"{self.measure} {self.time_period} {self.area_name}"

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
        count = self.count_symbol or (f"{self.count:,.0f}" if self.count is not None else "")
        denominator = self.denominator_symbol or (
            f"{self.denominator:,.0f}" if self.denominator is not None else ""
        )
        if count and denominator:
            return f"{count} of {denominator}"
        return count


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

"""Breakdowns: the dimensions a figure may be broken down by (age band, ethnicity group, ...),
their groups, the dimensions an indicator is broken down by, and each group's figure.

Kept beside ``models.py`` (which imports it) so the indicator models stay readable.
"""

from django.core.exceptions import ValidationError
from django.db import models

from core.versions import edit_version_field


class BreakdownDimension(models.Model):
    """A way of dividing the children a figure counts, such as age band or UASC status."""

    edit_version = edit_version_field()
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text="A short name for the import file's column, in lower case: for example age_band.",
    )
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Dimensions are listed in this order.")
    is_standard = models.BooleanField(
        default=False, help_text="One of the Department for Education's standard breakdowns."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        # The code is a column of the figures' import file, so it cannot be one of the file's own.
        from .imports import OPTIONAL_COLUMNS, READ_ONLY_COLUMNS, REQUIRED_COLUMNS

        if (self.code or "").lower() in REQUIRED_COLUMNS + OPTIONAL_COLUMNS + READ_ONLY_COLUMNS:
            raise ValidationError(
                {
                    "code": f"The code cannot be {self.code.lower()}: the import file has a column called "
                    f"{self.code.lower()} already. Enter another code, such as {self.code.lower()}_group"
                }
            )


class BreakdownGroup(models.Model):
    """One value of a dimension, such as "Under 1" of age band; one per dimension is "unknown"."""

    edit_version = edit_version_field()
    dimension = models.ForeignKey(BreakdownDimension, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(max_length=40, help_text="How the import file names the group: for example 5-9.")
    label = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_unknown = models.BooleanField(
        "Unknown or not recorded",
        default=False,
        help_text="The group for children whose value was not recorded.",
    )

    class Meta:
        ordering = ["dimension__order", "dimension__name", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_group_code_in_dimension"),
            models.UniqueConstraint(fields=["dimension", "label"], name="unique_group_label_in_dimension"),
            models.UniqueConstraint(
                fields=["dimension"],
                condition=models.Q(is_unknown=True),
                name="one_unknown_group_per_dimension",
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.label}"


class IndicatorDimension(models.Model):
    """A dimension an indicator's figures are broken down by, in the order its pages show them."""

    indicator = models.ForeignKey(
        "indicators.PerformanceIndicator", on_delete=models.CASCADE, related_name="breakdowns"
    )
    dimension = models.ForeignKey(BreakdownDimension, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "dimension__order", "dimension__name"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "dimension"], name="unique_indicator_dimension")
        ]

    def __str__(self):
        return f"{self.indicator} by {self.dimension}"


class CatalogueDimension(models.Model):
    """A standard dimension the Department for Education publishes a national measure by."""

    entry = models.ForeignKey(
        "indicators.CatalogueEntry", on_delete=models.CASCADE, related_name="breakdowns"
    )
    dimension = models.ForeignKey(
        BreakdownDimension, on_delete=models.CASCADE, related_name="catalogue_entries"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "dimension"], name="unique_catalogue_dimension")
        ]

    def __str__(self):
        return f"{self.entry} by {self.dimension}"


class FigureGroupValue(models.Model):
    """One group's part of a figure: its value, or numerator and denominator for a rate.

    It belongs to the figure: entered, imported, verified and sent back with it, and
    recorded in the figure's history.
    """

    figure = models.ForeignKey("indicators.Figure", on_delete=models.CASCADE, related_name="group_values")
    group = models.ForeignKey(BreakdownGroup, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["group__dimension__order", "group__order", "group__pk"]
        constraints = [models.UniqueConstraint(fields=["figure", "group"], name="one_value_per_figure_group")]

    def __str__(self):
        return f"{self.figure} {self.group}"

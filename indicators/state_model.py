"""The indicator read model: where each indicator stands, kept by the writes that change it."""

from django.db import models

from .choices import RagStatus, Trend


class IndicatorState(models.Model):
    """One indicator's current state, read by the dashboards in one query.

    Written by ``indicator_state_refresh`` in the same transaction as every write
    that changes it (figures, targets, tolerance, definition), and again each
    night for what the calendar alone changes (a period ending, a figure falling
    due). ``as_of`` is the day its timeliness was worked out for: a state from an
    earlier day is refreshed before a page shows it. Values are exact; what
    suppression needs (numerators, denominators, statuses) is kept beside them so
    each audience's view is worked out from the row.
    """

    indicator = models.OneToOneField(
        "indicators.PerformanceIndicator", on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    as_of = models.DateField()
    # FIGURE_DUE_DAYS when it was worked out: a state from another setting is out of date too.
    due_days = models.PositiveSmallIntegerField(default=0)
    rag = models.CharField(max_length=20, choices=RagStatus.choices)
    performance = models.CharField(max_length=20, choices=RagStatus.choices)
    timeliness = models.CharField(max_length=40)
    is_overdue = models.BooleanField(default=False)
    # A figure of the periods a status covers is sent back: the organisation is chased for it.
    has_sent_back = models.BooleanField(default=False)
    # The latest ended period: whether a figure is wanted now, and whether it is verified.
    reporting_period_start = models.DateField(null=True, blank=True)
    reporting_verified = models.BooleanField(default=False)
    latest_period_start = models.DateField(null=True, blank=True)
    latest_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    latest_numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    latest_denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    latest_target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    latest_verified_at = models.DateTimeField(null=True, blank=True)
    trend_from_previous = models.CharField(max_length=20, choices=Trend.choices)
    trend_from_year_earlier = models.CharField(max_length=20, choices=Trend.choices)
    # The last eight ended periods, oldest first: each {"start", "value", "numerator",
    # "denominator", "status", "target"}, numbers as strings so they stay exact.
    sparkline = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "indicator state"

    def __str__(self):
        return f"State of indicator {self.indicator_id} as at {self.as_of}"

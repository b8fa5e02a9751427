"""Performance indicators (PIs): what the strategy is measured by."""

from django.db import models
from django.urls import reverse


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
    MONEY = "money", "Money (£)"
    YES_NO = "yes_no", "Yes or no"


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NO_DIRECTION = "none", "Neither higher nor lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half_yearly", "Half-yearly"
    ANNUAL = "annual", "Annual"


class PerformanceIndicatorQuerySet(models.QuerySet):
    def with_details(self):
        return self.select_related("objective", "owner").prefetch_related("actions__objective")

    def owned_by(self, organisation):
        return self.filter(owner=organisation)

    def without_owner(self):
        return self.filter(owner__isnull=True)


class PerformanceIndicator(models.Model):
    objective = models.ForeignKey("objectives.Objective", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(help_text="Order within the objective.")
    actions = models.ManyToManyField(
        "objectives.Action",
        blank=True,
        related_name="indicators",
        help_text="The actions this indicator measures, where the strategy makes that clear.",
    )
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    owner = models.ForeignKey(
        "objectives.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The organisation that provides this indicator's figures.",
    )
    data_source = models.CharField(max_length=300, blank=True)

    objects = PerformanceIndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["objective__number", "position"]
        verbose_name = "performance indicator"
        constraints = [
            models.UniqueConstraint(fields=["objective", "position"], name="unique_indicator_position")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("indicators:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"PI {self.objective.number}.{self.position}"

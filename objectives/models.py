"""The corporate parenting strategy: its aim, values, outcomes, objectives and actions.

The strategy is data. A council loads its own with ``manage.py load_strategy``;
the demo loads Portsmouth's 2006-2009 strategy.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.versions import edit_version_field


class Organisation(models.Model):
    """A council directorate or partner agency that leads actions and owns indicators."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        DIRECTORATE = "directorate", "Council directorate"
        PARTNER = "partner", "Partner agency"
        SCHOOLS = "schools", "Schools"

    key = models.SlugField(max_length=50, unique=True, help_text="Short name used by imports.")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StrategyQuerySet(models.QuerySet):
    def current(self) -> "Strategy | None":
        """The strategy the portal shows: the one marked current, else the latest."""
        return self.order_by("-is_current", "-period_end", "-pk").first()


class Strategy(models.Model):
    """The corporate parenting strategy in force: everything else in the portal belongs to one."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    council = models.CharField(max_length=200)
    period_start = models.PositiveSmallIntegerField(help_text="First year the strategy covers.")
    period_end = models.PositiveSmallIntegerField(help_text="Last year the strategy covers.")
    publication_date = models.CharField(max_length=50, blank=True)
    supported_by = models.TextField(
        blank=True, help_text="Partner agencies that support the strategy, one per line."
    )
    overall_aim = models.TextField()
    outcomes_introduction = models.TextField(blank=True)
    values_and_principles = models.TextField(blank=True)
    key_documents_summary = models.TextField(blank=True)
    board_description = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "strategies"
        permissions = [("manage_strategy", "Can keep the strategy and see what needs attention")]

    def __str__(self):
        return f"{self.title} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"

    @property
    def supporters(self) -> list[str]:
        return [line.strip() for line in self.supported_by.splitlines() if line.strip()]


class StrategySection(models.Model):
    """A narrative part of the strategy, such as its purpose or governance."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField(help_text="Paragraphs separated by a blank line; list items start with '- '.")

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="unique_section_position")
        ]

    def __str__(self):
        return self.heading


class KeyDocument(models.Model):
    """A law, guidance or local plan the strategy names as its basis, listed on the overview."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="key_documents")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="unique_key_document_position")
        ]

    def __str__(self):
        return self.title


class EveryChildMattersOutcome(models.Model):
    """One of the five Every Child Matters outcomes."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = "Every Child Matters outcome"

    def __str__(self):
        return self.name


class Outcome(models.Model):
    """A local outcome for every child, such as one of the 'Portsmouth 8'."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    every_child_matters = models.ManyToManyField(
        EveryChildMattersOutcome, related_name="outcomes", blank=True
    )

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="unique_outcome_position")
        ]

    def __str__(self):
        return self.name


class CorporateParentDuty(models.Model):
    """What every corporate parent must do (Children and Social Work Act 2017)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["strategy", "position"]
        verbose_name_plural = "corporate parent duties"
        constraints = [models.UniqueConstraint(fields=["strategy", "position"], name="unique_duty_position")]

    def __str__(self):
        return self.text


class ObjectiveQuerySet(models.QuerySet):
    # with_progress() annotates actions_<status> for each action status, such as actions_complete.
    def with_progress(self):
        """Objectives with counts of their actions (by status) and indicators."""
        by_status = {
            f"actions_{status}": models.Count(
                "actions", filter=models.Q(actions__status=status), distinct=True
            )
            for status in Action.Status.values
        }
        return self.annotate(
            **by_status,
            action_count=models.Count("actions", distinct=True),
            actions_at_risk_or_off_track=models.Count(
                "actions",
                filter=models.Q(actions__status__in=[Action.Status.AT_RISK, Action.Status.OFF_TRACK]),
                distinct=True,
            ),
            actions_overdue=models.Count(
                "actions",
                filter=models.Q(actions__due_date__lt=timezone.localdate())
                & ~models.Q(actions__status=Action.Status.COMPLETE),
                distinct=True,
            ),
            indicator_count=models.Count("indicators", distinct=True),
        )

    def with_contents(self):
        """Objectives with everything their pages list, in a fixed number of queries."""
        return self.select_related("strategy").prefetch_related(
            "links",
            "indicator_sets",
            models.Prefetch("actions", queryset=Action.objects.select_related("lead")),
            models.Prefetch(
                "indicators",
                queryset=self._indicator_queryset(),
            ),
        )

    @staticmethod
    def _indicator_queryset():
        # Indicators belong to the app above this one: found through the app registry, not imported.
        PerformanceIndicator = apps.get_model("indicators", "PerformanceIndicator")  # noqa: N806
        return PerformanceIndicator.objects.select_related("owner").prefetch_related("actions")


class Objective(models.Model):
    """One of the strategy's numbered promises, measured by indicators and delivered through actions."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    statement = models.TextField()
    links = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="linked_from",
        help_text="Other objectives this one links to, such as 'Link to objective 4'.",
    )

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="unique_objective_number")]

    def __str__(self):
        return f"Objective {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("objectives:detail", kwargs={"number": self.number})


class IndicatorSet(models.Model):
    """A set of indicators kept in another plan that an objective is measured by."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicator_sets")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "position"], name="unique_indicator_set_position")
        ]

    def __str__(self):
        return self.title


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Action.Status.COMPLETE)

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def due_in_strategy_period(self):
        """Due within the years their strategy covers, first to last: a date outside is not its work."""
        return self.filter(
            due_date__year__gte=models.F("objective__strategy__period_start"),
            due_date__year__lte=models.F("objective__strategy__period_end"),
        )

    def without_lead(self):
        return self.filter(lead__isnull=True)

    def led_by(self, organisation):
        return self.filter(lead=organisation)


class Action(models.Model):
    """Work an organisation leads to deliver an objective, with a status the Board follows."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        COMPLETE = "complete", "Complete"

        @property
        def tag_colour(self) -> str:
            return {
                "not_started": "grey",
                "on_track": "blue",
                "at_risk": "orange",
                "off_track": "red",
                "complete": "green",
            }[self.value]

    edit_version = edit_version_field()
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(help_text="Order within the objective.")
    text = models.TextField()
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    due_date = models.DateField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["objective__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "position"], name="unique_action_position")
        ]

    def __str__(self):
        return f"{self.reference} {self.text}"

    def get_absolute_url(self):
        return reverse("objectives:action", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"{self.objective.number}.{self.position}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.COMPLETE and self.due_date is not None and self.due_date < today


class ActionUpdate(models.Model):
    """A dated note of an action's progress; the latest one sets the action's status."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Action.Status.choices)
    note = models.TextField()
    as_of = models.DateField(help_text="The date the update describes.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.action.reference} {self.get_status_display()} on {self.as_of}"

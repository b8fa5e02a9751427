"""Performance indicators (PIs): what the strategy is measured by."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.versions import edit_version_field

from .choices import Computation, Frequency, Polarity, RagStatus, Trend, Unit
from .performance import rag_status, trend
from .periods import Period

__all__ = [
    "BreakdownDimension",
    "BreakdownGroup",
    "CatalogueDimension",
    "Figure",
    "FigureGroupValue",
    "FigureChange",
    "FigureUpload",
    "IndicatorState",
    "Frequency",
    "IndicatorDimension",
    "PerformanceIndicator",
    "Polarity",
    "Target",
    "Unit",
    "format_in_unit",
]


class CatalogueEntry(models.Model):
    """A standard national measure a council can adopt into its strategy as an indicator."""

    code = models.SlugField(max_length=80, unique=True)
    group = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    definition = models.TextField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    counts_children = models.BooleanField(default=True)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["group", "title"]
        verbose_name_plural = "catalogue entries"

    def __str__(self):
        return self.title


def format_in_unit(value, unit: str) -> str:
    """A figure as people read it in its unit: 45.5%, £1,200.00, 12, Yes."""
    if value is None:
        return ""
    if unit == Unit.YES_NO:
        return "Yes" if value else "No"
    if unit == Unit.MONEY:
        return f"£{value:,.2f}"
    number = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if unit == Unit.PERCENTAGE:
        return f"{number}%"
    if unit == Unit.RATE_PER_10000:
        return f"{number} per 10,000"
    return number


class PerformanceIndicatorQuerySet(models.QuerySet):
    def with_details(self):
        return self.select_related("objective", "owner").prefetch_related("actions__objective")

    def owned_by(self, organisation):
        return self.filter(owner=organisation)

    def without_owner(self):
        return self.filter(owner__isnull=True)


class PerformanceIndicator(models.Model):
    """A measure of one objective: how the Board knows whether the strategy is working."""

    # The version of the indicator's targets: the targets form checks it before saving.
    edit_version = edit_version_field()
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
    counts_children = models.BooleanField(
        default=False,
        help_text="Its figures count children or young people, so small numbers are hidden beyond "
        "the officer's own pages.",
    )
    amber_tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How far short of its target a figure may be and still be amber, in the indicator's unit.",
    )
    change_check_percent = models.PositiveSmallIntegerField(
        "Ask to check a figure that moves by more than (%)",
        default=20,
        null=True,
        blank=True,
        help_text="A figure this much higher or lower than the previous period's is queried once "
        "before it is saved. Leave empty never to ask.",
    )
    catalogue_entry = models.ForeignKey(
        CatalogueEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="adoptions"
    )
    disparity_threshold = models.DecimalField(
        "Tell the Board about a group doing worse than all children by more than",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In the indicator's unit (points for a percentage). The bi-annual report lists such "
        "groups. Leave empty not to list any.",
    )
    computation = models.CharField(
        max_length=40,
        blank=True,
        choices=Computation.choices,
        help_text="Leave empty when people enter the figures; otherwise the portal counts them itself.",
    )

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

    def format_value(self, value) -> str:
        """A figure as people read it: 45.5%, £1,200.00, 12, Yes."""
        return format_in_unit(value, self.unit)

    @property
    def has_parts(self) -> bool:
        """Rates and percentages may be entered as a numerator and denominator."""
        return self.unit in (Unit.PERCENTAGE, Unit.RATE_PER_10000)

    def is_kept_by(self, user) -> bool:
        """The officer keeps every indicator; a contributor keeps their organisation's."""
        if user.has_perm("indicators.verify_figure"):
            return True
        return bool(
            user.has_perm("indicators.change_figure")
            and self.owner_id is not None
            and user.enters_figures_for(self.owner_id)
        )

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)

    def rag(self, value, target) -> RagStatus:
        return rag_status(value=value, target=target, polarity=self.polarity, tolerance=self.amber_tolerance)

    def trend(self, current, earlier) -> Trend:
        return trend(current=current, earlier=earlier, polarity=self.polarity)


class PeriodFields(models.Model):
    """The reporting period a figure or target belongs to."""

    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        return Period(self.frequency, self.period_start)

    def set_period(self, period: Period) -> None:
        self.frequency, self.period_start, self.period_end = period.frequency, period.start, period.end


class FigureQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Figure.Status.VERIFIED)

    def visible_to(self, user):
        """Figures a person may open: the officer all, a contributor their organisation's."""
        if user.has_perm("indicators.verify_figure"):
            return self
        if user.has_perm("indicators.change_figure") and user.organisation_id:
            return self.filter(indicator__owner_id=user.organisation_id)
        return self.none()


class Figure(PeriodFields):
    """One indicator's figure for one period, entered by its owner and verified by the officer."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        VERIFIED = "verified", "Verified"
        RETURNED = "returned", "Sent back"

        @property
        def tag_colour(self) -> str:
            return {"draft": "grey", "submitted": "blue", "verified": "green", "returned": "red"}[self.value]

    class Quality(models.TextChoices):
        GOOD = "good", "Complete and checked"
        PROVISIONAL = "provisional", "Provisional"
        ESTIMATED = "estimated", "Estimated"
        INCOMPLETE = "incomplete", "Known to be incomplete"

    indicator = models.ForeignKey(PerformanceIndicator, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    quality = models.CharField(max_length=20, choices=Quality.choices, default=Quality.GOOD)
    source = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "-period_start"]
        permissions = [("verify_figure", "Can verify figures and send them back")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "frequency", "period_start"], name="one_figure_per_indicator_period"
            )
        ]
        indexes = [
            # The officer's verification queue: a few figures among every period's.
            models.Index(
                fields=["indicator"],
                condition=models.Q(status="submitted"),
                name="figure_awaiting_verification",
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.period.code}"

    ALLOWED_TRANSITIONS = {
        (Status.DRAFT, Status.SUBMITTED),
        (Status.RETURNED, Status.SUBMITTED),
        (Status.SUBMITTED, Status.VERIFIED),
        (Status.SUBMITTED, Status.RETURNED),
    }

    def can_move_to(self, status: str) -> bool:
        return (self.status, status) in self.ALLOWED_TRANSITIONS

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    def can_be_changed_by(self, user) -> bool:
        """Once verified, only the officer may change a figure."""
        return not self.is_verified or user.has_perm("indicators.verify_figure")


class FigureChange(models.Model):
    """One entry in a figure's history. Entries are only ever added."""

    class Event(models.TextChoices):
        CREATED = "created", "Entered"
        EDITED = "edited", "Changed"
        IMPORTED = "imported", "Imported"
        SUBMITTED = "submitted", "Submitted"
        VERIFIED = "verified", "Verified"
        RETURNED = "returned", "Sent back"

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="changes")
    event = models.CharField(max_length=20, choices=Event.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_value = models.CharField(max_length=100, blank=True)
    new_value = models.CharField(max_length=100, blank=True)
    old_status = models.CharField(max_length=20, blank=True, choices=Figure.Status.choices)
    new_status = models.CharField(max_length=20, choices=Figure.Status.choices)
    reason = models.TextField(blank=True)
    # The figure's groups after the change ("Age band: Under 1 3, 1 to 4 12; ..."), when it has any.
    new_breakdown = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_event_display()} {self.figure}"


class Target(PeriodFields):
    """What the council aims for in one period; a figure is rated against it."""

    indicator = models.ForeignKey(PerformanceIndicator, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "frequency", "period_start"], name="one_target_per_indicator_period"
            )
        ]

    def __str__(self):
        return f"Target for {self.indicator} {self.period.code}"


class FigureUpload(models.Model):
    """A figures file someone uploaded, kept so the preview and the import read the same bytes.

    A file with many figures is imported by a background job; its state is kept here so
    the page can say how it went.
    """

    class State(models.TextChoices):
        CHECKED = "checked", "Checked"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Not imported"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    imported_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.CHECKED)
    submit_figures = models.BooleanField(default=False)
    figures_to_save = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename


class Reminder(models.Model):
    """A reminder emailed to a contributor about one overdue figure; at most one per period."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(PerformanceIndicator, on_delete=models.CASCADE, related_name="reminders")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "indicator", "frequency", "period_start"], name="one_reminder_per_period"
            )
        ]

    def __str__(self):
        return f"Reminder to {self.recipient} about {self.indicator}"


class OrganisationReminder(models.Model):
    """The officer's "send a reminder now" to one organisation: at most one a day per organisation.

    The row is written with the request and the emails go from a background job,
    which marks it emailed; a retried job finds it marked and sends nothing again.
    """

    organisation = models.ForeignKey(
        "objectives.Organisation", on_delete=models.CASCADE, related_name="figure_reminders"
    )
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    emails_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sent_on"], name="one_organisation_reminder_a_day"
            )
        ]

    def __str__(self):
        return f"Reminder to {self.organisation} on {self.sent_on:%-d %B %Y}"


class SendBackNotification(models.Model):
    """One email telling one contributor a figure was sent back: claimed before sending, marked after.

    Unique per send-back and person, so a retried job never emails anyone twice.
    """

    change = models.ForeignKey(FigureChange, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["change", "recipient"], name="one_send_back_email_per_person")
        ]

    def __str__(self):
        return f"{self.change} emailed to {self.recipient}"


class ReopenRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class ReopenRequest(models.Model):
    """A contributor asking the officer to reopen a verified figure so it can be corrected."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="reopen_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the job that emails the officers, so a repeated job emails nobody again.
    officers_emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ReopenRequestQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["figure"], condition=models.Q(closed_at__isnull=True), name="one_open_reopen_request"
            )
        ]

    def __str__(self):
        return f"Request to reopen {self.figure}"


class EmailClaim(models.Model):
    """One email to one person, claimed before it is sent and marked once it is.

    Each kind is unique per job and recipient, so a retried or redelivered job never emails
    anyone twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-claimed_at"]


class ReopenRequestNotification(EmailClaim):
    """One email telling one officer a contributor asks to reopen a figure."""

    request = models.ForeignKey(ReopenRequest, on_delete=models.CASCADE, related_name="notifications")

    class Meta(EmailClaim.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["request", "recipient"], name="one_reopen_request_email_per_person"
            )
        ]

    def __str__(self):
        return f"{self.request} emailed to {self.recipient}"


class OrganisationReminderNotification(EmailClaim):
    """One reminder email to one contributor."""

    reminder = models.ForeignKey(OrganisationReminder, on_delete=models.CASCADE, related_name="notifications")

    class Meta(EmailClaim.Meta):
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient"], name="one_reminder_email_per_person")
        ]

    def __str__(self):
        return f"{self.reminder} emailed to {self.recipient}"


# The breakdown models live in their own module; importing them here registers them with the app.
from .breakdown_models import (  # noqa: E402
    BreakdownDimension,
    BreakdownGroup,
    CatalogueDimension,
    FigureGroupValue,
    IndicatorDimension,
)
from .profile_models import NeedProfile  # noqa: E402, F401
from .state_model import IndicatorState  # noqa: E402  kept in its own module, registered with this app

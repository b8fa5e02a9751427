"""The Corporate Parenting Board."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class BoardSeatQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def for_page(self):
        return self.select_related("organisation", "person").order_by("-is_chair", "position")


class BoardSeat(models.Model):
    """A place on the Board: the role, the organisation it represents and who holds it."""

    strategy = models.ForeignKey("objectives.Strategy", on_delete=models.CASCADE, related_name="board_seats")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "objectives.Organisation", on_delete=models.PROTECT, related_name="board_seats"
    )
    is_chair = models.BooleanField(default=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_seats",
        help_text="Leave empty while the seat is vacant.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = BoardSeatQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="unique_board_seat_position")
        ]

    def __str__(self):
        return f"{self.role}, {self.organisation}"


class Meeting(models.Model):
    """A meeting of the Corporate Parenting Board, quarterly by default."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Corporate Parenting Board, {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("board:meeting", kwargs={"pk": self.pk})


class EvaluationReport(models.Model):
    """One compiled version of the bi-annual evaluation of the strategy: a frozen snapshot."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    strategy = models.ForeignKey("objectives.Strategy", on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField()
    data_fingerprint = models.CharField(max_length=64)
    compiled_at = models.DateTimeField(default=timezone.now)
    executive_summary = models.TextField(blank=True)
    commentary = models.JSONField(
        default=dict, blank=True, help_text="The officer's commentary by objective number."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )

    class Meta:
        ordering = ["-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period_start", "version"], name="one_report_version_per_period"
            )
        ]

    def __str__(self):
        return f"Evaluation report {self.snapshot['period']['code']}, version {self.version}"

    def get_absolute_url(self):
        return reverse("board:report", kwargs={"pk": self.pk})


class CompileRun(models.Model):
    """A request to compile a report, and the background job's progress on it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = [Status.QUEUED, Status.RUNNING]

    strategy = models.ForeignKey("objectives.Strategy", on_delete=models.CASCADE, related_name="compile_runs")
    period_start = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    report = models.OneToOneField(
        EvaluationReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="compile_run"
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period_start"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_compile_per_period",
            )
        ]

    def __str__(self):
        return f"Compile {self.period_start} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

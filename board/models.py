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

    class MinutesStatus(models.TextChoices):
        NONE = "", "Not written"
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(blank=True)
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, blank=True, default="")
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_approved",
        help_text="The later meeting that approved these minutes.",
    )

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Corporate Parenting Board, {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("board:meeting", kwargs={"pk": self.pk})

    def quorum(self, seat_count: int) -> int:
        """More than a third of the seats, as the board's terms of reference set by default."""
        return seat_count // settings.BOARD_QUORUM_DIVISOR + 1


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

    @property
    def objectives_with_commentary(self) -> list[dict]:
        """The snapshot's objectives, each with the officer's commentary on it."""
        commentary = self.commentary or {}
        return [
            {**objective, "commentary": commentary.get(str(objective["number"]), "")}
            for objective in self.snapshot["objectives"]
        ]


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
    # Written every few seconds while a worker compiles: a run whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # After a transient failure, the run waits in the queue until this time.
    retry_at = models.DateTimeField(null=True, blank=True)
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


class Attendance(models.Model):
    """Who sat in each seat at a meeting: present, sent apologies, or absent."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(BoardSeat, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        ordering = ["seat__position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="one_attendance_per_seat")]

    def __str__(self):
        return f"{self.seat}: {self.get_status_display()}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    document = models.FileField(upload_to="board-papers/%Y/", blank=True)

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text


class BoardActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=BoardAction.Status.OPEN)

    def carried_to(self, meeting: Meeting):
        """Open actions raised at earlier meetings: they stay on every agenda until done."""
        return self.open().filter(raised_at__date__lt=meeting.date).select_related("raised_at")


class BoardAction(models.Model):
    """An entry in the Board's action log."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    text = models.TextField()
    owner = models.CharField(max_length=200, help_text="The person or organisation that will do it.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions_raised")
    completed_on = models.DateField(null=True, blank=True)

    objects = BoardActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.text

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today

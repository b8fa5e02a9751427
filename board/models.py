"""The Corporate Parenting Board."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.versions import edit_version_field
from indicators.choices import Frequency
from indicators.periods import Period

from .snapshot import ReportSnapshot


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

    edit_version = edit_version_field()
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(blank=True)
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, blank=True, default="")
    officers_in_attendance = models.TextField(
        blank=True, help_text="Officers and guests present who do not hold a seat, one a line."
    )
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

    @property
    def has_taken_place(self) -> bool:
        return self.status == self.Status.HELD and self.date <= timezone.localdate()

    def quorum(self, seat_count: int) -> int:
        """More than a third of the seats, as the board's terms of reference set by default."""
        return seat_count // settings.BOARD_QUORUM_DIVISOR + 1


@dataclass(frozen=True)
class ReportHeading:
    """What a report page's heading names, as frozen in its snapshot."""

    council: str
    strategy: str
    period_label: str


class EvaluationReportQuerySet(models.QuerySet):
    def for_heading(self):
        """Without the snapshot, but with the words of its heading: enough for a download or a
        page whose content is kept (see `caching`)."""
        return self.defer("snapshot").annotate(
            heading_council=KT("snapshot__council"),
            heading_strategy=KT("snapshot__strategy"),
            heading_period_label=KT("snapshot__period__label"),
        )

    def first_with_heading(self):
        """The first version in this order, read as `for_heading` does. The heading's words come
        from that version's snapshot alone: ordered and limited in one query, the database would
        read them out of every version's snapshot before choosing one."""
        first = self.values("pk")[:1]
        return self.model.objects.for_heading().filter(pk=models.Subquery(first)).first()

    def for_page(self):
        """Without the snapshot: its pages serve the stored body, and read only the heading's words
        and what tells whether the stored body is still current (`EvaluationReport.words_stamp`)."""
        comments = IndicatorComment.objects.filter(report=models.OuterRef("pk")).order_by().values("report")
        return self.for_heading().annotate(
            comments_count=models.Subquery(comments.annotate(n=models.Count("pk")).values("n")),
            comments_versions=models.Subquery(comments.annotate(n=models.Sum("version")).values("n")),
            comments_updated=models.Subquery(comments.annotate(n=models.Max("updated_at")).values("n")),
        )


class EvaluationReport(models.Model):
    """One compiled version of the bi-annual evaluation of the strategy: a frozen snapshot."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    edit_version = edit_version_field()
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
    commentary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contributors_invited = models.BooleanField(
        default=False,
        help_text="Contributors of each indicator's owning organisation may comment on its row.",
    )
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by_author = models.BooleanField(
        default=False, help_text="Approved by someone who wrote it, where the council has one officer."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    pdf = models.FileField(upload_to="reports/%Y/", blank=True, help_text="The Board paper, rendered once.")
    pdf_status = models.CharField(
        max_length=20, blank=True, help_text="The report's status when its PDF was rendered."
    )
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    objects = EvaluationReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period_start", "version"], name="one_report_version_per_period"
            )
        ]

    def __str__(self):
        return f"Evaluation report {self.half_year.code}, version {self.version}"

    def get_absolute_url(self):
        return reverse("board:report", kwargs={"pk": self.pk})

    @property
    def half_year(self) -> Period:
        """The half-year it evaluates, from the version's own dates: a list need not read its snapshot."""
        return Period(Frequency.HALF_YEARLY, self.period_start)

    @property
    def data(self) -> ReportSnapshot:
        """The frozen snapshot as typed data, whatever version of its shape was stored.

        Read once per stored value: a reload from the database reads the new value again.
        """
        cached = self.__dict__.get("_snapshot_data")
        if cached is None or cached[0] is not self.snapshot:
            cached = (self.snapshot, ReportSnapshot.from_stored(self.snapshot))
            self.__dict__["_snapshot_data"] = cached
        return cached[1]

    @property
    def heading(self) -> ReportHeading:
        """The council, strategy and half-year the snapshot names; read without it when annotated."""
        if hasattr(self, "heading_period_label"):
            return ReportHeading(
                council=self.heading_council or "",
                strategy=self.heading_strategy or "",
                period_label=self.heading_period_label or "",
            )
        data = self.data
        return ReportHeading(council=data.council, strategy=data.strategy, period_label=data.period.label)

    def words_stamp(self) -> str:
        """A digest of everything written on the version that its stored body shows, and its status
        (the officer's body offers comment links on a draft only). Reads the comments once unless
        the queryset's `for_page` did."""
        if not hasattr(self, "comments_count"):
            comments = self.indicator_comments.order_by().aggregate(
                count=models.Count("pk"), versions=models.Sum("version"), updated=models.Max("updated_at")
            )
            self.comments_count, self.comments_versions = comments["count"], comments["versions"]
            self.comments_updated = comments["updated"]
        words = [
            self.status,
            self.executive_summary,
            self.commentary,
            self.comments_count or 0,
            self.comments_versions or 0,
            self.comments_updated.isoformat() if self.comments_updated else "",
        ]
        return hashlib.sha256(json.dumps(words, sort_keys=True).encode()).hexdigest()

    def objective_commentary(self, number: int) -> str:
        return (self.commentary or {}).get(str(number), "")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class IndicatorCommentQuerySet(models.QuerySet):
    def written(self):
        return self.exclude(text="")


class IndicatorComment(models.Model):
    """A comment on one indicator's row of a report: why it moved, what is being done, by whom, by when.

    Each report version has its own comments, so a version's comments are frozen with it; a new
    compile of the same half-year starts from the previous version's comments as a draft.
    """

    report = models.ForeignKey(EvaluationReport, on_delete=models.CASCADE, related_name="indicator_comments")
    reference = models.CharField(max_length=20, help_text="The indicator's reference in the snapshot.")
    text = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = IndicatorCommentQuerySet.as_manager()

    class Meta:
        ordering = ["report", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reference"], name="one_comment_per_report_indicator")
        ]

    def __str__(self):
        return f"Comment on {self.reference}"


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
    deputy = models.CharField(
        max_length=200, blank=True, help_text="Who attends in the seat-holder's place, if anyone."
    )

    class Meta:
        ordering = ["seat__position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="one_attendance_per_seat")]

    def __str__(self):
        return f"{self.seat}: {self.get_status_display()}"


class AgendaItem(models.Model):
    """One item on a meeting's agenda, in order, with the paper the Board reads for it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    document = models.FileField(upload_to="board-papers/%Y/", blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True, help_text="In bytes.")
    document_pages = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a PDF the portal could read; empty otherwise."
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="one_agenda_item_per_position")
        ]

    def __str__(self):
        return self.title

    @property
    def file_type(self) -> str:
        suffix = self.document.name.rsplit(".", 1)[-1].lower() if self.document else ""
        return {"pdf": "PDF", "docx": "Word document", "odt": "OpenDocument text"}.get(suffix, suffix.upper())

    @property
    def is_pdf(self) -> bool:
        return self.file_type == "PDF"


class Decision(models.Model):
    """A decision the Board recorded at a meeting, kept so the minutes and later meetings can cite it."""

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

    class Rag(models.TextChoices):
        """The tracker's status, in words and colour, decided here once."""

        DONE = "done", "Done"
        OVERDUE = "overdue", "Overdue"
        DUE_SOON = "due_soon", "Due within 30 days"
        ON_TRACK = "on_track", "Open, on track"

    RAG_COLOURS = {
        Rag.DONE: "govuk-tag--green",
        Rag.OVERDUE: "govuk-tag--red",
        Rag.DUE_SOON: "govuk-tag--orange",
        Rag.ON_TRACK: "govuk-tag--blue",
    }

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.text

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today

    def rag(self, today=None) -> "BoardAction.Rag":
        today = today or timezone.localdate()
        if self.status == self.Status.DONE:
            return self.Rag.DONE
        if self.is_overdue(today):
            return self.Rag.OVERDUE
        if self.due_date is not None and (self.due_date - today).days <= 30:
            return self.Rag.DUE_SOON
        return self.Rag.ON_TRACK

    @property
    def rag_colour(self) -> str:
        return self.RAG_COLOURS[self.rag()]

    @property
    def latest_update(self):
        """The newest update; uses the prefetched updates when the tracker has fetched them."""
        updates = list(self.updates.all())
        return max(updates, key=lambda update: (update.written_at, update.pk)) if updates else None


class BoardActionUpdate(models.Model):
    """A dated note on an action of the Board: progress, why it is done, or why it was reopened."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        DONE = "done", "Marked as done"
        REOPENED = "reopened", "Reopened"

    action = models.ForeignKey(BoardAction, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    note = models.TextField()
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:40]}"


class ReportRendering(models.Model):
    """A report version's body and CSV for one audience, rendered once and served as stored.

    The body holds the commentary and the indicator comments, so every write that changes
    them renders it again in the same transaction; a digest of those words and the report's
    status when it was rendered is kept too, so a body that missed a write is never served.
    """

    class Audience(models.TextChoices):
        EXACT = "exact", "The officer: exact figures"
        SUPPRESSED = "suppressed", "Everyone else: small numbers hidden"

    report = models.ForeignKey(EvaluationReport, on_delete=models.CASCADE, related_name="renderings")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    html = models.TextField(help_text="The report's body, inside the page's layout.")
    csv = models.TextField(help_text="The report's figures as CSV.")
    exceptions = models.JSONField(
        default=list, blank=True, help_text="The references of the indicators that are exceptions."
    )
    words_stamp = models.CharField(
        max_length=64,
        help_text="The report's words and status when rendered (`EvaluationReport.words_stamp`).",
    )
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["report", "audience"], name="one_rendering_per_report_audience")
        ]

    def __str__(self):
        return f"{self.report}, {self.get_audience_display()}"

    @property
    def body(self) -> SafeString:
        """The stored body, as rendered by the portal's own template (which escaped what people wrote)."""
        return mark_safe(self.html)  # noqa: S308

    def missing_comments(self) -> list[str]:
        """The exceptions with no comment yet, read without the snapshot: one query."""
        comments = IndicatorComment.objects.filter(report_id=self.report_id).written()
        written = set(comments.values_list("reference", flat=True))
        return [reference for reference in self.exceptions if reference not in written]

    def is_current_for(self, report: EvaluationReport) -> bool:
        return self.words_stamp == report.words_stamp()

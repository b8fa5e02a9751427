"""Reads about the Board: report pages (the frozen snapshot beside the comments written on it),
and for people's home pages, the next meeting and the evaluation report due."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from .models import BoardAction, BoardSeat, EvaluationReport, IndicatorComment, Meeting
from .reports import half_year, latest_ended_half_year, may_comment
from .snapshot import IndicatorEntry, ObjectiveEntry


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator's row of a report: its frozen figures and the comment written on them."""

    entry: IndicatorEntry
    comment: IndicatorComment | None
    can_comment: bool

    @property
    def needs_comment(self) -> bool:
        return self.entry.is_exception and not (self.comment and self.comment.text)


@dataclass(frozen=True)
class ObjectiveSection:
    objective: ObjectiveEntry
    commentary: str
    rows: list[IndicatorRow]


def report_comments(report: EvaluationReport) -> dict[str, IndicatorComment]:
    return {comment.reference: comment for comment in report.indicator_comments.all()}


def report_sections(report: EvaluationReport, user=None) -> list[ObjectiveSection]:
    """Each objective of the snapshot with its commentary and each indicator's comment."""
    comments = report_comments(report)
    return [
        ObjectiveSection(
            objective=objective,
            commentary=report.objective_commentary(objective.number),
            rows=[
                IndicatorRow(
                    entry=entry,
                    comment=comments.get(entry.reference),
                    can_comment=user is not None and may_comment(user, report, entry),
                )
                for entry in objective.indicators
            ],
        )
        for objective in report.data.objectives
    ]


def exception_rows(sections: list[ObjectiveSection]) -> list[IndicatorRow]:
    """The exceptions (off target or worsening), in the order of the report."""
    return [row for section in sections for row in section.rows if row.entry.is_exception]


@dataclass(frozen=True)
class PaperCheck:
    label: str
    ready: bool
    detail: str
    url: str = ""


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting
    today: datetime.date
    checklist: list[PaperCheck]

    @property
    def days_to_go(self) -> int:
        return (self.meeting.date - self.today).days

    @property
    def papers_ready(self) -> int:
        return sum(1 for check in self.checklist if check.ready)


def latest_published_report(strategy) -> EvaluationReport | None:
    return (
        EvaluationReport.objects.filter(strategy=strategy, status=EvaluationReport.Status.PUBLISHED)
        .order_by("-period_start", "-version")
        .first_with_heading()
    )


def next_meeting(strategy, *, today: datetime.date | None = None) -> NextMeeting | None:
    """The next scheduled Board meeting with its papers checklist, in a fixed number of queries."""
    today = today or timezone.localdate()
    meeting = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, date__gte=today)
        .annotate(agenda_count=Count("agenda_items"))
        .order_by("date", "pk")
        .first()
    )
    if meeting is None:
        return None
    last = Meeting.objects.filter(status=Meeting.Status.HELD, date__lt=meeting.date).order_by("-date").first()
    report = latest_published_report(strategy)
    open_actions = BoardAction.objects.open().filter(raised_at__date__lt=meeting.date).count()
    checklist = [
        PaperCheck(
            "Agenda",
            meeting.agenda_count > 0,
            f"{meeting.agenda_count} item{'s' if meeting.agenda_count != 1 else ''}"
            if meeting.agenda_count
            else "No agenda items yet",
            meeting.get_absolute_url(),
        ),
        PaperCheck(
            "Latest published evaluation report",
            report is not None,
            half_year(report.period_start).label if report else "No report published yet",
            report.get_absolute_url() if report else "",
        ),
    ]
    if last is not None:
        minutes_ready = last.minutes_status in (Meeting.MinutesStatus.DRAFT, Meeting.MinutesStatus.APPROVED)
        checklist.append(
            PaperCheck(
                "Minutes of the last meeting to approve",
                minutes_ready,
                f"{last.date:%-d %B %Y}: {last.get_minutes_status_display().lower()}",
                last.get_absolute_url(),
            )
        )
    checklist.append(
        PaperCheck(
            "Open actions",
            True,
            f"{open_actions} open action{'s' if open_actions != 1 else ''} to review",
            meeting.get_absolute_url(),
        )
    )
    return NextMeeting(meeting=meeting, today=today, checklist=checklist)


@dataclass(frozen=True)
class ReportDue:
    period_label: str
    period_start: datetime.date
    report: EvaluationReport | None

    @property
    def state(self) -> str:
        return self.report.get_status_display() if self.report else "Not compiled yet"


def report_due(strategy, *, today: datetime.date | None = None) -> ReportDue:
    """The evaluation report for the latest half-year that has ended, and how far it has got."""
    period = latest_ended_half_year(today)
    report = (
        EvaluationReport.objects.filter(strategy=strategy, period_start=period.start)
        .order_by("-version")
        .first_with_heading()
    )
    return ReportDue(period_label=period.label, period_start=period.start, report=report)


def open_actions_owned_by(organisation) -> list[BoardAction]:
    """Open Board actions whose owner names the organisation."""
    if organisation is None:
        return []
    return list(
        BoardAction.objects.open()
        .filter(Q(owner__icontains=organisation.name) | Q(owner__iexact=organisation.key))
        .select_related("raised_at")
        .order_by("due_date", "pk")
    )


def board_member_organisation(user, strategy):
    """The organisation a Board member speaks for: their own, or their seat's."""
    if user.organisation_id:
        return user.organisation
    seat = (
        BoardSeat.objects.filter(strategy=strategy, person=user, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )
    return seat.organisation if seat else None

"""Demo Board records: a year of quarterly meetings either side of today, and two reports."""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Attendance, BoardAction, BoardSeat, CompileRun, Decision, EvaluationReport, Meeting
from .reports import latest_ended_half_year, report_compile

VENUE = "Guildhall, Portsmouth (demo)"


def second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def quarterly_dates(today: datetime.date) -> list[datetime.date]:
    """Meetings in January, April, July and October, from a year ago to six months ahead."""
    dates = []
    for year in (today.year - 1, today.year, today.year + 1):
        for month in (1, 4, 7, 10):
            date = second_tuesday(year, month)
            if today - datetime.timedelta(days=366) <= date <= today + datetime.timedelta(days=183):
                dates.append(date)
    return dates


@transaction.atomic
def board_demo_load(*, strategy, today: datetime.date | None = None) -> int:
    """Add the demo meetings, attendance, minutes, action log and reports, once."""
    today = today or timezone.localdate()
    if Meeting.objects.exists():
        return 0
    seats = list(BoardSeat.objects.filter(strategy=strategy).current())
    meetings = [
        Meeting.objects.create(
            date=date,
            start_time=datetime.time(14, 0),
            venue=VENUE,
            status=Meeting.Status.HELD if date < today else Meeting.Status.SCHEDULED,
        )
        for date in quarterly_dates(today)
    ]
    held = [meeting for meeting in meetings if meeting.status == Meeting.Status.HELD]
    for number, meeting in enumerate(held):
        for index, seat in enumerate(seats):
            away = (index + number) % 4 == 3
            Attendance.objects.create(
                meeting=meeting,
                seat=seat,
                status=Attendance.Status.APOLOGIES if away else Attendance.Status.PRESENT,
            )
        meeting.minutes = (
            "Demo minutes.\n\nThe Board reviewed the action log and the latest performance figures. "
            "Members discussed placement stability and the take-up of health assessments."
        )
        later = held[number + 1] if number + 1 < len(held) else None
        meeting.minutes_status = Meeting.MinutesStatus.APPROVED if later else Meeting.MinutesStatus.DRAFT
        meeting.minutes_approved_at = later
        meeting.save()
        Decision.objects.create(meeting=meeting, text="The Board noted the performance report (demo).")
        BoardAction.objects.create(
            raised_at=meeting,
            text="Report back on the number of care leavers in suitable accommodation (demo)",
            owner="Leaving care service",
            due_date=meeting.date + datetime.timedelta(days=60),
            status=BoardAction.Status.DONE if number < len(held) - 2 else BoardAction.Status.OPEN,
            completed_on=meeting.date + datetime.timedelta(days=50) if number < len(held) - 2 else None,
        )
    latest = latest_ended_half_year(today)
    for period, status in ((latest.previous(), EvaluationReport.Status.PUBLISHED), (latest, None)):
        run = CompileRun.objects.create(strategy=strategy, period_start=period.start)
        report = report_compile(run_id=run.pk)
        if status:
            report.status = status
            report.executive_summary = "Demo report: most indicators are on or near target."
            report.published_at = timezone.now()
            report.meeting = next((m for m in meetings if m.date > period.end), None)
            report.save()
    return len(meetings)

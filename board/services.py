"""Writes to the Board's records."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.versions import version_claim
from objectives.models import Strategy
from objectives.services import StrategyFileError, required, sync_by_position

from .models import Attendance, BoardAction, BoardSeat, Meeting


def board_seats_load(*, strategy: Strategy, organisations: dict, board_data: dict) -> list[BoardSeat]:
    """Create or update the Board's composition (its seats) from a strategy file."""
    seats = []
    items = board_data.get("seats", [])
    for position, item in enumerate(items, start=1):
        where = f"Board seat {position}"
        organisation_key = required(item, "organisation", where)
        if organisation_key not in organisations:
            raise StrategyFileError(f"{where} has an unknown organisation '{organisation_key}'")
        seats.append(
            sync_by_position(
                BoardSeat,
                {"strategy": strategy},
                position,
                {
                    "role": required(item, "role", where),
                    "organisation": organisations[organisation_key],
                    "is_chair": bool(item.get("is_chair", False)),
                },
            )
        )
    BoardSeat.objects.filter(strategy=strategy, position__gt=len(items)).delete()
    return seats


def meeting_quorum(meeting: Meeting) -> dict:
    """Who is present against the quorum for the Board as it is now."""
    seats = BoardSeat.objects.filter(strategy=Strategy.objects.current()).current().count()
    present = meeting.attendance.filter(status=Attendance.Status.PRESENT).count()
    required = meeting.quorum(seats)
    return {"present": present, "required": required, "seats": seats, "quorate": present >= required}


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: dict[int, str]) -> None:
    """Record each seat's attendance; a seat left blank has no record."""
    for seat_id, status in statuses.items():
        if status:
            Attendance.objects.update_or_create(meeting=meeting, seat_id=seat_id, defaults={"status": status})
        else:
            Attendance.objects.filter(meeting=meeting, seat_id=seat_id).delete()


@transaction.atomic
def minutes_save(*, meeting: Meeting, text: str, expected_version: int | None = None) -> None:
    """Save draft minutes; EditConflict if someone saved the meeting since ``expected_version``."""
    current = version_claim(meeting, expected_version=expected_version)
    if current.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("These minutes have been approved and can no longer be changed")
    meeting.minutes = text.strip()
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT if meeting.minutes else Meeting.MinutesStatus.NONE
    meeting.save(update_fields=["minutes", "minutes_status", "edit_version"])


def minutes_approve(*, meeting: Meeting, at_meeting: Meeting) -> None:
    """Minutes are approved at a later meeting of the Board."""
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
        raise ValidationError("Only draft minutes can be approved")
    if at_meeting.date <= meeting.date:
        raise ValidationError("Minutes are approved at a later meeting: choose a meeting after this one")
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = at_meeting
    meeting.save(update_fields=["minutes_status", "minutes_approved_at"])


def board_action_complete(*, action: BoardAction) -> None:
    action.status = BoardAction.Status.DONE
    action.completed_on = timezone.localdate()
    action.save(update_fields=["status", "completed_on"])

"""Writes to the Board's records."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.versions import version_claim
from objectives.models import Strategy
from objectives.services import StrategyFileError, required, sync_by_position

from .models import AgendaItem, Attendance, BoardAction, BoardActionUpdate, BoardSeat, Decision, Meeting


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
def attendance_record(
    *,
    meeting: Meeting,
    statuses: dict[int, str],
    deputies: dict[int, str] | None = None,
    officers_in_attendance: str | None = None,
) -> None:
    """Record each seat's attendance and deputy; a seat left blank has no record."""
    deputies = deputies or {}
    for seat_id, status in statuses.items():
        if status:
            Attendance.objects.update_or_create(
                meeting=meeting,
                seat_id=seat_id,
                defaults={"status": status, "deputy": deputies.get(seat_id, "")},
            )
        else:
            Attendance.objects.filter(meeting=meeting, seat_id=seat_id).delete()
    if officers_in_attendance is not None:
        meeting.officers_in_attendance = officers_in_attendance.strip()
        meeting.save(update_fields=["officers_in_attendance"])


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
    """Minutes are approved at a later meeting of the Board, one that has taken place."""
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
        raise ValidationError("Only draft minutes can be approved")
    if at_meeting.date <= meeting.date:
        raise ValidationError("Minutes are approved at a later meeting: choose a meeting after this one")
    if not at_meeting.has_taken_place:
        raise ValidationError(
            "Minutes are approved at a meeting that has taken place: record that meeting as held first"
        )
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = at_meeting
    meeting.save(update_fields=["minutes_status", "minutes_approved_at"])


@transaction.atomic
def board_action_complete(*, action: BoardAction, note: str, user=None) -> None:
    """Mark an action done, saying why; the note is kept as the action's latest update."""
    if not note.strip():
        raise ValidationError(
            'Say why the action is done, for example "completed because the pledge was signed"'
        )
    action = BoardAction.objects.select_for_update().get(pk=action.pk)
    if action.status == BoardAction.Status.DONE:
        raise ValidationError("This action is already done")
    action.status = BoardAction.Status.DONE
    action.completed_on = timezone.localdate()
    action.save(update_fields=["status", "completed_on"])
    BoardActionUpdate.objects.create(
        action=action, kind=BoardActionUpdate.Kind.DONE, note=note.strip(), written_by=user
    )


@transaction.atomic
def board_action_reopen(*, action: BoardAction, note: str, user=None) -> None:
    """Undo "done": the action is open again and the change is kept in its updates."""
    action = BoardAction.objects.select_for_update().get(pk=action.pk)
    if action.status != BoardAction.Status.DONE:
        raise ValidationError("Only a done action can be reopened")
    action.status = BoardAction.Status.OPEN
    action.completed_on = None
    action.save(update_fields=["status", "completed_on"])
    BoardActionUpdate.objects.create(
        action=action,
        kind=BoardActionUpdate.Kind.REOPENED,
        note=note.strip() or "Reopened by the officer",
        written_by=user,
    )


def _pdf_pages(document) -> int | None:
    import pypdf

    try:
        document.seek(0)
        pages = len(pypdf.PdfReader(document).pages)
    except Exception:  # a PDF the portal cannot read is still kept and offered as it is
        pages = None
    document.seek(0)
    return pages


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, document=None) -> AgendaItem:
    """Add an item at the end of the agenda; the position is allocated under a lock on the meeting."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, title=title)
    if document:
        item.document = document
        item.document_size = document.size
        if document.name.lower().endswith(".pdf"):
            item.document_pages = _pdf_pages(document)
    item.full_clean()
    item.save()
    return item


def seat_of(user, strategy: Strategy):
    return BoardSeat.objects.current().filter(strategy=strategy, person=user).first()


@transaction.atomic
def apologies_send(*, meeting: Meeting, seat: BoardSeat, deputy: str) -> Attendance:
    """A Board member sends apologies for a meeting to come, naming a deputy if one will attend."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.date < timezone.localdate():
        raise ValidationError("Apologies are sent before a meeting: this meeting is not still to come")
    record, _ = Attendance.objects.update_or_create(
        meeting=meeting, seat=seat, defaults={"status": Attendance.Status.APOLOGIES, "deputy": deputy.strip()}
    )
    return record


def decision_add(*, meeting: Meeting, text: str) -> Decision:
    """Record a decision the Board took at a meeting."""
    decision = Decision(meeting=meeting, text=text.strip())
    decision.full_clean()
    decision.save()
    return decision


def board_action_add(*, meeting: Meeting, text: str, owner: str, due_date=None) -> BoardAction:
    """Add an entry to the Board's action log, raised at a meeting."""
    action = BoardAction(raised_at=meeting, text=text.strip(), owner=owner.strip(), due_date=due_date)
    action.full_clean()
    action.save()
    return action

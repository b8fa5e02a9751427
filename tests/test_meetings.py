"""Board meetings: arranging them, attendance and quorum, minutes, decisions and the action log."""

import datetime
import io

import pypdf
from django.urls import reverse

from board.models import Attendance, BoardAction, EvaluationReport, Meeting
from indicators.choices import Frequency
from indicators.selectors import indicator_statuses

from . import factories

TODAY = datetime.date.today()


def test_the_officer_arranges_a_meeting(client, officer):
    client.force_login(officer)
    url = reverse("board:meeting_new")
    bad = client.post(
        url, {"date_0": "31", "date_1": "2", "date_2": "2027", "venue": "Guildhall", "status": "scheduled"}
    )
    assert "There is a problem" in bad.content.decode()
    response = client.post(
        url,
        {
            "date_0": "9",
            "date_1": "2",
            "date_2": "2027",
            "start_time": "14:00",
            "venue": "Guildhall",
            "status": "scheduled",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.date == datetime.date(2027, 2, 9) and meeting.start_time == datetime.time(14, 0)


def test_attendance_and_the_quorum(client, officer, demo_strategy):
    meeting = factories.MeetingFactory()
    seats = list(demo_strategy.strategy.board_seats.all())
    client.force_login(officer)
    data = {f"seat_{seat.pk}": "present" for seat in seats[:3]} | {f"seat_{seats[3].pk}": "apologies"}
    client.post(reverse("board:meeting_attendance", kwargs={"pk": meeting.pk}), data)
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == 3
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "3 present of 9 seats; 4 needed" in page and "Not quorate" in page
    client.post(
        reverse("board:meeting_attendance", kwargs={"pk": meeting.pk}),
        data | {f"seat_{seats[4].pk}": "present"},
    )
    assert "Quorate" in client.get(meeting.get_absolute_url()).content.decode()


def test_minutes_are_approved_at_a_later_meeting(client, officer, board_member):
    earlier = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=120))
    later = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=30))
    client.force_login(officer)
    client.post(
        reverse("board:meeting_minutes", kwargs={"pk": earlier.pk}), {"minutes": "Members agreed the plan."}
    )
    client.force_login(board_member)
    assert "Members agreed the plan." not in client.get(earlier.get_absolute_url()).content.decode()
    client.force_login(officer)
    approve = reverse("board:meeting_minutes_approve", kwargs={"pk": later.pk})
    client.post(reverse("board:meeting_minutes", kwargs={"pk": later.pk}), {"minutes": "Later minutes."})
    client.post(approve, {"at_meeting": earlier.pk})  # an earlier meeting cannot approve them
    later.refresh_from_db()
    assert later.minutes_status == Meeting.MinutesStatus.DRAFT
    client.post(reverse("board:meeting_minutes_approve", kwargs={"pk": earlier.pk}), {"at_meeting": later.pk})
    client.force_login(board_member)
    assert "Members agreed the plan." in client.get(earlier.get_absolute_url()).content.decode()


def test_open_actions_are_carried_forward_until_done(client, officer):
    first = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=200))
    second = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=100))
    third = factories.MeetingFactory(
        date=TODAY + datetime.timedelta(days=10), status=Meeting.Status.SCHEDULED
    )
    client.force_login(officer)
    client.post(
        reverse("board:meeting_record_add", kwargs={"pk": first.pk, "kind": "action"}),
        {
            "text": "Review the pledge with the Children in Care Council",
            "owner": "Participation team",
            "due_date_0": "1",
            "due_date_1": "1",
            "due_date_2": str(TODAY.year - 1),
        },
    )
    action = BoardAction.objects.get()
    for meeting in (second, third):
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "Review the pledge with the Children in Care Council" in page and "Overdue" in page
    client.post(
        reverse("board:action_done", kwargs={"pk": action.pk}),
        {"meeting": third.pk, "note": "Completed because the Council reviewed it"},
    )
    action.refresh_from_db()
    assert action.status == BoardAction.Status.DONE
    assert "Review the pledge" not in client.get(third.get_absolute_url()).content.decode()


def test_meetings_held_feed_the_computed_indicator(officer):
    indicator = factories.IndicatorFactory(computation="board_meetings", frequency=Frequency.HALF_YEARLY)
    half = factories.last_ended_period(Frequency.HALF_YEARLY)
    factories.MeetingFactory(date=half.start + datetime.timedelta(days=20))
    factories.MeetingFactory(date=half.start + datetime.timedelta(days=110))
    factories.MeetingFactory(date=half.start + datetime.timedelta(days=50), status=Meeting.Status.CANCELLED)
    [status] = indicator_statuses([indicator], user=officer)
    row = next(row for row in status.rows if row.period == half)
    assert row.value == 2


def test_the_report_downloads_as_a_pdf_naming_the_four_objectives(
    client, officer, board_member, demo_strategy
):
    published = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    client.force_login(board_member)
    response = client.get(reverse("board:report_pdf", kwargs={"pk": published.pk}))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for objective in demo_strategy.strategy.objectives.all():
        assert f"Objective {objective.number}:" in text
    draft = factories.compiled_report(demo_strategy.strategy)
    assert client.get(reverse("board:report_pdf", kwargs={"pk": draft.pk})).status_code == 404


def test_the_officer_adds_an_agenda_item_with_a_paper(client, officer, board_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = factories.MeetingFactory()
    client.force_login(officer)
    url = reverse("board:meeting_record_add", kwargs={"pk": meeting.pk, "kind": "item"})
    script = SimpleUploadedFile("paper.pdf", b"<script>alert(1)</script>", "application/pdf")
    refused = client.post(url, {"title": "Performance", "document": script})
    assert "do not match its type" in refused.content.decode()
    paper = SimpleUploadedFile("paper.pdf", b"%PDF-1.4 performance figures", "application/pdf")
    client.post(url, {"title": "Performance", "document": paper})
    item = meeting.agenda_items.get()
    client.force_login(board_member)
    response = client.get(reverse("board:paper", kwargs={"pk": item.pk}))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")

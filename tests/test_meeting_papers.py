"""The meeting page: papers as attachments, the papers pack, apologies and the minutes rule."""

import datetime
import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from board.models import Attendance, Meeting
from board.services import agenda_item_add

from . import factories

TODAY = datetime.date.today()


def pdf_with_text(text: str, pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{text}, page {n}</p>' for n in range(1, pages + 1))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_papers_download_as_one_pdf_in_agenda_order_with_word_papers_listed(
    client, officer, board_member, media
):
    meeting = factories.MeetingFactory(date=TODAY + datetime.timedelta(days=7), status="scheduled")
    client.force_login(officer)
    add = reverse("board:meeting_record_add", kwargs={"pk": meeting.pk, "kind": "item"})
    client.post(
        add, {"title": "Performance", "document": SimpleUploadedFile("a.pdf", pdf_with_text("Alpha", 2))}
    )
    client.post(add, {"title": "Housing", "document": SimpleUploadedFile("b.docx", b"PK\x03\x04 word")})
    client.post(add, {"title": "Health", "document": SimpleUploadedFile("c.pdf", pdf_with_text("Bravo"))})
    assert list(meeting.agenda_items.values_list("position", "title")) == [
        (1, "Performance"),
        (2, "Housing"),
        (3, "Health"),
    ]
    client.force_login(board_member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "PDF" in page and "2 pages" in page and "Word document" in page and "Download all papers" in page
    response = client.get(reverse("board:meeting_pack", kwargs={"pk": meeting.pk}))
    assert response["Content-Type"] == "application/pdf"
    texts = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(response.content)).pages]
    assert "Papers for the meeting" in texts[0] and "Housing: Word document" in texts[0]
    assert [t for t in texts[1:]] == ["Alpha, page 1", "Alpha, page 2", "Bravo, page 1"]


def test_agenda_positions_are_allocated_in_the_database(db, media):
    meeting = factories.MeetingFactory()
    first = agenda_item_add(meeting=meeting, title="One")
    meeting.agenda_items.filter(pk=first.pk).update(position=5)  # a gap left by a removed item
    assert agenda_item_add(meeting=meeting, title="Two").position == 6


def test_a_board_member_sends_apologies_and_names_a_deputy(client, board_member, demo_strategy):
    seat = demo_strategy.strategy.board_seats.exclude(is_chair=True).first()
    seat.person = board_member
    seat.save()
    meeting = factories.MeetingFactory(date=TODAY + datetime.timedelta(days=10), status="scheduled")
    client.force_login(board_member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Send apologies for this meeting" in page and "Quorum" not in page  # not held yet
    url = reverse("board:meeting_apologies", kwargs={"pk": meeting.pk})
    response = client.post(url, {"deputy": "Dr A Deputy, Designated Doctor"}, follow=True)
    assert "Your apologies" in response.content.decode()
    record = Attendance.objects.get(meeting=meeting, seat=seat)
    assert record.status == Attendance.Status.APOLOGIES and record.deputy == "Dr A Deputy, Designated Doctor"
    held = factories.MeetingFactory()
    refused = client.post(reverse("board:meeting_apologies", kwargs={"pk": held.pk}), {"deputy": ""})
    assert "not still to come" in refused.content.decode()


def test_minutes_are_approved_only_at_a_meeting_that_has_taken_place(client, officer):
    earlier = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=120))
    to_come = factories.MeetingFactory(date=TODAY + datetime.timedelta(days=30), status="scheduled")
    client.force_login(officer)
    client.post(reverse("board:meeting_minutes", kwargs={"pk": earlier.pk}), {"minutes": "Agreed."})
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert f'value="{to_come.pk}"' not in page
    response = client.post(
        reverse("board:meeting_minutes_approve", kwargs={"pk": earlier.pk}),
        {"at_meeting": to_come.pk},
        follow=True,
    )
    assert "a meeting that has taken place" in response.content.decode()
    earlier.refresh_from_db()
    assert earlier.minutes_status == Meeting.MinutesStatus.DRAFT


def test_attendance_records_deputies_and_officers_in_attendance(client, officer, demo_strategy):
    meeting = factories.MeetingFactory()
    seat = demo_strategy.strategy.board_seats.first()
    client.force_login(officer)
    client.post(
        reverse("board:meeting_attendance", kwargs={"pk": meeting.pk}),
        {
            f"seat_{seat.pk}": "apologies",
            f"deputy_{seat.pk}": "Ms B Deputy",
            "officers_in_attendance": "Head of Virtual School",
        },
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "deputy: Ms B Deputy" in page and "Head of Virtual School" in page and "Quorum" in page

"""The Board's new pages with the keyboard alone: a comment on an exception, and apologies."""

import datetime

import pytest
from django.utils import timezone

from board.models import Attendance, IndicatorComment

from . import factories
from .test_browser import assert_accessible, link, press_enter_on, sign_in_by_keyboard, tab_to
from .test_report_comments import off_target_indicator


def button(text):
    """A submit button, whether a <button> or an <input type="submit">."""
    return lambda focused: focused["tag"] in ("BUTTON", "INPUT") and focused["text"].startswith(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_writes_an_exception_comment_with_the_keyboard_alone(
    live_server, officer, demo_strategy, browser_page
):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    press_enter_on(
        page,
        lambda focused: (
            focused["tag"] == "A"
            and focused["text"].startswith("Write a comment")
            and indicator.reference in focused["text"]
        ),
        limit=400,
    )
    assert indicator.title in page.content()
    assert_accessible(page)
    tab_to(page, lambda focused: focused["id"] == "id_text")
    page.keyboard.type("Two carers left; recruitment closes in March.")
    press_enter_on(page, button("Save comment"))
    assert page.get_by_text(f"The comment on {indicator.reference} has been saved.").is_visible()
    comment = IndicatorComment.objects.get(report=report, reference=indicator.reference)
    assert comment.text == "Two carers left; recruitment closes in March."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_board_member_sends_apologies_with_the_keyboard_alone(
    live_server, board_member, demo_strategy, browser_page
):
    seat = demo_strategy.strategy.board_seats.exclude(is_chair=True).first()
    seat.person = board_member
    seat.save()
    meeting = factories.MeetingFactory(
        date=timezone.localdate() + datetime.timedelta(days=10), status="scheduled"
    )
    page = browser_page
    sign_in_by_keyboard(page, live_server, board_member.username)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    press_enter_on(page, link("Send apologies for this meeting"))
    assert_accessible(page)
    tab_to(page, lambda focused: focused["id"] == "id_deputy")
    page.keyboard.type("Dr A Deputy, Designated Doctor")
    press_enter_on(page, button("Send apologies"))
    assert page.get_by_text("Your apologies").first.is_visible()
    record = Attendance.objects.get(meeting=meeting, seat=seat)
    assert record.status == Attendance.Status.APOLOGIES and record.deputy == "Dr A Deputy, Designated Doctor"

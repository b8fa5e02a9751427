"""The pages that only appear when something goes on meanwhile: an edit conflict, a background import."""

import pytest
from django.urls import reverse

from board.models import Meeting
from indicators.models import FigureUpload

from . import factories
from .test_browser import assert_accessible, sign_in_by_keyboard


def assert_reflows(page):
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, f"{page.url} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_conflict_and_background_import_pages_pass_the_accessibility_scan_and_reflow(
    live_server,
    officer,
    browser_page,  # noqa: F811 (the fixture from test_browser)
):
    meeting = factories.MeetingFactory(venue="Guildhall")
    uploads = [
        FigureUpload.objects.create(
            uploaded_by=officer,
            filename="figures.csv",
            content=b"indicator,period,value\n",
            state=state,
            figures_to_save=300,
            outcome="300 figures imported; 0 unchanged." if state == "imported" else "Upload it again",
        )
        for state in (FigureUpload.State.IMPORTING, FigureUpload.State.IMPORTED, FigureUpload.State.FAILED)
    ]
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    page.goto(f"{live_server.url}{reverse('board:meeting_edit', kwargs={'pk': meeting.pk})}")
    Meeting.objects.filter(pk=meeting.pk).update(venue="Civic Offices", edit_version=2)  # saved meanwhile
    page.get_by_label("Venue").fill("Town Hall")
    page.get_by_role("button", name="Save meeting").click()
    assert "Someone else saved this while you were editing it" in page.content()
    assert page.get_by_label("Venue").input_value() == "Town Hall"
    assert_accessible(page)
    assert_reflows(page)
    for upload in uploads:
        page.goto(f"{live_server.url}{reverse('indicators:import_preview', kwargs={'pk': upload.pk})}")
        assert upload.filename in page.content()
        assert_accessible(page)
        assert_reflows(page)

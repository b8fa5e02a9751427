"""Publishing the councillors' newsletter: the next Board meeting from the meetings, one confirmation
naming how many councillors will be emailed, and months published in order unless one is skipped."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from board.models import Meeting
from communications.models import Newsletter
from communications.services import EarlierIssueUnpublished, newsletter_publish
from portal.roles import Role

from . import factories

pytestmark = pytest.mark.django_db


def make_issue(month: datetime.date, **fields) -> Newsletter:
    defaults = {"summary": "Placement stability is up.", "headline": "Thank you, corporate parents."}
    return Newsletter.objects.create(month=month, **(defaults | fields))


@pytest.fixture
def councillors(db):
    return [
        factories.UserFactory(username=name, roles=[Role.ELECTED_MEMBER]) for name in ("kim", "lee", "sam")
    ]


def test_the_issue_names_the_next_scheduled_meeting_with_the_officers_note(client, officer, councillor):
    today = timezone.localdate()
    factories.MeetingFactory(date=today - datetime.timedelta(days=20))  # held: not the next one
    factories.MeetingFactory(
        date=today + datetime.timedelta(days=10), status=Meeting.Status.CANCELLED, venue="Cancelled room"
    )
    factories.MeetingFactory(
        date=today + datetime.timedelta(days=90), status=Meeting.Status.SCHEDULED, venue="Later room"
    )
    coming = factories.MeetingFactory(
        date=today + datetime.timedelta(days=30),
        start_time=datetime.time(14, 0),
        venue="Guildhall, Portsmouth",
        status=Meeting.Status.SCHEDULED,
    )
    issue = make_issue(today.replace(day=1), next_board_meeting="The theme is housing for care leavers.")
    client.force_login(officer)
    preview = client.get(issue.get_absolute_url()).content.decode()
    expected = f"The Corporate Parenting Board meets on {coming.date:%A %-d %B %Y} at 2:00 p.m., Guildhall"
    assert expected in preview
    assert "The theme is housing for care leavers." in preview
    assert "Cancelled room" not in preview and "Later room" not in preview

    newsletter_publish(newsletter=issue)
    coming.status = Meeting.Status.HELD  # the meeting takes place; the archived issue still names it
    coming.save()
    client.force_login(councillor)
    assert expected in client.get(issue.get_absolute_url()).content.decode()


def test_the_form_keeps_the_free_text_only_as_an_optional_note(client, officer):
    client.force_login(officer)
    page = client.get(reverse("communications:newsletter_new")).content.decode()
    assert "A note about the next Board meeting (optional)" in page
    assert "The issue shows the next scheduled meeting's date, time and venue" in page


def test_publishing_asks_once_naming_how_many_councillors_will_be_emailed(
    client, officer, councillors, django_capture_on_commit_callbacks
):
    factories.UserFactory(username="off", roles=[Role.ELECTED_MEMBER], email="")  # no address: not counted
    issue = make_issue(timezone.localdate().replace(day=1))
    client.force_login(officer)
    preview = client.get(issue.get_absolute_url()).content.decode()
    assert reverse("communications:newsletter_publish_confirm", kwargs={"pk": issue.pk}) in preview

    check = client.post(
        reverse("communications:newsletter_publish_confirm", kwargs={"pk": issue.pk}), {"when": "now"}
    )
    page = check.content.decode()
    assert check.status_code == 200
    assert "It will be emailed now to 3 councillors" in page
    assert "Publish and email 3 councillors" in page
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.DRAFT and not mail.outbox  # the check changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communications:newsletter_publish", kwargs={"pk": issue.pk}), {"when": "now"}
        )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.is_published and len(mail.outbox) == 3


def test_the_check_shows_the_errors_of_a_wrong_day_on_the_preview(client, officer):
    issue = make_issue(timezone.localdate().replace(day=1))
    client.force_login(officer)
    page = client.post(
        reverse("communications:newsletter_publish_confirm", kwargs={"pk": issue.pk}),
        {"when": "later", "date_0": "31", "date_1": "2", "date_2": "2027"},
    ).content.decode()
    assert "There is a problem" in page and "Publish this issue" in page
    assert Newsletter.objects.get().status == Newsletter.Status.DRAFT


def test_a_later_month_waits_for_an_earlier_draft_unless_the_officer_skips_it(
    client, officer, councillors, django_capture_on_commit_callbacks
):
    october = make_issue(datetime.date(2026, 10, 1))
    november = make_issue(datetime.date(2026, 11, 1))
    client.force_login(officer)
    check = client.post(
        reverse("communications:newsletter_publish_confirm", kwargs={"pk": november.pk}), {"when": "now"}
    ).content.decode()
    assert "An earlier month is not published yet" in check and "October 2026" in check
    assert "Skip October 2026: publish this issue before it" in check

    refused = client.post(
        reverse("communications:newsletter_publish", kwargs={"pk": november.pk}), {"when": "now"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "The issue for October 2026 is not published yet. Publish it first, or tick the box" in page
    november.refresh_from_db()
    assert november.status == Newsletter.Status.DRAFT and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        skipped = client.post(
            reverse("communications:newsletter_publish", kwargs={"pk": november.pk}),
            {"when": "now", "skip_earlier": "on"},
        )
    assert skipped.status_code == 302
    november.refresh_from_db()
    october.refresh_from_db()
    assert november.is_published and october.status == Newsletter.Status.DRAFT
    assert len(mail.outbox) == 3


def test_scheduling_a_later_month_is_held_back_by_an_earlier_scheduled_issue_too():
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    october = make_issue(datetime.date(2026, 10, 1))
    newsletter_publish(newsletter=october, publish_at=tomorrow)
    november = make_issue(datetime.date(2026, 11, 1))
    with pytest.raises(EarlierIssueUnpublished) as refusal:
        newsletter_publish(newsletter=november, publish_at=tomorrow + datetime.timedelta(days=1))
    assert [issue.pk for issue in refusal.value.earlier] == [october.pk]
    later = tomorrow + datetime.timedelta(days=1)
    newsletter_publish(newsletter=november, publish_at=later, skip_earlier=True)
    november.refresh_from_db()
    assert november.status == Newsletter.Status.SCHEDULED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_confirms_and_skips_an_earlier_month_with_the_keyboard_alone(
    live_server, officer, councillors, browser_page
):
    from .test_browser import assert_accessible, press_enter_on, sign_in_by_keyboard, tab_to

    def submit(text):
        return lambda focused: focused["tag"] in ("BUTTON", "INPUT") and focused["text"].startswith(text)

    make_issue(datetime.date(2026, 10, 1))
    november = make_issue(datetime.date(2026, 11, 1))
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    page.goto(f"{live_server.url}{november.get_absolute_url()}")
    press_enter_on(page, submit("Publish"), limit=200)
    assert page.get_by_text("It will be emailed now to 3 councillors").is_visible()
    assert_accessible(page)
    press_enter_on(page, submit("Publish and email 3 councillors"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The issue for October 2026 is not published yet" in summary
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    tab_to(page, lambda focused: focused["id"] == "id_skip_earlier")
    page.keyboard.press("Space")
    press_enter_on(page, submit("Publish and email 3 councillors"))
    november.refresh_from_db()
    assert november.is_published

"""Two people editing the same record: the second to save sees both versions, and nothing is lost."""

import html
import re
import threading
import time

import pytest
from django.db import connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from board.models import EvaluationReport, Meeting
from communications.models import Newsletter, YoungPeoplePage
from indicators.choices import Frequency
from indicators.models import Figure, Target
from indicators.periods import Period
from objectives.models import ActionUpdate
from portal.roles import Role

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_people_entering_the_same_new_figure_at_once_get_a_conflict_never_an_error(contributor):
    indicator = factories.IndicatorFactory(owner=contributor.organisation, frequency=Frequency.QUARTERLY)
    colleague = factories.UserFactory(roles=[Role.CONTRIBUTOR], organisation=contributor.organisation)
    period = last_ended_period(Frequency.QUARTERLY)
    url = reverse("indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()})
    first, second = signed_in(contributor), signed_in(colleague)
    first.get(url), second.get(url)  # both open the empty form

    # The first person's save holds its transaction open just after inserting, so the
    # second person's save finds no figure yet and inserts too: the race the constraint settles.
    first_inserted = threading.Event()

    def hold_first_insert(sender, instance, created, **kwargs):
        if created and threading.current_thread().name == "first":
            first_inserted.set()
            time.sleep(0.5)

    post_save.connect(hold_first_insert, sender=Figure, weak=False)
    responses = {}

    def post(name, client, value):
        try:
            responses[name] = client.post(url, {"value": value, "quality": "good", "note": f"{name}'s note"})
        finally:
            connections.close_all()

    try:
        thread = threading.Thread(target=post, name="first", args=("first", first, "11"))
        thread.start()
        assert first_inserted.wait(5)
        post("second", second, "22")
        thread.join(10)
    finally:
        post_save.disconnect(hold_first_insert, sender=Figure)

    assert responses["first"].status_code == 302
    conflict = responses["second"]
    assert conflict.status_code == 200
    text = page(conflict)
    assert "Someone else saved this figure while you were editing it" in text
    assert 'value="22"' in text and "second's note" in text  # what the second person typed is kept
    figure = Figure.objects.get(indicator=indicator)
    assert figure.value == 11 and figure.version == 1
    assert f'name="version" value="{figure.version}"' in text
    # Saving again deliberately replaces the first person's figure.
    again = second.post(url, {"value": "22", "quality": "good", "version": str(figure.version)})
    assert again.status_code == 302
    assert Figure.objects.get(indicator=indicator).value == 22


def opened_version(response) -> str:
    found = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert found, "the form carries the version it was opened at"
    return found.group(1)


def two_people_save(
    url, *, first, second, theirs: dict, mine: dict, stored, mine_shown: str, theirs_shown: str
):
    """Both open the form, the first saves; the second's save shows both and keeps what was typed."""
    first_version, second_version = opened_version(first.get(url)), opened_version(second.get(url))
    assert first_version == second_version
    saved = first.post(url, theirs | {"version": first_version})
    assert saved.status_code == 302, page(saved)
    assert stored() == theirs_shown
    conflict = second.post(url, mine | {"version": second_version})
    assert conflict.status_code == 200
    text = page(conflict)
    assert "Someone else saved this while you were editing it" in text
    assert theirs_shown in text and mine_shown in text  # both versions on the page
    assert stored() == theirs_shown  # the first person's save stands
    # Saving again from the conflict page deliberately replaces their version with mine.
    again = second.post(url, mine | {"version": opened_version(conflict)})
    assert again.status_code == 302, page(again)
    assert stored() == mine_shown
    # A copy of the page opened before both saves is refused, not saved over the latest.
    assert first.post(url, theirs | {"version": first_version}).status_code == 200
    assert stored() == mine_shown


@pytest.fixture
def second_officer(db):
    return factories.UserFactory(username="olive", roles=[Role.OFFICER])


def test_two_people_editing_a_meeting(officer, second_officer):
    meeting = factories.MeetingFactory(venue="Guildhall")
    fields = {"date_0": "9", "date_1": "2", "date_2": "2027", "start_time": "14:00", "status": "scheduled"}
    two_people_save(
        reverse("board:meeting_edit", kwargs={"pk": meeting.pk}),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs=fields | {"venue": "Civic Offices"},
        mine=fields | {"venue": "Town Hall"},
        stored=lambda: Meeting.objects.get(pk=meeting.pk).venue,
        theirs_shown="Civic Offices",
        mine_shown="Town Hall",
    )


def test_two_people_writing_a_meetings_minutes(officer, second_officer):
    meeting = factories.MeetingFactory()
    two_people_save(
        reverse("board:meeting_minutes", kwargs={"pk": meeting.pk}),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs={"minutes": "The Board noted the report."},
        mine={"minutes": "The Board approved the plan."},
        stored=lambda: Meeting.objects.get(pk=meeting.pk).minutes,
        theirs_shown="The Board noted the report.",
        mine_shown="The Board approved the plan.",
    )


def test_two_people_writing_a_reports_commentary(officer, second_officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    two_people_save(
        reverse("board:report_commentary", kwargs={"pk": report.pk}),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs={"executive_summary": "Stability improved.", "objective_1": "Their objective text."},
        mine={"executive_summary": "Placements held steady.", "objective_1": "My objective text."},
        stored=lambda: EvaluationReport.objects.get(pk=report.pk).executive_summary,
        theirs_shown="Stability improved.",
        mine_shown="Placements held steady.",
    )
    # The stale copy did not revert the objective text either.
    assert EvaluationReport.objects.get(pk=report.pk).commentary["1"] == "My objective text."


def test_two_people_editing_a_newsletter(officer, second_officer, demo_strategy):
    newsletter = Newsletter.objects.create(
        month=timezone.localdate().replace(day=1), summary="Summary", headline="First headline"
    )
    fields = {
        "month": newsletter.month.isoformat(),
        "summary": "Good news on placements.",
        "stories": "",
        "next_board_meeting": "",
        "training": "",
    }
    two_people_save(
        reverse("communications:newsletter_edit", kwargs={"pk": newsletter.pk}),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs=fields | {"headline": "Their headline"},
        mine=fields | {"headline": "My headline"},
        stored=lambda: Newsletter.objects.get(pk=newsletter.pk).headline,
        theirs_shown="Their headline",
        mine_shown="My headline",
    )


def test_two_people_editing_the_young_peoples_pages(officer, second_officer, demo_strategy):
    YoungPeoplePage.objects.create(
        introduction="Hello.", aims="Aims.", pledge="Pledge.", done_so_far="Done.", help_and_advocacy="Help."
    )
    fields = {"introduction": "Hello.", "aims": "Aims.", "done_so_far": "Done.", "help_and_advocacy": "Help."}
    two_people_save(
        reverse("communications:young_people_edit"),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs=fields | {"pledge": "Their pledge."},
        mine=fields | {"pledge": "My pledge."},
        stored=lambda: YoungPeoplePage.objects.get().pledge,
        theirs_shown="Their pledge.",
        mine_shown="My pledge.",
    )


def test_two_people_setting_an_indicators_targets(officer, second_officer):
    indicator = factories.IndicatorFactory(unit="count", frequency=Frequency.QUARTERLY)
    current = Period.containing(indicator.frequency, timezone.localdate())
    name = current.start.isoformat()
    two_people_save(
        reverse("indicators:targets", kwargs={"pk": indicator.pk}),
        first=signed_in(officer),
        second=signed_in(second_officer),
        theirs={name: "41", "amber_tolerance": ""},
        mine={name: "57", "amber_tolerance": ""},
        stored=lambda: str(int(Target.objects.get(indicator=indicator, period_start=current.start).value)),
        theirs_shown="41",
        mine_shown="57",
    )


def test_two_people_recording_progress_on_an_action(contributor):
    action = factories.ActionFactory(
        text="Run careers days", lead=contributor.organisation, status="not_started"
    )
    colleague = factories.UserFactory(
        username="cora", roles=[Role.CONTRIBUTOR], organisation=contributor.organisation
    )

    def latest_note():
        return ActionUpdate.objects.filter(action=action).order_by("-pk").first().note

    two_people_save(
        action.get_absolute_url(),
        first=signed_in(contributor),
        second=signed_in(colleague),
        theirs={"status": "at_risk", "note": "Venue fell through"},
        mine={"status": "on_track", "note": "Booked the venue"},
        stored=latest_note,
        theirs_shown="Venue fell through",
        mine_shown="Booked the venue",
    )

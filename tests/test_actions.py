"""Recording progress on the strategy's actions."""

import datetime

import pytest
from django.urls import reverse

from objectives.models import Action, ActionUpdate

from . import factories


@pytest.fixture
def careers_days(contributor):
    return factories.ActionFactory(
        text="Run careers days", lead=contributor.organisation, status="not_started"
    )


def test_the_lead_organisation_records_progress(client, contributor, careers_days):
    client.force_login(contributor)
    response = client.post(
        careers_days.get_absolute_url(), {"status": "at_risk", "note": "Venue fell through"}
    )
    assert response["Location"] == careers_days.get_absolute_url()
    careers_days.refresh_from_db()
    assert careers_days.status == Action.Status.AT_RISK
    update = ActionUpdate.objects.get()
    assert (update.recorded_by, update.as_of) == (contributor, datetime.date.today())
    page = client.get(careers_days.get_absolute_url()).content.decode()
    assert "Venue fell through" in page and "At risk" in page


def test_an_update_needs_a_status_and_a_note(client, officer, careers_days):
    client.force_login(officer)
    page = client.post(careers_days.get_absolute_url(), {"status": "", "note": ""}).content.decode()
    assert "Select how the action is going" in page
    assert "Enter what has happened since the last update" in page
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("persona", ["other_contributor", "board_member", "councillor"])
def test_others_read_progress_but_cannot_record_it(client, request, careers_days, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(careers_days.get_absolute_url())
    assert page.status_code == 200 and "Record progress" not in page.content.decode()
    response = client.post(careers_days.get_absolute_url(), {"status": "complete", "note": "Done"})
    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()


def test_overdue_actions_are_flagged_on_the_objective_page(client, board_member):
    action = factories.ActionFactory(text="Publish the pledge", due_date=datetime.date(2020, 3, 31))
    client.force_login(board_member)
    page = client.get(
        reverse("objectives:detail", kwargs={"number": action.objective.number})
    ).content.decode()
    assert "Publish the pledge" in page and "Overdue" in page

"""The Board's action tracker: every action across meetings, done with a note, undone on record."""

import datetime

from django.urls import reverse

from board.models import BoardAction, BoardActionUpdate

from . import factories

TODAY = datetime.date.today()


def test_the_tracker_lists_every_open_action_across_meetings(client, board_member):
    first = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=200))
    second = factories.MeetingFactory(date=TODAY - datetime.timedelta(days=100))
    late = factories.BoardActionFactory(
        raised_at=first,
        text="Review the pledge",
        owner="Participation team",
        due_date=TODAY - datetime.timedelta(1),
    )
    soon = factories.BoardActionFactory(
        raised_at=second, text="Report on health checks", owner="Designated nurse", due_date=TODAY
    )
    done = factories.BoardActionFactory(
        raised_at=second, text="Agree the budget", status=BoardAction.Status.DONE
    )
    BoardActionUpdate.objects.create(action=soon, note="Figures requested from the trust")
    client.force_login(board_member)
    page = client.get(reverse("board:actions_open")).content.decode()
    assert late.text in page and soon.text in page and done.text not in page
    assert "Overdue" in page and "Due within 30 days" in page and "Figures requested from the trust" in page
    filtered = client.get(reverse("board:actions"), {"owner": "Designated nurse"}).content.decode()
    assert soon.text in filtered and late.text not in filtered
    by_status = client.get(reverse("board:actions"), {"status": "done"}).content.decode()
    assert done.text in by_status and late.text not in by_status
    # Anything typed into the filters is ignored rather than refused.
    assert client.get(reverse("board:actions"), {"owner": "<b>", "status": "nonsense"}).status_code == 200


def test_marking_done_needs_a_note_and_the_officer_can_undo_it_on_record(client, officer):
    action = factories.BoardActionFactory()
    client.force_login(officer)
    done = reverse("board:action_done", kwargs={"pk": action.pk})
    refused = client.post(done, {"note": "  ", "back": "tracker"}, follow=True).content.decode()
    assert "Say why the action is done" in refused
    action.refresh_from_db()
    assert action.status == BoardAction.Status.OPEN
    client.post(done, {"note": "Completed because the pledge was signed", "back": "tracker"})
    action.refresh_from_db()
    assert action.status == BoardAction.Status.DONE and action.latest_update.kind == "done"
    client.post(reverse("board:action_reopen", kwargs={"pk": action.pk}))
    action.refresh_from_db()
    assert action.status == BoardAction.Status.OPEN and action.completed_on is None
    assert list(action.updates.values_list("kind", flat=True)) == ["reopened", "done"]
    assert "Reopened" in client.get(reverse("board:actions")).content.decode()

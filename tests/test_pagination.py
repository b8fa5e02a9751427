"""Lists that grow are paged: 50 rows a page, GOV.UK pagination, the filters kept in every link."""

import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from board.models import BoardAction
from communications.models import Feedback, Newsletter
from core.pagination import page_numbers, paginate

from . import factories


def text(response) -> str:
    return " ".join(response.content.decode().split())


def current_page(page: str) -> str:
    return re.search(r'aria-label="Page (\d+)" aria-current="page"', page).group(1)


@pytest.mark.parametrize(
    ("current", "last", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (3, 5, [1, 2, 3, 4, 5]),
        (1, 10, [1, 2, None, 10]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_the_page_numbers_show_the_ends_and_the_neighbours_with_gaps_between(current, last, shown):
    assert page_numbers(current, last) == shown


def test_a_page_link_keeps_the_filters_and_the_first_page_has_no_number():
    request = RequestFactory().get("/board/actions/", {"owner": "Head of service", "page": "2"})
    pagination = paginate(request, list(range(120)), label="Pages of the actions")
    assert pagination.items == list(range(50, 100)) and pagination.num_pages == 3
    assert pagination.previous_url == "?owner=Head+of+service"
    assert pagination.next_url == "?owner=Head+of+service&page=3"
    assert [link.is_current for link in pagination.links] == [False, True, False]


def test_a_page_out_of_range_shows_the_last_one():
    request = RequestFactory().get("/audit/", {"page": "99"})
    assert paginate(request, list(range(60))).number == 2
    request = RequestFactory().get("/audit/", {"page": "not a number"})
    assert paginate(request, list(range(60))).number == 1
    request = RequestFactory().get("/audit/", {"page": "2"})
    assert paginate(request, list(range(60))).previous_url == "/audit/"


def test_the_audit_log_pages_keep_its_filters(client, officer):
    AuditEntry.objects.bulk_create(
        AuditEntry(event="refused", actor_name="connor", detail=f"Refused {n}") for n in range(120)
    )
    client.force_login(officer)
    first = text(client.get(reverse("audit:log"), {"event": "refused"}))
    assert "120 entries." in first and first.count("Refused ") == 50
    assert '<nav class="govuk-pagination" aria-label="Pages of the audit log">' in first
    assert current_page(first) == "1"
    assert 'href="?event=refused&amp;page=2"' in first and 'rel="next"' in first
    last = text(client.get(reverse("audit:log"), {"event": "refused", "page": 3}))
    assert last.count("Refused ") == 20 and current_page(last) == "3" and 'rel="prev"' in last


def test_the_feedback_list_pages_keep_what_is_shown(client, officer):
    Feedback.objects.bulk_create(
        Feedback(sender="care_leaver", topic=Feedback.Topic.choices[0][0], message=f"Message {n}")
        for n in range(60)
    )
    client.force_login(officer)
    first = text(client.get(reverse("communications:feedback_list"), {"show": "to-act-on"}))
    assert first.count(", feedback ") == 50 and 'href="?show=to-act-on&amp;page=2"' in first
    second = text(client.get(reverse("communications:feedback_list"), {"show": "to-act-on", "page": 2}))
    assert second.count(", feedback ") == 10 and current_page(second) == "2"


def test_the_newsletter_archive_is_paged(client, councillor):
    Newsletter.objects.bulk_create(
        Newsletter(
            month=datetime.date(2020 + n // 12, n % 12 + 1, 1),
            summary="News.",
            headline=f"Issue {n}",
            status=Newsletter.Status.PUBLISHED,
        )
        for n in range(55)
    )
    client.force_login(councillor)
    first = text(client.get(reverse("communications:newsletters")))
    assert "Pages of the newsletters" in first and current_page(first) == "1"
    second = text(client.get(reverse("communications:newsletters"), {"page": 2}))
    assert current_page(second) == "2" and "2020" in second and "2024" not in second


def test_the_meetings_and_the_action_tracker_are_paged(client, officer, demo_strategy):
    meetings = [
        factories.MeetingFactory(date=datetime.date(2020, 1, 1) + datetime.timedelta(days=7 * n))
        for n in range(55)
    ]
    client.force_login(officer)
    overview = text(client.get(reverse("board:overview")))
    assert "Pages of the meetings" in overview and current_page(overview) == "1"
    BoardAction.objects.bulk_create(
        BoardAction(
            text=f"Action {n}", owner="Virtual school" if n % 2 else "Fostering", raised_at=meetings[0]
        )
        for n in range(130)
    )
    first = text(client.get(reverse("board:actions"), {"owner": "Fostering"}))
    assert "65 actions, 1 to 50 shown" in first and 'href="?owner=Fostering&amp;page=2"' in first
    second = text(client.get(reverse("board:actions"), {"owner": "Fostering", "page": 2}))
    assert "65 actions, 51 to 65 shown" in second and current_page(second) == "2"


def test_a_paged_lists_queries_do_not_grow_with_its_rows(client, officer, demo_strategy):
    meeting = factories.MeetingFactory()
    client.force_login(officer)
    BoardAction.objects.bulk_create(
        BoardAction(text=f"A{n}", owner="Fostering", raised_at=meeting) for n in range(60)
    )
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("board:actions"))
    BoardAction.objects.bulk_create(
        BoardAction(text=f"B{n}", owner="Fostering", raised_at=meeting) for n in range(300)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("board:actions"))
    assert len(many) == len(few)

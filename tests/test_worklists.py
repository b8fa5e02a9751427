"""Each person's worklist on their home page: what needs doing next, with counts that match the records."""

import datetime
import html
import time
from decimal import Decimal as D

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from communications.models import Feedback
from config.celery import app as celery_app
from indicators.choices import Frequency
from indicators.figures import figure_transition
from indicators.models import Figure, FigureChange, OrganisationReminder, ReopenRequest, SendBackNotification
from indicators.tasks import notify_sent_back
from portal.roles import Role

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def objective(db):
    return factories.ObjectiveFactory(strategy=factories.StrategyFactory(is_current=True))


@pytest.fixture
def agency_a_indicators(contributor, objective):
    return [
        factories.IndicatorFactory(
            objective=objective,
            title=f"Carers trained {n}",
            owner=contributor.organisation,
            frequency=Frequency.QUARTERLY,
        )
        for n in range(3)
    ]


def submitted(indicator, *, value=D(12), by=None, period=None):
    period = period or last_ended_period(indicator.frequency)
    return factories.FigureFactory(
        indicator=indicator,
        period_start=period.start,
        status=Figure.Status.SUBMITTED,
        value=value,
        updated_by=by,
        version=2,
    )


def test_the_officer_sees_every_submitted_figure_in_one_table_the_longest_waiting_first(
    client, officer, contributor, agency_a_indicators
):
    first, second, third = agency_a_indicators
    previous = last_ended_period(Frequency.QUARTERLY).previous()
    factories.FigureFactory(
        indicator=first, period_start=previous.start, status=Figure.Status.VERIFIED, value=D(10)
    )
    older = submitted(first, value=D(14), by=contributor)
    newer = submitted(second, by=contributor)
    Figure.objects.filter(pk=older.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(officer)
    text = page(client.get(reverse("home")))
    assert f"Figures awaiting verification: {Figure.objects.filter(status='submitted').count()}" in text
    assert "Figures awaiting verification (2)" in text
    assert text.index(older.indicator.title) < text.index(newer.indicator.title)
    assert "+4 from 10" in text and "No figure for the period before" in text
    assert contributor.display_name in text
    assert (
        third.title
        not in text.split("Figures awaiting verification (2)")[1].split("Overdue and sent-back")[0]
    )


def test_the_officer_verifies_a_batch_in_one_go(client, officer, contributor, agency_a_indicators):
    figures = [submitted(indicator, by=contributor) for indicator in agency_a_indicators[:2]]
    client.force_login(officer)
    data = {"figures": [figure.pk for figure in figures], "back": "home"} | {
        f"version-{figure.pk}": figure.version for figure in figures
    }
    response = client.post(reverse("indicators:verification"), data)
    assert response["Location"] == reverse("home")
    assert set(Figure.objects.values_list("status", flat=True)) == {Figure.Status.VERIFIED}
    assert FigureChange.objects.filter(event=FigureChange.Event.VERIFIED).count() == 2
    assert AuditEntry.objects.filter(object_type="indicators.Figure", changes__has_key="status").count() >= 2
    assert "2 figures verified" in page(client.get(reverse("home")))


def test_a_figure_changed_since_the_page_opened_stops_the_whole_batch_and_is_named(
    client, officer, contributor, agency_a_indicators
):
    first, second = (submitted(indicator, by=contributor) for indicator in agency_a_indicators[:2])
    client.force_login(officer)
    data = {"figures": [first.pk, second.pk], f"version-{first.pk}": first.version}
    data[f"version-{second.pk}"] = second.version
    Figure.objects.filter(pk=second.pk).update(version=second.version + 1)  # someone changed it meanwhile
    response = client.post(reverse("indicators:verification"), data)
    text = page(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert str(second) in text and "Nothing was verified" in text
    assert not Figure.objects.filter(status=Figure.Status.VERIFIED).exists()
    assert not FigureChange.objects.filter(event=FigureChange.Event.VERIFIED).exists()


def test_verifying_nothing_selected_or_a_figure_no_longer_waiting_is_explained(
    client, officer, contributor, agency_a_indicators
):
    figure = submitted(agency_a_indicators[0], by=contributor)
    client.force_login(officer)
    text = page(client.post(reverse("indicators:verification"), {}))
    assert "Select the figures to verify" in text
    Figure.objects.filter(pk=figure.pk).update(status=Figure.Status.VERIFIED)
    text = page(client.post(reverse("indicators:verification"), {"figures": [figure.pk, "x"]}))
    assert "There is a problem" in text and "no longer waiting" in text


def test_overdue_and_sent_back_figures_are_counted_by_organisation_and_reminded_once_a_day(
    client, officer, contributor, other_contributor, agency_a_indicators, django_capture_on_commit_callbacks
):
    quarter = last_ended_period(Frequency.QUARTERLY)
    today = quarter.end + datetime.timedelta(days=60)  # past the due date of the quarter
    factories.FigureFactory(
        indicator=agency_a_indicators[0], status=Figure.Status.RETURNED, return_reason="Check the total"
    )
    other = factories.IndicatorFactory(
        objective=agency_a_indicators[0].objective,
        owner=other_contributor.organisation,
        frequency=Frequency.QUARTERLY,
    )
    from indicators.worklists import chasing_by_organisation

    strategy = other.objective.strategy
    chasing = {c.organisation: c for c in chasing_by_organisation(strategy, user=officer, today=today)}
    assert len(chasing[contributor.organisation].overdue) == 3
    assert len(chasing[contributor.organisation].sent_back) == 1
    assert len(chasing[other_contributor.organisation].overdue) == 1

    client.force_login(officer)
    url = reverse("indicators:organisation_remind", kwargs={"organisation_pk": contributor.organisation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)  # a second press the same day sends nothing more
    assert OrganisationReminder.objects.filter(organisation=contributor.organisation).count() == 1
    reminder = OrganisationReminder.objects.get()
    assert reminder.emailed_at is not None and reminder.emails_sent == 1
    assert [message.to for message in mail.outbox] == [[contributor.email]]
    assert AuditEntry.objects.filter(object_type="indicators.OrganisationReminder").exists()
    assert "already been sent a reminder today" in page(client.get(reverse("home")))


def test_feedback_wanting_a_reply_comes_first_with_the_days_until_its_details_are_erased(
    client, officer, settings, demo_strategy
):
    settings.FEEDBACK_CONTACT_RETENTION_DAYS = 90
    now = timezone.now()
    oldest = Feedback.objects.create(
        sender="carer", topic="home", message="A", received_at=now - datetime.timedelta(days=20)
    )
    Feedback.objects.create(
        sender="care_leaver",
        topic="home",
        message="Call me back",
        contact_consent=True,
        reply_phone="023 9283 4000",
        received_at=now - datetime.timedelta(days=10),
    )
    Feedback.objects.create(sender="carer", topic="school", message="Done", acted_on=True)
    client.force_login(officer)
    text = page(client.get(reverse("home")))
    assert "Feedback not yet acted on: 2" in text
    section = text.split('id="feedback"')[1]
    assert section.index("wants a reply") < section.index(f"Feedback {oldest.pk} about")
    assert "erased in 79 days" in section or "erased in 80 days" in section


def test_the_next_meeting_shows_its_papers_checklist(client, officer, demo_strategy):
    today = timezone.localdate()
    last = factories.MeetingFactory(date=today - datetime.timedelta(days=60))
    last.minutes, last.minutes_status = "Minutes", "draft"
    last.save()
    meeting = factories.MeetingFactory(date=today + datetime.timedelta(days=12), status="scheduled")
    factories.BoardActionFactory(raised_at=last)
    client.force_login(officer)
    text = page(client.get(reverse("home")))
    assert "in 12 days" in text
    assert meeting.get_absolute_url() in text
    assert "Agenda</a>: No agenda items yet" in text
    assert "Latest published evaluation report: No report published yet" in text
    assert "Minutes of the last meeting to approve" in text and "1 open action to review" in text
    assert "Papers ready: 2 of 4" in text


def test_the_evaluation_report_due_for_the_latest_half_year_shows_its_state(client, officer, demo_strategy):
    from board.reports import latest_ended_half_year

    client.force_login(officer)
    label = latest_ended_half_year().label
    assert f"The evaluation report for {label}: not compiled yet" in page(client.get(reverse("home")))
    factories.compiled_report(demo_strategy.strategy)
    assert f"The evaluation report for {label}: draft" in page(client.get(reverse("home")))


def test_overdue_actions_are_only_those_of_the_current_strategy_period_the_oldest_first(
    client, officer, demo_strategy
):
    from objectives.models import Action

    old_plan = factories.ObjectiveFactory(strategy=factories.StrategyFactory(is_current=False))
    factories.ActionFactory(objective=old_plan, text="From an old plan", due_date=datetime.date(2001, 3, 31))
    strategy = demo_strategy.strategy  # 2006-2009
    factories.ActionFactory(
        objective=demo_strategy.objectives[1],
        position=99,
        text="Due before the strategy began",
        due_date=datetime.date(2005, 3, 31),
    )
    client.force_login(officer)
    text = page(client.get(reverse("home")))
    overdue = (
        Action.objects.filter(objective__strategy=strategy, due_date__year__range=(2006, 2009))
        .overdue()
        .order_by("due_date")
    )
    assert overdue.exists()
    assert f"Overdue actions: {overdue.count()}" in text
    assert "From an old plan" not in text and "Due before the strategy began" not in text
    references = [f"Action {action.reference}<" for action in overdue]
    assert [text.index(reference) for reference in references] == sorted(
        text.index(reference) for reference in references
    )


def test_a_contributor_sees_each_owned_indicator_once_with_sent_back_figures_first(
    client, contributor, other_contributor, agency_a_indicators
):
    first, second, third = agency_a_indicators
    factories.FigureFactory(indicator=second, status=Figure.Status.RETURNED, return_reason="Check the total")
    submitted(third)
    theirs = factories.IndicatorFactory(
        objective=first.objective, title="Someone else's figure", owner=other_contributor.organisation
    )
    client.force_login(contributor)
    text = page(client.get(reverse("home")))
    section = text.split("Figures Connexions Portsmouth owes")[1].split("Indicators your organisation owns")[
        0
    ]
    assert "The officer's reason: Check the total" in section
    table = section.split("<tbody")[1]
    owned = first.objective.indicators.filter(owner=contributor.organisation).count()
    assert table.count('<tr class="govuk-table__row">') == owned == 3
    assert table.index(second.title) < table.index(first.title)
    assert table.index(first.title) < table.index(third.title)  # submitted: nothing left to do
    assert "Awaiting verification" in table and "Sent back" in table
    assert theirs.title not in section


def test_a_verified_figure_offers_a_reopen_request_the_officer_sees(
    client, contributor, officer, agency_a_indicators
):
    indicator = agency_a_indicators[0]
    figure = factories.FigureFactory(indicator=indicator, status=Figure.Status.VERIFIED, value=D(7))
    client.force_login(contributor)
    detail = page(client.get(indicator.get_absolute_url()))
    assert "Ask the officer to reopen this figure" in detail
    assert (
        f"{reverse('indicators:figure_edit', kwargs={'pk': indicator.pk, 'start': figure.period_start})}"
        not in detail
    )
    url = reverse("indicators:figure_reopen_request", kwargs={"pk": figure.pk})
    assert "Enter what is wrong with the figure" in page(client.post(url, {"reason": " "}))
    assert (
        client.post(url, {"reason": "We counted one carer twice"})["Location"] == indicator.get_absolute_url()
    )
    assert "already asked" in page(client.post(url, {"reason": "Again"}))
    assert ReopenRequest.objects.open().count() == 1

    client.force_login(officer)
    home = page(client.get(reverse("home")))
    assert "Requests to reopen a verified figure: 1" in home and "We counted one carer twice" in home
    from indicators.figures import figure_save

    figure_save(
        indicator=indicator, period=figure.period, user=officer, values={"value": D(6)}, expected_version=1
    )
    assert not ReopenRequest.objects.open().exists()
    assert "Requests to reopen" not in page(client.get(reverse("home")))


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("Timed out waiting for the worker")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_sent_back_figure_emails_its_contributors_once_however_often_the_job_runs(redis_url):
    organisation = factories.OrganisationFactory(name="Connexions Portsmouth", key="connexions")
    officer = factories.UserFactory(username="olivia", roles=[Role.OFFICER])
    contributor = factories.UserFactory(
        username="connor", roles=[Role.CONTRIBUTOR], organisation=organisation, email="connor@example.org"
    )
    factories.UserFactory(username="board", roles=[Role.BOARD_MEMBER], email="board@example.org")
    indicator = factories.IndicatorFactory(owner=organisation)
    figure = submitted(indicator, by=contributor)
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        figure_transition(
            figure_id=figure.pk,
            user=officer,
            to_status=Figure.Status.RETURNED,
            expected_version=figure.version,
            reason="The total is more than last year's children in care",
        )  # the email job is enqueued once the send-back is committed
        wait_for(lambda: SendBackNotification.objects.filter(sent_at__isnull=False).count() == 1)
        change = FigureChange.objects.get(event=FigureChange.Event.RETURNED)
        notify_sent_back.delay(change_id=change.pk)  # repeated, as a redelivered message would be
        notify_sent_back.delay(change_id=change.pk)
        broker = redis.Redis.from_url(redis_url)
        wait_for(lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0)
    assert [message.to for message in mail.outbox] == [["connor@example.org"]]
    assert "more than last year's children in care" in mail.outbox[0].body
    assert AuditEntry.objects.filter(object_type="indicators.SendBackNotification").exists()


def test_a_board_member_sees_the_latest_report_the_next_meeting_and_their_organisations_actions(
    client, board_member, agency_b, demo_strategy
):
    from board.models import EvaluationReport

    board_member.organisation = agency_b
    board_member.save()
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    held = factories.MeetingFactory()
    factories.MeetingFactory(date=timezone.localdate() + datetime.timedelta(days=5), status="scheduled")
    factories.BoardActionFactory(raised_at=held, owner=agency_b.name, text="Report on health checks")
    factories.BoardActionFactory(raised_at=held, owner="Connexions Portsmouth", text="Someone else's")
    client.force_login(board_member)
    text = page(client.get(reverse("home")))
    assert report.get_absolute_url() in text
    assert "in 5 days" in text
    assert f"Open Board actions for {agency_b.name} (1)" in text and "Report on health checks" in text
    assert "Someone else's" not in text


def test_a_councillor_reads_the_latest_newsletter_then_what_they_can_do(
    client, officer, councillor, demo_strategy
):
    from communications.models import Newsletter

    Newsletter.objects.create(
        month=datetime.date(2026, 3, 1), summary="March", headline="Our news", status="published"
    )
    client.force_login(officer)
    url = reverse("communications:guidance_edit")
    assert "Enter what a councillor can do" in page(client.post(url, {"text": " "}))
    client.post(url, {"text": "Visit a children's home with the officer."})
    stale = page(client.post(url, {"text": "Overwrite", "version": "0"}))
    assert "Someone else saved this text" in stale
    client.force_login(councillor)
    text = page(client.get(reverse("home")))
    assert text.index("The latest newsletter") < text.index("What you can do as a corporate parent")
    assert "Visit a children's home with the officer." in text
    assert AuditEntry.objects.filter(object_type="communications.CorporateParentGuidance").exists()


def home_queries(client, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def add_indicators(objective, organisation, count: int, *, start: int) -> None:
    quarter = last_ended_period(Frequency.QUARTERLY)
    for n in range(start, start + count):
        indicator = factories.IndicatorFactory(
            objective=objective, position=n, owner=organisation, frequency=Frequency.QUARTERLY
        )
        status = [Figure.Status.SUBMITTED, Figure.Status.RETURNED, Figure.Status.VERIFIED, None][n % 4]
        if status:
            factories.FigureFactory(indicator=indicator, period_start=quarter.start, status=status)
        factories.FigureFactory(
            indicator=indicator, period_start=quarter.previous().start, status=Figure.Status.VERIFIED
        )


def test_every_home_page_runs_the_same_queries_at_10_and_at_200_indicators(
    client, officer, contributor, board_member, councillor, objective
):
    people = {
        "officer": officer,
        "contributor": contributor,
        "board_member": board_member,
        "councillor": councillor,
    }
    add_indicators(objective, contributor.organisation, 10, start=1)
    at_10 = {name: home_queries(client, person) for name, person in people.items()}
    add_indicators(objective, contributor.organisation, 190, start=11)
    at_200 = {name: home_queries(client, person) for name, person in people.items()}
    assert at_200 == at_10


def test_a_contributor_turns_off_send_back_emails_from_their_account(
    client, contributor, officer, agency_a_indicators, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    assert "When a figure is sent back" in page(client.get(reverse("account")))
    client.post(reverse("indicators:email_setting"), {"email": "sent_back", "wanted": "no"})
    assert "You will no longer get emails when a figure is sent back" in page(client.get(reverse("account")))
    assert client.post(reverse("indicators:email_setting"), {"email": "nonsense"}).status_code == 302
    figure = submitted(agency_a_indicators[0], by=contributor)
    with django_capture_on_commit_callbacks(execute=True):
        figure_transition(
            figure_id=figure.pk,
            user=officer,
            to_status=Figure.Status.RETURNED,
            expected_version=figure.version,
            reason="Check it",
        )
    assert mail.outbox == []
    assert AuditEntry.objects.filter(object_type="portal.EmailPreference").exists()


def test_the_indicator_list_keeps_performance_and_timeliness_apart(client, officer, settings, objective):
    settings.FIGURE_DUE_DAYS = 0
    quarter = last_ended_period(Frequency.QUARTERLY)
    late = factories.IndicatorFactory(
        objective=objective, title="Rated but late", frequency=Frequency.QUARTERLY
    )
    factories.FigureFactory(
        indicator=late, period_start=quarter.previous().start, status=Figure.Status.VERIFIED, value=D(12)
    )
    factories.TargetFactory(indicator=late, period_start=quarter.previous().start, value=D(10))
    waiting = factories.IndicatorFactory(
        objective=objective, title="Just submitted", frequency=Frequency.QUARTERLY
    )
    submitted(waiting)
    client.force_login(officer)
    rows = page(client.get(reverse("indicators:list"))).split("<tbody")[1].split("</tr>")
    late_row = next(row for row in rows if "Rated but late" in row)
    assert "On target" in late_row and ">Overdue<" in late_row
    waiting_row = next(row for row in rows if "Just submitted" in row)
    assert "Awaiting verification" in waiting_row and "No data" not in waiting_row

"""The report as an exception report: comments beside the figures, four eyes, typed snapshots."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from board.models import EvaluationReport, IndicatorComment
from board.reports import latest_ended_half_year
from board.snapshot import SNAPSHOT_VERSION, ReportSnapshot
from indicators.choices import Polarity
from indicators.models import Figure, PerformanceIndicator
from portal.roles import Role

from . import factories


def off_target_indicator(strategy) -> PerformanceIndicator:
    """A higher-is-better indicator with a verified figure far below its target in the half-year."""
    indicator = (
        PerformanceIndicator.objects.filter(
            objective__strategy=strategy, polarity=Polarity.HIGHER_IS_BETTER, counts_children=False
        )
        .exclude(computation__gt="")
        .order_by("objective__number", "position")
        .first()
    )
    period = latest_ended_half_year()
    latest = factories.last_ended_period(indicator.frequency, today=period.end + datetime.timedelta(1))
    factories.TargetFactory(indicator=indicator, period_start=latest.start, value=Decimal("90"))
    factories.FigureFactory(
        indicator=indicator, period_start=latest.start, value=Decimal("10"), status=Figure.Status.VERIFIED
    )
    return indicator


@pytest.fixture
def second_officer(db):
    return factories.UserFactory(username="sam", roles=[Role.OFFICER])


def submit(client, report):
    return client.post(reverse("board:report_step", kwargs={"pk": report.pk, "step": "submit"}), follow=True)


def notice(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_submit_refuses_while_an_exception_has_no_comment_naming_it(client, officer, demo_strategy):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    [exception] = report.data.exceptions
    assert exception.reference == indicator.reference and exception.is_off_target
    client.force_login(officer)
    page = notice(client.get(report.get_absolute_url()))
    assert "Comment needed" in page and "1 exception still needs a comment" in page

    refused = notice(submit(client, report))
    assert f"Write a comment on each exception before submitting the report: {indicator.reference}" in refused
    assert "(off target)" in refused
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.DRAFT

    comment_url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": indicator.reference})
    form = client.get(comment_url).content.decode()
    assert indicator.title in form and "Off target" in form  # written beside its figures
    client.post(comment_url, {"text": "Two carers left; recruitment closes in March.", "version": "0"})
    submit(client, report)
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.SUBMITTED
    assert "Two carers left" in client.get(report.get_absolute_url()).content.decode()


def test_indicators_on_target_need_no_comment(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    assert report.data.exceptions == []
    client.force_login(officer)
    submit(client, report)
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.SUBMITTED


def test_a_comment_saved_meanwhile_is_shown_and_what_was_typed_is_kept(
    client, officer, second_officer, demo_strategy
):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": indicator.reference})
    client.force_login(second_officer)
    client.post(url, {"text": "Theirs", "version": "0"})
    client.force_login(officer)
    page = client.post(url, {"text": "Mine", "version": "0"}).content.decode()
    assert "Someone else saved a comment" in page and "Theirs" in page and "Mine</textarea>" in page
    assert IndicatorComment.objects.get().text == "Theirs"
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post(url, {"text": "Mine", "version": version})
    assert IndicatorComment.objects.get().text == "Mine"


def test_a_commentary_saved_meanwhile_is_refused(client, officer, second_officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    url = reverse("board:report_commentary", kwargs={"pk": report.pk})
    client.force_login(second_officer)
    client.post(url, {"executive_summary": "Theirs", "version": str(report.edit_version)})
    client.force_login(officer)
    page = client.post(url, {"executive_summary": "Mine", "version": str(report.edit_version)})
    text = page.content.decode()
    assert (
        "Someone else saved this while you were editing it" in text
        and "Theirs" in text
        and "Mine</textarea>" in text
    )
    report.refresh_from_db()
    assert report.executive_summary == "Theirs"


def test_invited_contributors_comment_on_their_organisations_rows_only(
    client, officer, demo_strategy, django_user_model
):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    owner = factories.UserFactory(username="owner", roles=[Role.CONTRIBUTOR], organisation=indicator.owner)
    url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": indicator.reference})
    client.force_login(owner)
    assert client.get(url).status_code == 403  # not invited yet
    client.force_login(officer)
    client.post(reverse("board:report_invite", kwargs={"pk": report.pk}), {"invited": "yes"})
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.post(url, {"text": "Our answer", "version": "0"})
    assert IndicatorComment.objects.get(report=report).written_by == owner
    other = next(e for e in report.data.indicators if e.owner_id and e.owner_id != indicator.owner_id)
    other_url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": other.reference})
    assert client.get(other_url).status_code == 403


def test_comments_are_frozen_with_the_version_and_carried_into_the_next_compile(
    client, officer, demo_strategy
):
    indicator = off_target_indicator(demo_strategy.strategy)
    first = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    url = reverse("board:report_comment", kwargs={"pk": first.pk, "reference": indicator.reference})
    client.post(url, {"text": "First words", "version": "0"})
    submit(client, first)
    page = client.post(url, {"text": "Changed after submitting", "version": "1"}).content.decode()
    assert "Only a draft report" in page
    second = factories.compiled_report(demo_strategy.strategy)
    assert second.version == 2
    carried = IndicatorComment.objects.get(report=second)
    assert carried.text == "First words" and carried.pk != IndicatorComment.objects.get(report=first).pk


def test_four_eyes_the_author_cannot_approve_another_officer_can(
    client, officer, second_officer, demo_strategy
):
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    submit(client, report)
    approve = reverse("board:report_step", kwargs={"pk": report.pk, "step": "approve"})
    refused = notice(client.post(approve, follow=True))
    assert "so another officer or the Board" in refused
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.SUBMITTED
    client.force_login(second_officer)
    client.post(approve)
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.APPROVED
    assert report.approved_by == second_officer and not report.approved_by_author


def test_the_boards_chair_approves(client, officer, board_member, demo_strategy):
    seat = demo_strategy.strategy.board_seats.get(is_chair=True)
    seat.person = board_member
    seat.save()
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    submit(client, report)
    client.force_login(board_member)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Approve" in page
    client.post(reverse("board:report_step", kwargs={"pk": report.pk, "step": "approve"}))
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.APPROVED and report.approved_by == board_member


def test_with_four_eyes_off_the_author_approves_and_the_report_says_so(
    client, officer, demo_strategy, settings
):
    settings.REPORT_FOUR_EYES = False
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    submit(client, report)
    client.post(reverse("board:report_step", kwargs={"pk": report.pk, "step": "approve"}))
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.APPROVED and report.approved_by_author
    assert "Approved by its author" in client.get(report.get_absolute_url()).content.decode()


def test_publishing_offers_the_next_meeting_first_and_names_it(client, officer, demo_strategy):
    today = datetime.date.today()
    past = factories.MeetingFactory(date=today - datetime.timedelta(days=10))
    later = factories.MeetingFactory(date=today + datetime.timedelta(days=90), status="scheduled")
    coming = factories.MeetingFactory(date=today + datetime.timedelta(days=20), status="scheduled")
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.APPROVED)
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'value="{coming.pk}" selected' in page and f'value="{later.pk}"' in page
    assert f'value="{past.pk}"' not in page
    publish = reverse("board:report_step", kwargs={"pk": report.pk, "step": "publish"})
    refused = notice(client.post(publish, {"meeting": past.pk}, follow=True))
    assert "Choose a meeting that has not taken place yet" in refused
    done = notice(client.post(publish, {"meeting": coming.pk}, follow=True))
    assert f"It is in the papers for {coming}" in done


OLD_SNAPSHOT = {
    "strategy": "Corporate Parenting Strategy 2006-2009",
    "council": "Portsmouth City Council",
    "period": {
        "code": "2025-26 H1",
        "label": "April to September 2025",
        "start": "2025-04-01",
        "end": "2025-09-30",
    },
    "headline": {"red": 1, "overdue": 1, "actions": 1, "actions_complete": 0},
    "objectives": [
        {
            "number": 1,
            "title": "Improve outcomes",
            "statement": "We will improve outcomes.",
            "indicators": [
                {
                    "reference": "1.1",
                    "title": "Placement stability",
                    "unit": "percentage",
                    "polarity": "Higher is better",
                    "owner": "Children's Social Care",
                    "counts_children": False,
                    "rag": "red",
                    "rag_label": "Off target",
                    "trend_previous": "Worsening",
                    "trend_year": "No earlier figure",
                    "data_status": "Verified",
                    "latest_period": "2025-26 Q2",
                    "rows": [
                        {
                            "period": "July to September 2025",
                            "value": "61.5",
                            "numerator": None,
                            "denominator": None,
                            "target": "70",
                            "rag": "Off target",
                        }
                    ],
                    "comparison": None,
                },
                {
                    "reference": "1.2",
                    "title": "Health checks",
                    "unit": "percentage",
                    "polarity": "Higher is better",
                    "owner": "",
                    "counts_children": False,
                    "rag": "overdue",
                    "rag_label": "Overdue",
                    "trend_previous": "No earlier figure",
                    "trend_year": "No earlier figure",
                    "data_status": "Not entered",
                    "latest_period": "",
                    "rows": [],
                    "comparison": None,
                },
            ],
            "actions": [
                {
                    "reference": "1a",
                    "text": "Recruit carers",
                    "lead": "Fostering",
                    "status": "Off track",
                    "due_date": "2025-06-30",
                    "overdue": True,
                    "latest_update": {"as_of": "2025-09-01", "note": "Campaign delayed"},
                }
            ],
        }
    ],
    "completeness": [{"organisation": "Children's Social Care", "due": 1, "verified": 1, "percent": 100}],
}


def test_a_snapshot_stored_in_the_first_shape_still_loads_and_shows(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    EvaluationReport.objects.filter(pk=report.pk).update(snapshot=OLD_SNAPSHOT)
    report.renderings.all().delete()  # a report of the first shape was compiled before bodies were stored
    report.refresh_from_db()
    data = report.data
    assert data.version == SNAPSHOT_VERSION
    first, overdue = data.objectives[0].indicators
    assert first.rows[0].code == "July to September 2025"  # the first shape had no period code
    assert first.is_exception and first.owner_id is None
    assert overdue.timeliness == "Overdue" and overdue.rating == "not_rated"  # overdue is no rating
    assert data.actions_off_track[0].latest_update.note == "Campaign delayed"
    assert ReportSnapshot.from_stored(data.to_stored()) == data
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Placement stability" in page and "Campaign delayed" in page and "Comment needed" in page
    assert client.get(reverse("board:report_csv", kwargs={"pk": report.pk})).status_code == 200


def test_a_new_snapshot_is_stored_with_its_version(demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    assert report.snapshot["version"] == SNAPSHOT_VERSION
    assert ReportSnapshot.from_stored(report.snapshot) == report.data


def test_the_report_charts_eight_quarters_frozen_and_the_exceptions_first(client, officer, demo_strategy):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    [entry] = report.data.exceptions
    assert 1 < len(entry.history) <= 8 and Decimal(entry.history[-1].value) == 10
    assert report.snapshot["objectives"][0]["indicators"][0]["history"]  # frozen in the stored snapshot
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    exception_chart = page.index(f"Chart of {indicator.reference}, an exception")
    assert exception_chart < page.index("Objective 1:")

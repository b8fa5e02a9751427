"""A frozen report is rendered once: its body and CSV are stored by the compile job and served as
stored, while the words written on a draft are never shown stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from board.models import EvaluationReport, ReportRendering
from board.reports import (
    DIGESTED_IN_DATABASE,
    REPORT_PERIODS,
    data_fingerprint,
    half_year,
    indicator_comment_save,
)
from indicators.models import Figure
from indicators.selectors import shown_periods

from . import factories
from .test_report_comments import off_target_indicator


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def stored(report, audience) -> ReportRendering:
    return ReportRendering.objects.get(report=report, audience=audience)


def test_the_compile_stores_each_audiences_body_and_csv(demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    renderings = {rendering.audience: rendering for rendering in report.renderings.all()}
    assert set(renderings) == {ReportRendering.Audience.EXACT, ReportRendering.Audience.SUPPRESSED}
    for rendering in renderings.values():
        assert "Executive summary" in rendering.html and "At a glance" in rendering.html
        assert rendering.csv.splitlines()[0].lstrip("\ufeff").startswith("objective,indicator,title")
    assert "Write a comment" in renderings["exact"].html  # the officer may comment on a draft
    assert "Write a comment" not in renderings["suppressed"].html


def test_the_report_page_and_csv_serve_what_is_stored(client, officer, board_member, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    client.force_login(officer)
    client.get(report.get_absolute_url())  # stores the bodies for the published status
    ReportRendering.objects.filter(report=report).update(
        html="<p>The stored body</p>", csv="objective,stored\r\n"
    )
    assert "The stored body" in page_text(client.get(report.get_absolute_url()))
    csv = client.get(reverse("board:report_csv", kwargs={"pk": report.pk}))
    assert csv.content == b"objective,stored\r\n"
    client.force_login(board_member)
    assert "The stored body" in page_text(client.get(report.get_absolute_url()))


def test_commentary_saved_on_a_draft_is_on_the_page_at_once(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    client.get(report.get_absolute_url())
    commentary = reverse("board:report_commentary", kwargs={"pk": report.pk})
    client.post(commentary, {"executive_summary": "Stability improved.", "objective_1": "Fostering grew."})
    assert "Stability improved." in stored(report, "exact").html
    assert "Fostering grew." in stored(report, "suppressed").html
    page = page_text(client.get(report.get_absolute_url()))
    assert "Stability improved." in page and "Fostering grew." in page
    client.post(commentary, {"executive_summary": "Second thoughts.", "objective_1": ""})
    page = page_text(client.get(report.get_absolute_url()))
    assert "Second thoughts." in page and "Stability improved." not in page and "Fostering grew." not in page


def test_an_indicator_comment_is_on_the_page_at_once_and_the_need_for_it_goes(client, officer, demo_strategy):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    assert "Comment needed" in page_text(client.get(report.get_absolute_url()))
    url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": indicator.reference})
    client.post(url, {"text": "Two placements ended; a review is under way.", "version": 0})
    assert "Two placements ended" in stored(report, "exact").html
    page = page_text(client.get(report.get_absolute_url()))
    assert "Two placements ended; a review is under way." in page and "Comment needed" not in page


def test_words_written_outside_the_pages_are_never_shown_stale(client, officer, demo_strategy):
    """A comment or summary changed by any other path (the admin site, a restore) is noticed."""
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    client.get(report.get_absolute_url())
    report.indicator_comments.create(reference=indicator.reference, text="Written elsewhere.")
    assert "Written elsewhere." in page_text(client.get(report.get_absolute_url()))
    EvaluationReport.objects.filter(pk=report.pk).update(executive_summary="Changed elsewhere.")
    assert "Changed elsewhere." in page_text(client.get(report.get_absolute_url()))


def test_submitting_takes_the_comment_links_off_the_officers_body(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    assert "Write a comment" in page_text(client.get(report.get_absolute_url()))
    client.post(reverse("board:report_step", kwargs={"pk": report.pk, "step": "submit"}))
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.SUBMITTED
    assert "Write a comment" not in stored(report, "exact").html
    assert "Write a comment" not in page_text(client.get(report.get_absolute_url()))


def test_a_report_compiled_before_bodies_were_stored_renders_once_and_is_stored(
    client, officer, demo_strategy
):
    report = factories.compiled_report(demo_strategy.strategy)
    report.renderings.all().delete()
    client.force_login(officer)
    page = page_text(client.get(report.get_absolute_url()))
    assert "At a glance" in page
    assert report.renderings.count() == 2
    csv = client.get(reverse("board:report_csv", kwargs={"pk": report.pk}))
    assert csv.content.startswith(b"\xef\xbb\xbfobjective,indicator")


def test_the_report_pages_queries_do_not_grow_with_the_comments(
    client, officer, demo_strategy, django_assert_max_num_queries
):
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    client.get(report.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(report.get_absolute_url())
    for entry in report.data.indicators:
        indicator_comment_save(
            report=report, reference=entry.reference, text="Noted.", user=officer, expected_version=0
        )
    with CaptureQueriesContext(connection) as many:
        client.get(report.get_absolute_url())
    assert len(many) == len(few)


@pytest.mark.parametrize("change", ["figure", "none"])
def test_the_data_changed_notice_is_one_query(client, officer, demo_strategy, change):
    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    if change == "figure":
        figure = Figure.objects.get(indicator=indicator)
        Figure.objects.filter(pk=figure.pk).update(version=figure.version + 1)
    strategy, period = report.strategy, half_year(report.period_start)
    with CaptureQueriesContext(connection) as queries:
        fingerprint = data_fingerprint(strategy=strategy, period=period)
    assert len(queries) == 1
    assert (fingerprint != report.data_fingerprint) == (change == "figure")
    client.force_login(officer)
    page = page_text(client.get(report.get_absolute_url()))
    assert ("Figures or actions have changed since" in page) == (change == "figure")


def test_a_report_fingerprinted_the_first_way_still_compares(client, officer, demo_strategy):
    """Reports compiled before the database digested the fingerprint keep their notice right."""
    report = factories.compiled_report(demo_strategy.strategy)
    assert report.data_fingerprint.startswith(DIGESTED_IN_DATABASE)
    strategy, period = report.strategy, half_year(report.period_start)
    first_way = data_fingerprint(strategy=strategy, period=period, like="0" * 64)
    assert not first_way.startswith(DIGESTED_IN_DATABASE)
    EvaluationReport.objects.filter(pk=report.pk).update(data_fingerprint=first_way)
    client.force_login(officer)
    assert "Figures or actions have changed since" not in page_text(client.get(report.get_absolute_url()))
    EvaluationReport.objects.filter(pk=report.pk).update(data_fingerprint="0" * 64)
    assert "Figures or actions have changed since" in page_text(client.get(report.get_absolute_url()))


def test_a_figure_before_every_period_the_report_reads_leaves_the_notice_off(client, officer, demo_strategy):
    """The notice follows what the report shows: a figure revised before its charts' periods
    changes nothing in it, while one revised inside them does. A version fingerprinted the
    earlier way (three years of figures) keeps being compared that way."""
    strategy = demo_strategy.strategy
    indicator = off_target_indicator(strategy)
    report = factories.compiled_report(strategy)
    period = half_year(report.period_start)
    earlier_kind = factories.compiled_report(strategy)
    EvaluationReport.objects.filter(pk=earlier_kind.pk).update(
        data_fingerprint=data_fingerprint(strategy=strategy, period=period, like="v2:")
    )
    client.force_login(officer)
    notice = "Figures or actions have changed since"
    assert notice not in page_text(client.get(earlier_kind.get_absolute_url()))

    as_of = period.end + datetime.timedelta(days=1)
    before_the_report = shown_periods(indicator.frequency, as_of, REPORT_PERIODS)[-1].previous()
    assert before_the_report in shown_periods(indicator.frequency, as_of)  # what the earlier way covers
    earlier = Figure.objects.filter(indicator=indicator, period_start=before_the_report.start).first()
    if earlier:
        Figure.objects.filter(pk=earlier.pk).update(version=earlier.version + 1)
    else:
        factories.FigureFactory(
            indicator=indicator, period_start=before_the_report.start, status=Figure.Status.VERIFIED
        )
    assert notice not in page_text(client.get(report.get_absolute_url()))
    assert notice in page_text(client.get(earlier_kind.get_absolute_url()))

    inside = Figure.objects.filter(indicator=indicator, period_end__lte=period.end).latest("period_end")
    Figure.objects.filter(pk=inside.pk).update(version=inside.version + 1)
    assert notice in page_text(client.get(report.get_absolute_url()))

"""A report's charts: linked from its page and fetched when opened, drawn in its Board paper."""

import datetime
import io
import re

import pypdf
import pytest
from django.urls import reverse

from board.models import EvaluationReport
from board.papers import report_pdf_bytes
from board.reports import latest_ended_half_year
from indicators.models import Figure

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_with_a_small_number(demo_strategy):
    """A count of children charted over two quarters: 3 children in the later one, 20 before."""
    after = latest_ended_half_year().end + datetime.timedelta(days=1)
    small = demo_strategy.objectives[2].indicators.get(counts_children=True, position=1)
    latest = factories.last_ended_period(small.frequency, today=after)
    for period, value in ((latest.previous(), 20), (latest, 3)):
        factories.FigureFactory(
            indicator=small, period_start=period.start, value=value, status=Figure.Status.VERIFIED
        )
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    return report, small, latest


def chart_url(report, indicator) -> str:
    return reverse("board:report_chart", kwargs={"pk": report.pk, "reference": indicator.reference})


def test_the_report_page_links_each_chart_instead_of_drawing_it(
    client, officer, published_with_a_small_number
):
    report, small, _ = published_with_a_small_number
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "<svg" not in page
    assert f'href="{chart_url(report, small)}"' in page
    assert page.count("data-chart-placeholder") == page.count('class="govuk-details"')


def test_a_board_member_reads_a_chart_with_the_small_number_hidden(
    client, officer, board_member, published_with_a_small_number
):
    report, small, latest = published_with_a_small_number
    client.force_login(officer)
    exact = client.get(chart_url(report, small)).content.decode()
    assert f"{latest.code}: 3" in exact  # the officer's chart describes every figure

    client.force_login(board_member)
    response = client.get(chart_url(report, small))
    assert response.status_code == 200
    shown = response.content.decode()
    [description] = re.findall(r"<desc [^>]*>(.*?)</desc>", shown, flags=re.S)
    assert latest.code not in description and f"{latest.previous().code}: 20" in description
    assert re.search(rf"{re.escape(latest.label)}</th>\s*<td[^>]*>c</td>", shown)


def test_a_chart_of_no_such_indicator_or_of_an_unpublished_version_is_not_found(
    client, board_member, demo_strategy, published_with_a_small_number
):
    report, small, _ = published_with_a_small_number
    draft = factories.compiled_report(demo_strategy.strategy)
    client.force_login(board_member)
    missing = reverse("board:report_chart", kwargs={"pk": report.pk, "reference": "PI 99.9"})
    assert client.get(missing).status_code == 404
    assert client.get(chart_url(draft, small)).status_code == 404


def test_the_board_paper_still_draws_every_chart(published_with_a_small_number):
    report, small, _ = published_with_a_small_number
    text = " ".join(
        page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(report_pdf_bytes(report))).pages
    )
    assert f"Chart of {small.reference}" in text
    assert "Solid line with filled dots: verified figures." in text

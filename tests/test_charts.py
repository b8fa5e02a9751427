"""Charts that tell the truth: read as the browser draws them, from the SVG the pages send.

Unverified and sent-back figures are hollow and named, the target is a line, which way is
better is written, a change of two points is visible with the scale's start stated, and no
text is under 12 px on a 320 px wide phone.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.urls import reverse

from comparisons.demo import published_statistics_load
from indicators.charts import MIN_TEXT_PX, NARROWEST_SHOWN, SeriesPoint, series_chart, y_axis
from indicators.choices import Frequency, Polarity, Unit
from indicators.models import CatalogueEntry, Figure, PerformanceIndicator
from indicators.services import catalogue_adopt

from . import factories
from .test_browser import assert_accessible, sign_in_by_keyboard


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def chart_text(svg: ET.Element) -> str:
    return " ".join(" ".join(text.itertext()) for text in svg.iter("text"))


def assert_text_readable_on_a_phone(svg: ET.Element):
    """Every text's size, scaled to the narrowest place a chart is shown at 320 px, is 12 px or more."""
    width = float(svg.get("viewBox").split()[2])
    texts = list(svg.iter("text"))
    assert texts
    for text in texts:
        assert float(text.get("font-size")) * NARROWEST_SHOWN / width >= MIN_TEXT_PX, text.get("font-size")


def figure(indicator, period, value, status=Figure.Status.VERIFIED):
    return factories.FigureFactory(
        indicator=indicator, period_start=period.start, value=D(value), status=status
    )


@pytest.fixture
def indicator_with_unverified_figures(db):
    """A percentage quarterly indicator: two verified figures, one sent back, one awaiting verification."""
    indicator = factories.IndicatorFactory(
        title="Care leavers in education, employment or training",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        frequency=Frequency.QUARTERLY,
    )
    latest = factories.last_ended_period(Frequency.QUARTERLY)
    earlier = latest.previous()
    figure(indicator, earlier.previous().previous(), 70)
    figure(indicator, earlier.previous(), 72)
    figure(indicator, earlier, 71, Figure.Status.RETURNED)
    figure(indicator, latest, 73, Figure.Status.SUBMITTED)
    for period in (earlier.previous().previous(), earlier.previous(), earlier, latest):
        factories.TargetFactory(indicator=indicator, period_start=period.start, value=D(75))
    return indicator


def test_the_officer_sees_unverified_and_sent_back_figures_hollow_and_named(
    client, officer, indicator_with_unverified_figures
):
    client.force_login(officer)
    html = client.get(indicator_with_unverified_figures.get_absolute_url()).content.decode()
    [svg] = svgs(html)
    states = {
        marker.get("data-state"): marker for marker in svg.iter() if marker.get("data-state") is not None
    }
    assert set(states) == {"verified", "not_verified", "sent_back"}
    assert "app-chart__point--hollow" not in states["verified"].get("class")
    assert "app-chart__point--hollow" in states["not_verified"].get("class")
    assert "app-chart__point--hollow" in states["sent_back"].get("class")
    # The line joins the two verified figures only.
    [line] = [path for path in svg.iter("path") if path.get("data-series") == "figures"]
    assert line.get("d").count("L") == 1
    # Named in the legend and the text alternative.
    assert "Hollow circles: figures not yet verified." in html
    assert "Hollow squares: figures sent back to be corrected." in html
    description = svg.find("desc").text
    assert "73% (not yet verified)" in description and "71% (sent back)" in description


def test_the_chart_draws_the_target_says_which_way_is_better_and_shows_a_two_point_change(
    client, officer, indicator_with_unverified_figures
):
    client.force_login(officer)
    html = client.get(indicator_with_unverified_figures.get_absolute_url()).content.decode()
    [svg] = svgs(html)
    assert [path for path in svg.iter("path") if path.get("data-series") == "target"]
    assert "↑ Higher is better" in chart_text(svg)
    # Figures from 70% to 75%: the scale does not start at zero, and says so.
    ticks = [text.text for text in svg.iter("text") if text.get("text-anchor") == "end"]
    assert ticks[0] != "0%" and "The scale starts at " + ticks[0] in html
    verified = [marker for marker in svg.iter("circle") if marker.get("data-state") == "verified"]
    first, second = (float(marker.get("cy")) for marker in verified)  # 70% then 72%
    assert first - second >= 20  # two points is at least a tenth of the drawing's height
    assert_text_readable_on_a_phone(svg)


def test_a_board_member_sees_only_verified_figures_filled(
    client, board_member, indicator_with_unverified_figures
):
    client.force_login(board_member)
    html = client.get(indicator_with_unverified_figures.get_absolute_url()).content.decode()
    [svg] = svgs(html)
    assert {marker.get("data-state") for marker in svg.iter() if marker.get("data-state")} == {"verified"}
    assert "Hollow circles" not in html


def test_the_scale_starts_at_zero_unless_that_would_hide_a_two_point_change():
    assert y_axis([D(70), D(72)], unit=Unit.PERCENTAGE).bottom > 0
    assert y_axis([D(5), D(40)], unit=Unit.COUNT).bottom == 0
    axis = y_axis([D(96), D(99)], unit=Unit.PERCENTAGE)
    assert axis.top == 100 and axis.bottom > 0 and len(axis.ticks) >= 4
    axis = y_axis([D(0), D(0)], unit=Unit.COUNT)
    assert axis.bottom == 0 and axis.top > 0
    axis = y_axis([D(-500), D(-100)], unit=Unit.MONEY)  # an overspend: below zero, a few ticks
    assert axis.bottom <= -500 and axis.top == 0 and len(axis.ticks) <= 6
    axis = y_axis([D(-20), D(30)], unit=Unit.MONEY)
    assert axis.bottom <= -20 and axis.top >= 30 and len(axis.ticks) <= 7


def test_a_lower_is_better_chart_says_so():
    indicator = PerformanceIndicator(
        unit=Unit.COUNT, title="Missing episodes", polarity=Polarity.LOWER_IS_BETTER
    )
    chart = series_chart(
        indicator=indicator,
        series=[SeriesPoint("2024-25 Q1", D(12), D(10)), SeriesPoint("2024-25 Q2", D(9), D(10))],
        table_note="",
    )
    assert chart.better == "↓ Lower is better" and "Lower is better." in chart.description


def test_the_comparison_chart_draws_the_local_target_and_readable_text(client, officer, demo_strategy):
    published_statistics_load()
    indicator = catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-placements-3-plus"), objective=demo_strategy.objectives[1]
    )
    factories.TargetFactory(
        indicator=indicator, frequency=Frequency.ANNUAL, period_start=datetime.date(2023, 4, 1), value=D("9")
    )
    client.force_login(officer)
    html = client.get(indicator.get_absolute_url()).content.decode()
    [svg] = [svg for svg in svgs(html) if "compared with England" in svg.find("title").text]
    assert [path for path in svg.iter("path") if path.get("data-series") == "target"]
    assert "↓ Lower is better" in chart_text(svg)
    assert "council's local target" in html
    assert_text_readable_on_a_phone(svg)


def test_the_report_charts_follow_the_same_rules(client, officer, demo_strategy):
    from .test_report_comments import off_target_indicator

    indicator = off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    client.force_login(officer)
    html = client.get(report.get_absolute_url()).content.decode()
    # The page links each chart from its closed details, which fetch it when opened.
    chart_links = re.findall(r'href="(/board/reports/\d+/charts/[^"]+/)"', html)
    assert chart_links
    charts = [svg for link in chart_links for svg in svgs(client.get(link).content.decode())]
    assert len(charts) == len(chart_links)
    for svg in charts:
        assert_text_readable_on_a_phone(svg)
        # A report holds verified figures only.
        assert {marker.get("data-state") for marker in svg.iter() if marker.get("data-state")} <= {"verified"}
    [exception] = [svg for svg in charts if svg.find("title").text.startswith(indicator.title)]
    assert [path for path in exception.iter("path") if path.get("data-series") == "target"]
    assert "↑ Higher is better" in chart_text(exception)


RENDERED_TEXT_SIZES = """
(svg) => Array.from(svg.querySelectorAll("text")).map((text) => {
  const matrix = text.getScreenCTM();
  return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
})
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chart_text_is_at_least_12px_on_a_320px_wide_phone(live_server, officer, demo_strategy, browser_page):
    from .test_report_comments import off_target_indicator

    indicator = factories.IndicatorFactory(
        title="Care leavers in education, employment or training",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        frequency=Frequency.QUARTERLY,
    )
    latest = factories.last_ended_period(Frequency.QUARTERLY)
    figure(indicator, latest.previous(), 70)
    figure(indicator, latest, 72, Figure.Status.SUBMITTED)
    off_target_indicator(demo_strategy.strategy)
    report = factories.compiled_report(demo_strategy.strategy)
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_by_keyboard(page, live_server, officer.username)
    sizes = {}
    page.goto(live_server.url + indicator.get_absolute_url())
    sizes["indicator page"] = page.locator("svg.app-chart__svg").first.evaluate(RENDERED_TEXT_SIZES)
    assert_accessible(page)
    page.goto(live_server.url + report.get_absolute_url())
    summary = page.locator("summary", has_text="an exception").first
    summary.click()
    sizes["report"] = summary.locator("xpath=..").locator("svg").evaluate(RENDERED_TEXT_SIZES)
    for where, measured in sizes.items():
        assert measured and min(measured) >= MIN_TEXT_PX, (where, measured)


def test_the_report_keeps_the_rating_and_the_timeliness_apart(client, officer, demo_strategy, settings):
    """A late figure awaiting verification reads "Awaiting verification" in the report, and the
    comment form shows the rating of the latest verified figure, never "Overdue" in its place."""
    from board.reports import latest_ended_half_year

    from .test_report_comments import off_target_indicator

    settings.FIGURE_DUE_DAYS = 0
    indicator = off_target_indicator(demo_strategy.strategy)  # verified, far below its target
    period = latest_ended_half_year()
    latest = factories.last_ended_period(indicator.frequency, today=period.end + datetime.timedelta(1))
    Figure.objects.filter(indicator=indicator, period_start=latest.start).update(
        status=Figure.Status.SUBMITTED
    )
    figure(indicator, latest.previous(), 12)  # the latest verified figure, off target
    factories.TargetFactory(indicator=indicator, period_start=latest.previous().start, value=D(90))
    report = factories.compiled_report(demo_strategy.strategy)
    [entry] = [
        entry
        for objective in report.data.objectives
        for entry in objective.indicators
        if entry.reference == indicator.reference
    ]
    assert entry.timeliness == "Awaiting verification" and entry.rating == "red"
    client.force_login(officer)
    url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": indicator.reference})
    form = client.get(url).content.decode()
    assert "Off target" in form and "Figure: awaiting verification" in form

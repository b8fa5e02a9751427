"""The strategy overview at a glance: performance and timeliness counted apart, each count a way in."""

import datetime
import html
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communications.models import Newsletter
from communications.selectors import public_figures
from indicators.choices import Frequency, Polarity
from indicators.models import Figure, PerformanceIndicator
from indicators.selectors import has_performance, indicator_statuses
from indicators.states import indicator_state_refresh

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture
def strategy(db):
    return factories.StrategyFactory(is_current=True)


def figure(indicator, period, value, status=Figure.Status.VERIFIED, verified_at=None):
    return factories.FigureFactory(
        indicator=indicator,
        period_start=period.start,
        value=D(value),
        status=status,
        verified_at=verified_at or (timezone.now() if status == Figure.Status.VERIFIED else None),
    )


@pytest.fixture
def mixed_objective(strategy, settings):
    """One objective with one indicator in each state the matrix and the timeliness count."""
    settings.FIGURE_DUE_DAYS = 0
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    latest = last_ended_period(Frequency.QUARTERLY)

    def indicator(title, **kwargs):
        return factories.IndicatorFactory(
            objective=objective, title=title, frequency=Frequency.QUARTERLY, **kwargs
        )

    on_target = indicator("On target now")
    figure(on_target, latest, 12)
    factories.TargetFactory(indicator=on_target, period_start=latest.start, value=D(10))
    # Rated on target last quarter, this quarter's figure overdue: still on target, and overdue.
    late = indicator("On target but late")
    figure(late, latest.previous(), 15)
    factories.TargetFactory(indicator=late, period_start=latest.previous().start, value=D(10))
    off_target = indicator("Off target now")
    figure(off_target, latest, 2)
    factories.TargetFactory(indicator=off_target, period_start=latest.start, value=D(10))
    no_target = indicator("No target set")
    figure(no_target, latest, 7)
    no_direction = indicator("Neither way better", polarity=Polarity.NO_DIRECTION)
    figure(no_direction, latest, 7)
    factories.TargetFactory(indicator=no_direction, period_start=latest.start, value=D(10))
    waiting = indicator("Just submitted")
    figure(waiting, latest, 9, status=Figure.Status.SUBMITTED)
    returned = indicator("Sent back to its owner")
    figure(returned, latest, 9, status=Figure.Status.RETURNED)
    return objective


def matrix_row(text: str, number: int) -> str:
    table = text.split('id="objectives-overview-table-1"')[1].split("</table>")[0]
    return next(row for row in table.split("<tr") if f">Objective {number}</a>" in row)


def test_the_overview_counts_each_objective_by_rating_and_the_counts_match_the_records(
    client, officer, mixed_objective
):
    client.force_login(officer)
    text = page(client.get(reverse("objectives:overview")))
    row = text_of(matrix_row(text, 1))
    # Counted independently from the records, through the same rule as the list's filter.
    statuses = indicator_statuses(
        PerformanceIndicator.objects.filter(objective=mixed_objective), user=officer
    )
    expected = {
        column: sum(1 for status in statuses if has_performance(status, column))
        for column in ("green", "amber", "red", "no_target", "no_data")
    }
    assert expected == {"green": 2, "amber": 0, "red": 1, "no_target": 2, "no_data": 2}
    assert "2 on target" in row and "1 off target" in row and "2 no target" in row and "2 no data" in row
    assert "0 near target" in row
    # Late figures are counted as timeliness, never in place of a rating.
    timeliness = text_of(text.split('id="objectives-overview-table-3"')[1].split("</table>")[0])
    assert (
        "1 overdue" in timeliness and "1 awaiting verification" in timeliness and "1 sent back" in timeliness
    )


def test_each_count_links_to_the_indicators_it_counts(client, officer, mixed_objective):
    client.force_login(officer)
    row = matrix_row(page(client.get(reverse("objectives:overview"))), 1)
    links = dict(
        (column, href)
        for href, column in re.findall(r'href="([^"]*performance=(\w+))"', row)
        for href in [href.replace("&amp;", "&")]
    )
    assert set(links) == {"green", "red", "no_target", "no_data"}  # a zero is not a link
    listed = {}
    for column, href in links.items():
        assert f"objective={mixed_objective.number}" in href
        table = page(client.get(href)).split("<tbody")[1]
        listed[column] = sorted(
            indicator.title
            for indicator in PerformanceIndicator.objects.filter(objective=mixed_objective)
            if f"{indicator.reference} {indicator.title}</a>" in table
        )
    assert listed["green"] == ["On target but late", "On target now"]
    assert listed["red"] == ["Off target now"]
    assert listed["no_target"] == ["Neither way better", "No target set"]
    assert listed["no_data"] == ["Just submitted", "Sent back to its owner"]


def test_an_unknown_performance_filter_lists_everything(client, officer, mixed_objective):
    client.force_login(officer)
    response = client.get(reverse("indicators:list") + "?performance=<script>")
    assert response.status_code == 200
    assert "7 indicators" in page(response)


def test_the_indicator_page_shows_its_rating_and_its_timeliness_apart(client, officer, mixed_objective):
    client.force_login(officer)
    late = PerformanceIndicator.objects.get(title="On target but late")
    text = text_of(page(client.get(late.get_absolute_url())))
    assert "Performance On target" in text and "Timeliness Overdue" in text
    waiting = PerformanceIndicator.objects.get(title="Just submitted")
    text = text_of(page(client.get(waiting.get_absolute_url())))
    assert "Timeliness Awaiting verification" in text
    figures = text.split("Figures", 1)[1]
    assert "Awaiting verification" in figures


def test_pages_with_figures_say_how_current_they_are(client, board_member, mixed_objective):
    verified_on = datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    Figure.objects.filter(indicator__title="Off target now").update(verified_at=verified_on)
    Figure.objects.filter(status=Figure.Status.VERIFIED).exclude(indicator__title="Off target now").update(
        verified_at=verified_on - datetime.timedelta(days=40)
    )
    # Written behind the services' backs, so the indicators' states are refreshed as a service would.
    indicator_state_refresh(indicator_ids=PerformanceIndicator.objects.values_list("pk", flat=True))
    client.force_login(board_member)
    for url in (
        reverse("objectives:overview"),
        reverse("indicators:list"),
        PerformanceIndicator.objects.get(title="Off target now").get_absolute_url(),
    ):
        assert "Data as at 4 March 2026" in page(client.get(url)), url


def test_the_overview_runs_the_same_queries_for_the_officer_at_10_and_200_indicators(
    client, officer, strategy
):
    def queries_with(count: int) -> int:
        objective = factories.ObjectiveFactory(strategy=strategy, number=count)
        latest = last_ended_period(Frequency.QUARTERLY)
        for number in range(count):
            indicator = factories.IndicatorFactory(objective=objective, frequency=Frequency.QUARTERLY)
            status = [Figure.Status.VERIFIED, Figure.Status.SUBMITTED, Figure.Status.RETURNED][number % 3]
            figure(indicator, latest, number, status=status)
            factories.TargetFactory(indicator=indicator, period_start=latest.start)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("objectives:overview")).status_code == 200
        objective.delete()
        return len(context.captured_queries)

    assert queries_with(10) == queries_with(200)


def test_the_newsletter_rates_the_latest_verified_figure_and_says_apart_that_the_next_is_late(
    client, councillor, strategy, settings
):
    settings.FIGURE_DUE_DAYS = 0
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    latest = last_ended_period(Frequency.QUARTERLY)
    late = factories.IndicatorFactory(objective=objective, title="Visits on time", counts_children=False)
    figure(
        late,
        latest.previous(),
        12,
        verified_at=datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC),
    )
    factories.TargetFactory(indicator=late, period_start=latest.previous().start, value=D(10))
    waiting = factories.IndicatorFactory(objective=objective, title="Plans reviewed", counts_children=False)
    figure(waiting, latest.previous(), 3)
    factories.TargetFactory(indicator=waiting, period_start=latest.previous().start, value=D(10))
    figure(waiting, latest, 9, status=Figure.Status.SUBMITTED)
    newsletter = Newsletter.objects.create(
        month=datetime.date(2026, 10, 1),
        summary="Summary.",
        headline="Headline.",
        stories="- A story.",
        status=Newsletter.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    newsletter.headline_indicators.set([late, waiting])
    newsletter.published_figures = public_figures(newsletter.headline_indicators.all())
    newsletter.save()
    client.force_login(councillor)
    text = text_of(page(client.get(newsletter.get_absolute_url())))
    visits, plans = text.split("Visits on time")[1].split("Plans reviewed")
    assert "Target 10: on target." in visits
    assert "Data as at 4 March 2026" in visits
    assert f"The figure for {latest.label} is overdue." in visits
    assert "Target 10: off target." in plans
    assert f"The figure for {latest.label} is awaiting verification." in plans

"""The overview and the indicator list read the stored states: paged, with sparklines and arrows,
and as quick with years of history and earlier strategies as without."""

import datetime
import html
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.pagination import page_numbers
from indicators.choices import Frequency, Polarity, Unit
from indicators.models import Figure
from indicators.periods import Period

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def rows_listed(text: str) -> int:
    return text.count('data-label="Indicator"')


def figure(indicator, period, value, status=Figure.Status.VERIFIED, **kwargs):
    return factories.FigureFactory(
        indicator=indicator,
        period_start=period.start,
        value=D(value),
        status=status,
        verified_at=timezone.now() if status == Figure.Status.VERIFIED else None,
        **kwargs,
    )


@pytest.fixture
def strategy(db):
    return factories.StrategyFactory(is_current=True)


def test_the_indicator_list_shows_fifty_at_a_time_and_keeps_its_filters(client, officer, strategy):
    first = factories.ObjectiveFactory(strategy=strategy, number=1)
    second = factories.ObjectiveFactory(strategy=strategy, number=2)
    for position in range(1, 121):
        factories.IndicatorFactory(objective=first, position=position, title=f"Measure {position:03d}")
    factories.IndicatorFactory(objective=second, position=1, title="Another objective's measure")
    client.force_login(officer)

    text = page(client.get(reverse("indicators:list"), {"objective": "1"}))
    assert rows_listed(text) == 50
    assert "120 indicators match the filters, 1 to 50 shown" in text
    assert 'href="?objective=1&page=2"' in text and 'aria-current="page"' in text
    assert "Another objective's measure" not in text

    last = page(client.get(reverse("indicators:list"), {"objective": "1", "page": "3"}))
    assert rows_listed(last) == 20
    assert "Measure 120" in last and "Measure 001" not in last
    assert 'href="?objective=1&page=2" rel="prev"' in last

    # A page beyond the last shows the last; a short list shows no pagination at all.
    assert rows_listed(page(client.get(reverse("indicators:list"), {"objective": "1", "page": "9"}))) == 20
    assert "govuk-pagination" not in page(client.get(reverse("indicators:list"), {"objective": "2"}))


def test_the_page_numbers_skip_with_an_ellipsis_between_the_ends_and_the_current_page():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert page_numbers(10, 10) == [1, None, 9, 10]


@pytest.fixture
def falling_count(strategy):
    """Children missing from care, lower is better: 9, 7, 3 verified, then a submitted 2."""
    indicator = factories.IndicatorFactory(
        objective=factories.ObjectiveFactory(strategy=strategy, number=1),
        title="Children missing from care",
        unit=Unit.COUNT,
        polarity=Polarity.LOWER_IS_BETTER,
        frequency=Frequency.QUARTERLY,
        counts_children=True,
    )
    latest = last_ended_period(Frequency.QUARTERLY)
    figure(indicator, latest.previous().previous().previous(), 9)
    figure(indicator, latest.previous().previous(), 7)
    figure(indicator, latest.previous(), 3)
    figure(indicator, latest, 2, status=Figure.Status.SUBMITTED)
    factories.TargetFactory(indicator=indicator, period_start=latest.previous().start, value=D(4))
    return indicator, latest


def sparkline_words(text: str) -> str:
    return re.search(r'class="app-sparkline"[^>]*aria-label="([^"]*)"', text).group(1)


def test_each_indicator_has_a_sparkline_and_an_arrow_worded_by_polarity(client, officer, falling_count):
    indicator, latest = falling_count
    client.force_login(officer)
    text = page(client.get(reverse("indicators:list")))
    words = sparkline_words(text)
    assert words.startswith("Last eight periods: ")
    assert f"{latest.previous().code}: 3" in words
    assert f"{latest.code}: 2 (submitted)" in words  # the officer sees the unverified figure, marked
    assert "app-sparkline__mark--unverified" in text  # and drawn hollow
    assert "app-sparkline__target" in text
    arrow = '<span class="app-trend app-trend--improving"><span aria-hidden="true">▼</span>'
    assert f"{arrow} Improving: fewer is better" in text


def test_the_board_sees_only_verified_figures_in_a_sparkline_with_small_numbers_hidden(
    client, board_member, falling_count
):
    indicator, latest = falling_count
    client.force_login(board_member)
    words = sparkline_words(page(client.get(reverse("indicators:list"))))
    assert f"{latest.previous().previous().code}: 7" in words
    assert f"{latest.previous().code}: c" in words  # 3 children: suppressed
    assert f"{latest.code}: no figure" in words  # submitted, not verified: not shown
    assert "(submitted)" not in words


def test_the_overview_names_each_objectives_indicators_off_target_or_worsening(
    client, board_member, strategy
):
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    latest = last_ended_period(Frequency.QUARTERLY)

    def indicator(title, earlier, now, target):
        made = factories.IndicatorFactory(objective=objective, title=title, frequency=Frequency.QUARTERLY)
        figure(made, latest.previous(), earlier)
        figure(made, latest, now)
        factories.TargetFactory(indicator=made, period_start=latest.start, value=D(target))
        return made

    indicator("Off target and steady", 5, 5, 10)
    indicator("On target but worse", 20, 15, 10)
    indicator("On target and better", 15, 20, 10)
    client.force_login(board_member)
    text = page(client.get(reverse("objectives:overview")))
    exceptions = text.split('id="exceptions"')[1].split('id="objectives-overview-table-3"')[0]
    assert "Objective 1: 2 indicators off target or worse than the period before" in exceptions
    assert "Off target and steady" in exceptions and "On target but worse" in exceptions
    assert "On target and better" not in exceptions
    assert "Worsening: more is better" in exceptions


def test_no_page_reads_figures_once_the_states_are_current(client, officer, strategy):
    """History does not slow the present: an earlier strategy's years of figures are never read."""
    earlier = factories.StrategyFactory(is_current=False, period_start=2014, period_end=2017)
    old = factories.IndicatorFactory(
        objective=factories.ObjectiveFactory(strategy=earlier, number=1), frequency=Frequency.MONTHLY
    )
    period = last_ended_period(Frequency.MONTHLY)
    for _ in range(24):
        figure(old, period, 5)
        period = period.previous()
    current = factories.IndicatorFactory(
        objective=factories.ObjectiveFactory(strategy=strategy, number=1), frequency=Frequency.QUARTERLY
    )
    figure(current, last_ended_period(Frequency.QUARTERLY), 8)
    client.force_login(officer)
    for url in (reverse("objectives:overview"), reverse("indicators:list")):
        with CaptureQueriesContext(connection) as context:
            page(client.get(url))
        sql = [query["sql"] for query in context.captured_queries]
        assert not [query for query in sql if '"indicators_figure"' in query], url
        assert not [query for query in sql if '"indicators_target"' in query], url


@pytest.mark.parametrize("url_name", ["indicators:list", "objectives:overview"])
def test_the_officers_dashboards_run_the_same_queries_at_10_and_200_indicators(
    client, officer, strategy, url_name
):
    def queries_with(count: int) -> int:
        objective = factories.ObjectiveFactory(strategy=strategy, number=count)
        latest = last_ended_period(Frequency.QUARTERLY)
        for number in range(count):
            indicator = factories.IndicatorFactory(objective=objective, frequency=Frequency.QUARTERLY)
            status = [Figure.Status.VERIFIED, Figure.Status.SUBMITTED, Figure.Status.RETURNED][number % 3]
            figure(indicator, latest, number, status=status)
            figure(indicator, latest.previous(), number + 1)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as context:
            page(client.get(reverse(url_name), {"page": "2"} if url_name == "indicators:list" else {}))
        objective.delete()
        return len(context.captured_queries)

    assert queries_with(10) == queries_with(200)


def test_the_portal_counts_only_the_organisations_contributing_to_its_own_strategy(client, officer, strategy):
    half = last_ended_period(Frequency.HALF_YEARLY)
    month = datetime.date(half.end.year, half.end.month, 1)
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    counted = factories.IndicatorFactory(
        objective=objective,
        title="Range of organisations contributing",
        computation="contributing_organisations",
        frequency=Frequency.HALF_YEARLY,
        owner=None,
    )
    for _ in range(2):
        figure(
            factories.IndicatorFactory(objective=objective, frequency=Frequency.MONTHLY),
            Period(Frequency.MONTHLY, month),
            1,
        )
    earlier = factories.ObjectiveFactory(strategy=factories.StrategyFactory(is_current=False), number=1)
    for _ in range(3):
        figure(
            factories.IndicatorFactory(objective=earlier, frequency=Frequency.MONTHLY),
            Period(Frequency.MONTHLY, month),
            1,
        )
    client.force_login(officer)
    text = page(client.get(counted.get_absolute_url())).replace("\n", "")
    assert text.split(f"{half.label}</th>")[1].split("</td>")[0].strip().endswith("2")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboards_fit_at_1280_reflow_at_320_and_pass_the_accessibility_scan(
    live_server, demo_strategy, officer, board_member, browser_page
):
    from indicators.demo import demo_figures_load

    from .test_browser import assert_accessible, sign_in_by_keyboard

    demo_figures_load(strategy=demo_strategy.strategy, officer=officer, entered_by={})
    pages = [reverse("objectives:overview"), reverse("indicators:list")]
    page = browser_page
    for person in (officer, board_member):
        page.set_viewport_size({"width": 1280, "height": 800})
        sign_in_by_keyboard(page, live_server, person.username)
        for path in pages:
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            assert_accessible(page)
            assert page.get_by_role("img", name=re.compile("^Last eight periods: ")).first.is_visible()
            too_wide = page.evaluate(
                "[...document.querySelectorAll('.app-table-container')]"
                ".filter(box => box.scrollWidth > box.clientWidth + 1).length"
            )
            assert too_wide == 0, f"{path}: a table is wider than its container at 1280px"
        page.set_viewport_size({"width": 320, "height": 800})
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), path
        page.set_viewport_size({"width": 1280, "height": 800})
        page.get_by_role("button", name="Sign out").click()


def test_the_overview_names_at_most_five_exceptions_an_objective_and_links_to_the_rest(
    client, officer, strategy
):
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    latest = last_ended_period(Frequency.QUARTERLY)
    for position in range(1, 9):
        made = factories.IndicatorFactory(
            objective=objective, position=position, title=f"Short of target {position}"
        )
        figure(made, latest, 1)
        factories.TargetFactory(indicator=made, period_start=latest.start, value=D(10))
    client.force_login(officer)
    text = page(client.get(reverse("objectives:overview")))
    exceptions = text.split('id="exceptions"')[1].split('id="objectives-overview-table-3"')[0]
    assert (
        "Objective 1: 8 indicators off target or worse than the period before, the first 5 shown"
        in exceptions
    )
    assert exceptions.count('data-label="Indicator"') == 5
    assert f'href="{reverse("indicators:list")}?objective=1">All objective 1' in exceptions


def test_the_list_filters_timeliness_apart_from_the_rating(client, officer, strategy, settings):
    settings.FIGURE_DUE_DAYS = 0
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    latest = last_ended_period(Frequency.QUARTERLY)
    nobody_reported = factories.IndicatorFactory(
        objective=objective, position=1, title="Nobody reported", frequency=Frequency.QUARTERLY
    )
    waiting = factories.IndicatorFactory(
        objective=objective, position=2, title="Waiting for the officer", frequency=Frequency.QUARTERLY
    )
    figure(waiting, latest, 12, status=Figure.Status.SUBMITTED)
    on_time = factories.IndicatorFactory(
        objective=objective, position=3, title="Reported and verified", frequency=Frequency.QUARTERLY
    )
    figure(on_time, latest, 40)
    client.force_login(officer)

    def listed(**query) -> set[str]:
        text = page(client.get(reverse("indicators:list"), query))
        return {title for title in (nobody_reported.title, waiting.title, on_time.title) if title in text}

    assert listed(timeliness="overdue") == {"Nobody reported"}
    assert listed(timeliness="awaiting") == {"Waiting for the officer"}
    assert listed(timeliness="on_time") == {"Reported and verified"}
    # A rating filter never offers "Overdue": lateness is its own filter.
    text = page(client.get(reverse("indicators:list")))
    rating_filter = re.search(r'<select class="govuk-select" id="filter-performance".*?</select>', text, re.S)
    assert "Overdue" not in rating_filter.group(0)
    # Links made before the two were apart still work.
    assert listed(rag="overdue") == {"Nobody reported"}

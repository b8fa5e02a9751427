"""The officer's and the contributor's worklists with the keyboard alone, and the axe scan on each page."""

from decimal import Decimal as D

import pytest

from indicators.choices import Frequency
from indicators.models import Figure
from portal.models import EmailKind, EmailPreference

from . import factories
from .test_board_keyboard import button
from .test_browser import assert_accessible, link, press_enter_on, sign_in_by_keyboard, tab_to


@pytest.fixture
def owned_indicators(contributor):
    objective = factories.ObjectiveFactory(strategy=factories.StrategyFactory(is_current=True))
    return [
        factories.IndicatorFactory(
            objective=objective,
            title=f"Carers trained {n}",
            owner=contributor.organisation,
            frequency=Frequency.QUARTERLY,
        )
        for n in (1, 2)
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_verifies_a_figure_from_the_worklist_with_the_keyboard_alone(
    live_server, officer, owned_indicators, browser_page
):
    figure = factories.FigureFactory(
        indicator=owned_indicators[0], status=Figure.Status.SUBMITTED, value=D(12)
    )
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    assert page.get_by_text("Figures awaiting verification: 1").is_visible()
    assert_accessible(page)
    tab_to(page, lambda focused: focused["id"] == "id_figures", limit=200)
    page.keyboard.press("Space")
    press_enter_on(page, button("Verify selected figures"))
    figure.refresh_from_db()
    assert figure.status == Figure.Status.VERIFIED and figure.verified_by == officer
    assert page.get_by_text("Figures awaiting verification: 0").is_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_contributor_opens_a_sent_back_figure_and_turns_an_email_off_with_the_keyboard_alone(
    live_server, contributor, owned_indicators, browser_page
):
    indicator = owned_indicators[1]
    figure = factories.FigureFactory(
        indicator=indicator, status=Figure.Status.RETURNED, value=D(9), return_reason="Check the total"
    )
    page = browser_page
    sign_in_by_keyboard(page, live_server, contributor.username)
    assert page.get_by_text("The officer's reason: Check the total").is_visible()
    assert_accessible(page)
    press_enter_on(page, link(f"{indicator.reference} {indicator.title}, {figure.period.label}"), limit=200)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == f"Change the figure for {figure.period.label}"
    assert_accessible(page)

    press_enter_on(page, link("Your account"))
    assert_accessible(page)
    press_enter_on(page, button("Turn off"), limit=200)  # the first: when a figure is sent back
    assert page.get_by_text("When a figure is sent back: turned off.").is_visible()
    assert EmailPreference.objects.get(person=contributor, kind=EmailKind.SENT_BACK).wanted is False
    assert_accessible(page)

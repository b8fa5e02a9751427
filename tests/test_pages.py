"""What each person sees on the strategy pages and their home page."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Action, Objective

from . import factories


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_officer_sees_the_whole_strategy(client, officer, demo_strategy):
    client.force_login(officer)
    strategy = demo_strategy.strategy
    overview = page_text(client.get(reverse("objectives:overview")))
    assert strategy.overall_aim in overview
    for outcome in strategy.outcomes.all():
        assert outcome.name in overview
    for objective in strategy.objectives.all():
        assert objective.statement in overview
    for duty in strategy.duties.all():
        assert duty.text in overview
    for objective in strategy.objectives.all():
        page = page_text(client.get(objective.get_absolute_url()))
        for action in objective.actions.all():
            assert action.text in page
        for indicator in objective.indicators.all():
            assert indicator.title in page


def test_objective_one_links_to_objective_four(client, officer, demo_strategy):
    client.force_login(officer)
    page = page_text(client.get(reverse("objectives:detail", kwargs={"number": 1})))
    assert f'href="{reverse("objectives:detail", kwargs={"number": 4})}"' in page
    assert "Green Report outcomes" in page


def test_an_indicator_page_explains_the_indicator(client, board_member, demo_strategy):
    client.force_login(board_member)
    indicator = demo_strategy.objectives[3].indicators.get(
        title__startswith="Number of high-level business plans"
    )
    page = page_text(client.get(indicator.get_absolute_url()))
    assert "Lower is better" in page
    assert indicator.definition in page
    assert indicator.owner.name in page


def test_an_anonymous_visitor_sees_none_of_the_strategy(client, demo_strategy):
    strategy = demo_strategy.strategy
    for url in [
        reverse("home"),
        reverse("objectives:overview"),
        reverse("indicators:list"),
        reverse("board:overview"),
    ]:
        response = client.get(url, follow=True)
        assert response.redirect_chain[0][0].startswith(reverse("login"))
        assert strategy.overall_aim not in page_text(response)
    response = client.get(reverse("login"))
    for action in Action.objects.all():
        assert action.text not in page_text(response)


def test_an_unknown_objective_is_not_found(client, officer, demo_strategy):
    client.force_login(officer)
    assert client.get(reverse("objectives:detail", kwargs={"number": 9})).status_code == 404


def test_the_officer_home_page_shows_what_needs_attention(client, officer):
    objective = factories.ObjectiveFactory(number=1)
    # Due within the strategy's period (2024-2027): overdue actions outside it are not listed.
    overdue = factories.ActionFactory(
        objective=objective, text="Hold the annual awards", due_date=datetime.date(2025, 1, 31)
    )
    factories.ActionFactory(
        objective=objective,
        text="Finished long ago",
        due_date=datetime.date(2025, 1, 31),
        status=Action.Status.COMPLETE,
    )
    factories.ActionFactory(objective=objective, text="Nobody leads this", lead=None)
    factories.IndicatorFactory(objective=objective, title="Number of unowned things", owner=None)
    factories.ObjectiveFactory(strategy=objective.strategy, number=2, title="An objective nobody measures")
    client.force_login(officer)
    page = page_text(client.get(reverse("home")))
    assert "Needs your attention" in page
    assert overdue.text in page
    assert "Finished long ago" not in page
    assert "Nobody leads this" in page
    assert "Number of unowned things" in page
    assert "An objective nobody measures" in page


def test_other_roles_do_not_get_the_officer_attention_list(client, board_member, councillor, demo_strategy):
    for person in (board_member, councillor):
        client.force_login(person)
        page = page_text(client.get(reverse("home")))
        assert "Needs your attention" not in page
        assert demo_strategy.strategy.overall_aim in page


def test_a_contributor_sees_what_their_organisation_owns_and_leads(client, contributor, agency_b):
    objective = factories.ObjectiveFactory(number=1)
    factories.IndicatorFactory(
        objective=objective, title="Young people in education or training", owner=contributor.organisation
    )
    factories.IndicatorFactory(objective=objective, title="Health assessments on time", owner=agency_b)
    factories.ActionFactory(objective=objective, text="Run careers days", lead=contributor.organisation)
    client.force_login(contributor)
    page = page_text(client.get(reverse("home")))
    assert contributor.organisation.name in page
    assert "Young people in education or training" in page
    assert "Run careers days" in page
    assert "Health assessments on time" not in page
    assert "Needs your attention" not in page


def test_navigation_follows_the_role(client, contributor, councillor, demo_strategy):
    client.force_login(contributor)
    page = page_text(client.get(reverse("home")))
    assert reverse("indicators:list") in page
    assert f'href="{reverse("board:overview")}"' not in page
    client.force_login(councillor)
    assert f'href="{reverse("board:overview")}"' in page_text(client.get(reverse("home")))


def test_signed_in_pages_are_not_cached(client, officer, demo_strategy):
    client.force_login(officer)
    assert client.get(reverse("objectives:overview"))["Cache-Control"] == "no-store"


def test_the_header_shows_the_council_not_gov_uk(client, settings):
    settings.COUNCIL_NAME = "Elsewhere Borough Council"
    page = page_text(client.get(reverse("login")))
    assert "Elsewhere Borough Council" in page
    assert "Corporate Parenting Portal" in page
    assert "GOV.UK" not in page
    assert "<script>" not in page and " style=" not in page


@pytest.mark.parametrize("url_name", ["home", "objectives:overview", "indicators:list", "board:overview"])
def test_page_queries_do_not_grow_with_the_strategy(client, officer, url_name):
    def queries_for_objectives(count: int) -> int:
        Objective.objects.all().delete()
        strategy = factories.StrategyFactory(slug=f"size-{count}")
        for number in range(1, count + 1):
            objective = factories.ObjectiveFactory(strategy=strategy, number=number)
            factories.ActionFactory.create_batch(3, objective=objective)
            factories.IndicatorFactory.create_batch(2, objective=objective)
            factories.BoardSeatFactory(strategy=strategy)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(url_name)).status_code == 200
        return len(context.captured_queries)

    assert queries_for_objectives(2) == queries_for_objectives(8)


def test_every_page_sends_a_strict_content_security_policy(client, officer, demo_strategy):
    client.force_login(officer)
    policy = client.get(reverse("objectives:overview"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy

"""Pages keep their rendered content until the portal's data next changes, and never show a
person anything older than the last committed write, nor anybody else's page.

These tests commit for real (transactional), as the web server does: a kept part outlives
the request only when the write before it has committed.
"""

import html
import re
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caching.fragments import CSRF_PLACEHOLDER
from caching.versions import is_write, version_current
from indicators.figures import figure_save
from indicators.models import Figure
from portal.roles import Role

from . import factories
from .factories import last_ended_period

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def indicator(agency_a):
    strategy = factories.StrategyFactory(is_current=True)
    objective = factories.ObjectiveFactory(strategy=strategy, number=1)
    return factories.IndicatorFactory(objective=objective, owner=agency_a, title="Care leavers in touch")


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def main_of(response) -> str:
    """The page's own content, without the layout or the forms' tokens, which are new each time."""
    main = re.search(r"<main.*</main>", text_of(response), re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def latest_figure(response) -> str:
    return re.search(r'data-label="Latest figure">([^<]*)<', text_of(response)).group(1).strip()


def test_a_committed_write_moves_the_version_on_and_reads_leave_it(officer, agency_a):
    before = version_current()
    assert before is not None
    list(Figure.objects.all())
    assert version_current() == before
    with transaction.atomic():
        factories.OrganisationFactory(name="Fostering service", key="fostering")
        # Until the write commits, this connection neither serves nor keeps a part.
        assert version_current() is None
    after = version_current()
    assert after not in (None, before)


def test_a_rolled_back_write_leaves_the_version_as_it_was(agency_a):
    before = version_current()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.OrganisationFactory(name="Fostering service", key="fostering")
        raise RuntimeError("the change is abandoned")
    assert version_current() == before


def test_renewing_a_session_is_not_a_change_of_data(client, officer):
    client.force_login(officer)
    before = version_current()
    client.get(reverse("accessibility"))
    client.get(reverse("home"))
    assert version_current() == before


def test_only_statements_that_change_data_count_as_writes():
    assert is_write('UPDATE "indicators_figure" SET "value" = 1')
    assert is_write('  insert into "objectives_action" ("text") values (%s)')
    assert is_write('DELETE FROM "indicators_target" WHERE "id" = 1')
    assert is_write('TRUNCATE "django_session", "indicators_figure"')
    assert not is_write('UPDATE "django_session" SET "session_data" = %s')
    assert not is_write('SELECT "id" FROM "indicators_figure" WHERE "note" = \'UPDATE x\'')


def test_the_indicator_page_is_kept_until_a_figure_is_saved(client, officer, indicator):
    client.force_login(officer)
    url = reverse("indicators:detail", kwargs={"pk": indicator.pk})
    with CaptureQueriesContext(connection) as rendered:
        assert "No figures yet" in text_of(client.get(url)) or "37" not in text_of(client.get(url))
    with CaptureQueriesContext(connection) as kept:
        text_of(client.get(url))
    assert len(kept) < len(rendered) / 2
    figure_save(
        indicator=indicator,
        period=last_ended_period(indicator.frequency),
        user=officer,
        values={"value": D(37)},
        expected_version=None,
    )
    page = text_of(client.get(url))
    assert re.search(r">\s*37\s*<", page), "the saved figure shows at once"


def verified(indicator, value):
    period = last_ended_period(indicator.frequency)
    return factories.FigureFactory(
        indicator=indicator,
        period_start=period.start,
        value=D(value),
        status=Figure.Status.VERIFIED,
        verified_at=timezone.now(),
    )


def test_the_overview_and_the_list_show_a_verified_figure_at_once(client, officer, indicator):
    client.force_login(officer)
    overview, listed = reverse("objectives:overview"), reverse("indicators:list")
    before = main_of(client.get(overview))
    assert latest_figure(client.get(listed)) == "None verified"
    assert main_of(client.get(overview)) == before
    verified(indicator, 41)
    assert main_of(client.get(overview)) != before
    assert latest_figure(client.get(listed)) == "41"


def test_one_persons_kept_home_page_never_reaches_another(officer, contributor, indicator):
    officer_client, contributor_client = Client(), Client()
    officer_client.force_login(officer)
    contributor_client.force_login(contributor)
    officers_home = main_of(officer_client.get(reverse("home")))
    contributors_home = main_of(contributor_client.get(reverse("home")))
    assert officers_home != contributors_home
    assert "Connexions Portsmouth" in contributors_home
    assert main_of(contributor_client.get(reverse("home"))) == contributors_home
    assert main_of(officer_client.get(reverse("home"))) == officers_home


def test_a_form_on_a_kept_page_carries_the_readers_own_token(contributor, indicator):
    period = last_ended_period(indicator.frequency)
    factories.FigureFactory(indicator=indicator, period_start=period.start, value=D(12))
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    url = reverse("indicators:detail", kwargs={"pk": indicator.pk})
    client.get(url)
    page = client.get(url).content.decode()  # served kept
    assert CSRF_PLACEHOLDER.text not in page
    form = re.search(r'<form method="post" action="([^"]+/submit/)"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the contributor is offered the submit button"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    answer = client.post(form.group(1), fields)
    assert answer.status_code == 302
    assert Figure.objects.get(indicator=indicator).status == Figure.Status.SUBMITTED


def test_a_cache_outage_costs_speed_never_the_page(client, officer, indicator, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
        }
    }
    client.force_login(officer)
    for url in (reverse("indicators:list"), reverse("indicators:detail", kwargs={"pk": indicator.pk})):
        assert "Care leavers in touch" in text_of(client.get(url))
    assert text_of(client.get(reverse("objectives:overview")))


def test_a_board_member_and_the_officer_each_keep_their_own_list(client, officer, indicator):
    board_member = factories.UserFactory(username="bea", roles=[Role.BOARD_MEMBER])
    indicator.counts_children = True
    indicator.save()
    verified(indicator, 3)
    client.force_login(officer)
    assert latest_figure(client.get(reverse("indicators:list"))) == "3"
    client.force_login(board_member)
    # Small numbers are hidden from the Board, as on every page beyond the officer's.
    assert latest_figure(client.get(reverse("indicators:list"))) != "3"

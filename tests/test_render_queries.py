"""Pages are built before they are drawn: no query runs while a template renders.

The views and selectors fetch everything a page shows; a template that reaches back
into the database (a lazy queryset, a related manager, a tag that queries) fails here.
"""

import contextlib

import pytest
from django.db import connection
from django.template import base
from django.urls import reverse

from .test_access import EXPECTED, PERSONAS, sign_in_as, url_kwargs

MAIN_PAGES = [
    "home",
    "objectives:overview",
    "objectives:detail",
    "indicators:list",
    "indicators:detail",
    "comparisons:report_card",
    "comparisons:need_profiles",
    "comparisons:need_profile",
    "board:overview",
    "board:report",
    "board:meeting",
    "communications:newsletters",
    "communications:newsletter",
]


def refuse_queries(execute, sql, params, many, context):
    raise AssertionError(f"A query ran while a template rendered: {sql}")


@contextlib.contextmanager
def queries_forbidden_while_rendering(monkeypatch):
    render = base.Template._render

    def render_without_queries(self, context):
        with connection.execute_wrapper(refuse_queries):
            return render(self, context)

    monkeypatch.setattr(base.Template, "_render", render_without_queries)
    yield


# Each main page, for every role the access table lets open it.
PAGES_AND_ROLES = [
    (name, persona) for name in MAIN_PAGES for persona in PERSONAS if EXPECTED[name].get(persona) == 200
]


@pytest.mark.parametrize(("name", "persona"), PAGES_AND_ROLES)
def test_main_pages_render_without_a_query(
    client, request, monkeypatch, demo_strategy, contributors_figure, name, persona
):
    url = reverse(name, kwargs=url_kwargs(name, demo_strategy, contributors_figure))
    sign_in_as(client, request, persona)
    with queries_forbidden_while_rendering(monkeypatch):
        response = client.get(url)
    assert response.status_code == 200, url

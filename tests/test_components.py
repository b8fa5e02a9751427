"""The GOV.UK table is one component: every page that uses it gets the same markup."""

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def test_the_table_names_its_region_by_its_caption_and_aligns_numbers():
    html = render(
        '{% govuk_table table_id="people" caption="People" caption_size="s" head="Name|Age:numeric" %}'
        '<tr class="govuk-table__row"><td class="govuk-table__cell">{{ name }}</td></tr>'
        "{% endgovuk_table %}",
        name="<Sam>",
    )
    assert 'role="region" aria-labelledby="people" tabindex="0"' in html
    assert (
        '<caption id="people" class="govuk-table__caption govuk-table__caption--s">People</caption>' in html
    )
    assert '<th scope="col" class="govuk-table__header">Name</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>' in html
    assert '<tbody class="govuk-table__body"><tr class="govuk-table__row">' in html
    assert "&lt;Sam&gt;" in html


def test_a_hidden_caption_is_for_screen_readers_and_headings_are_escaped():
    html = render(
        '{% govuk_table table_id="t" caption="Log" caption_size="hidden" head="<b>|x" %}{% endgovuk_table %}'
    )
    assert 'class="govuk-table__caption govuk-visually-hidden">Log</caption>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_an_unknown_caption_size_is_refused():
    with pytest.raises(TemplateSyntaxError):
        render(
            '{% govuk_table table_id="t" caption="Log" caption_size="huge" head="x" %}{% endgovuk_table %}'
        )


def test_a_caption_can_name_the_record_it_lists():
    html = render(
        '{% with number=objective_number|stringformat:"s" %}'
        '{% govuk_table table_id="t" caption="Actions for objective "|add:number head="Action" %}'
        "{% endgovuk_table %}{% endwith %}",
        objective_number=3,
    )
    assert 'class="govuk-table__caption">Actions for objective 3</caption>' in html


def test_a_column_of_buttons_has_a_heading_for_screen_readers_only():
    html = render(
        '{% govuk_table table_id="t" caption="Queue" head="Figure|Send back:hidden" %}{% endgovuk_table %}'
    )
    hidden = '<span class="govuk-visually-hidden">Send back</span></th>'
    assert '<th scope="col" class="govuk-table__header">' + hidden in html

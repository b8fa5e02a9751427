"""Figures by group in a real browser: the pages pass the accessibility scan and reflow at 320px."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.breakdown_standards import standard_dimensions_ensure
from indicators.choices import Frequency
from indicators.figures import figure_save
from indicators.models import BreakdownDimension, BreakdownGroup, Figure, IndicatorDimension

from . import factories
from .factories import last_ended_period
from .test_browser import assert_accessible, sign_in_by_keyboard


def reflows(page, live_server, paths):
    page.set_viewport_size({"width": 320, "height": 800})
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{path} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_breakdown_pages_pass_the_accessibility_scan_and_reflow(
    live_server, officer, contributor, board_member, browser_page
):
    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    ages = BreakdownDimension.objects.get(code="age_band")
    indicator = factories.IndicatorFactory(
        title="Children looked after",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
        counts_children=True,
    )
    IndicatorDimension.objects.create(indicator=indicator, dimension=ages)
    groups = {group.code: group for group in ages.groups.all()}
    period = last_ended_period(Frequency.QUARTERLY)
    for start, small in ((period.previous(), 3), (period, 2)):
        figure = figure_save(
            indicator=indicator,
            period=start,
            user=contributor,
            values={"value": D(60)},
            expected_version=None,
            group_values={
                groups[code].pk: {"value": D(value), "numerator": None, "denominator": None}
                for code, value in {"under-1": small, "1-4": 20 - small, "10-15": 40}.items()
            },
        )
        Figure.objects.filter(pk=figure.pk).update(status=Figure.Status.VERIFIED)
    figure_url = reverse(
        "indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()}
    )
    officer_pages = [
        reverse("indicators:breakdowns"),
        reverse("indicators:dimension_new"),
        reverse("indicators:dimension_edit", kwargs={"pk": ages.pk}),
        reverse("indicators:group_new", kwargs={"dimension_pk": ages.pk}),
        reverse("indicators:group_edit", kwargs={"dimension_pk": ages.pk, "pk": groups["5-9"].pk}),
        reverse("indicators:indicator_breakdowns", kwargs={"pk": indicator.pk}),
        indicator.get_absolute_url(),
        figure_url,
    ]
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    for path in officer_pages:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    assert page.get_by_role("img", name="Children looked after by age band").is_visible()

    # A figure whose groups do not add up: the error summary names the group, and is scanned too.
    page.goto(f"{live_server.url}{figure_url}")
    page.get_by_label("Under 1").fill("30")
    page.get_by_role("button", name="Save and submit").click()
    assert page.get_by_text("Age band: the groups' counts add up to").first.is_visible()
    assert_accessible(page)
    reflows(page, live_server, officer_pages)
    page.get_by_role("button", name="Sign out").click()

    sign_in_by_keyboard(page, live_server, board_member.username)
    assert page.goto(f"{live_server.url}{indicator.get_absolute_url()}").status == 200
    assert_accessible(page)
    assert page.get_by_role("cell", name="c", exact=True).first.is_visible()
    reflows(page, live_server, [indicator.get_absolute_url()])

    # On a 320 px phone the groups chart's words are still at least 12 px high.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    sizes = page.eval_on_selector_all(
        "#by-group ~ figure.app-chart svg text",
        "texts => texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)",
    )
    assert sizes and min(sizes) >= 12, sizes

"""Is this right? A figure far from the previous period's is queried once, with the previous figure shown."""

import html
import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.choices import Frequency
from indicators.models import Figure

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def period():
    return last_ended_period(Frequency.QUARTERLY)


@pytest.fixture
def carers_trained(contributor, period):
    indicator = factories.IndicatorFactory(
        title="Number of carers attending training",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
    )
    factories.FigureFactory(
        indicator=indicator, period_start=period.previous().start, value=D(50), status=Figure.Status.VERIFIED
    )
    factories.TargetFactory(indicator=indicator, period_start=period.start, value=D(55))
    return indicator


def edit_url(indicator, period):
    return reverse("indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()})


def confirmed_value(text: str) -> str:
    return re.search(r'name="confirmed_value"[^>]*value="([^"]*)"', text).group(1)


def test_the_figure_form_shows_the_previous_figure_and_this_periods_target(
    client, contributor, carers_trained, period
):
    client.force_login(contributor)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(client.get(edit_url(carers_trained, period)))))
    assert f"Previous figure, {period.previous().label} 50 (verified)" in text
    assert f"Target for {period.label} 55" in text


def test_a_figure_far_from_the_previous_is_queried_once_then_saved(
    client, contributor, carers_trained, period
):
    client.force_login(contributor)
    entered = {"value": "80", "quality": "good", "submit": ""}
    response = client.post(edit_url(carers_trained, period), entered)
    text = page(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert (
        f"Is this right? 80 is far from the previous figure, 50 for {period.previous().label} (60% higher)"
        in text
    )
    assert not Figure.objects.filter(period_start=period.start).exists()
    # Saved again unchanged: confirmed, and not asked a second time.
    response = client.post(
        edit_url(carers_trained, period), entered | {"confirmed_value": confirmed_value(text)}
    )
    assert response["Location"] == carers_trained.get_absolute_url()
    assert Figure.objects.get(period_start=period.start).value == D(80)


def test_a_different_figure_after_the_question_is_checked_again(client, contributor, carers_trained, period):
    client.force_login(contributor)
    text = page(client.post(edit_url(carers_trained, period), {"value": "80", "quality": "good"}))
    response = client.post(
        edit_url(carers_trained, period),
        {"value": "20", "quality": "good", "confirmed_value": confirmed_value(text)},
    )
    assert "Is this right? 20 is far from the previous figure" in page(response)
    assert not Figure.objects.filter(period_start=period.start).exists()


def test_a_figure_within_the_threshold_is_saved_without_a_question(
    client, contributor, carers_trained, period
):
    client.force_login(contributor)
    response = client.post(edit_url(carers_trained, period), {"value": "60", "quality": "good"})
    assert response["Location"] == carers_trained.get_absolute_url()  # 20% exactly is not queried


def test_the_threshold_is_set_per_indicator(client, contributor, carers_trained, period):
    carers_trained.change_check_percent = 5
    carers_trained.save()
    client.force_login(contributor)
    assert "Is this right?" in page(
        client.post(edit_url(carers_trained, period), {"value": "54", "quality": "good"})
    )
    carers_trained.change_check_percent = None
    carers_trained.save()
    response = client.post(edit_url(carers_trained, period), {"value": "500", "quality": "good"})
    assert response["Location"] == carers_trained.get_absolute_url()


def test_an_import_row_far_from_the_previous_is_queried_and_needs_a_tick(
    client, contributor, carers_trained, period
):
    visits = factories.IndicatorFactory(
        objective=carers_trained.objective, owner=contributor.organisation, frequency=Frequency.QUARTERLY
    )
    rows = [
        f"{carers_trained.reference},{period.code},80",  # from 50 in the portal
        f"{visits.reference},{period.previous().code},10",  # the file's own previous figure
        f"{visits.reference},{period.code},11",
    ]
    upload = io.BytesIO(("indicator,period,value\n" + "\n".join(rows) + "\n").encode())
    upload.name = "figures.csv"
    client.force_login(contributor)
    location = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    text = page(client.get(location))
    assert text.count("Is this right?") == 1 + 2  # the row's warning, the summary, the tick's label
    assert (
        f"Is this right? 80 is far from the previous figure, 50 for {period.previous().label} (60% higher)"
        in text
    )
    refused = page(client.post(location, {"submit_figures": "on"}))
    assert (
        "There is a problem" in refused and 'Tick to confirm the figures marked "Is this right?"' in refused
    )
    assert not Figure.objects.filter(period_start=period.start).exists()
    response = client.post(location, {"submit_figures": "on", "confirm_unusual": "on"})
    assert response["Location"] == reverse("indicators:list")
    assert Figure.objects.get(indicator=carers_trained, period_start=period.start).value == D(80)


def test_the_officer_sets_the_threshold_with_the_targets(client, officer, carers_trained, period):
    client.force_login(officer)
    url = reverse("indicators:targets", kwargs={"pk": carers_trained.pk})
    assert 'name="change_check_percent" value="20"' in page(client.get(url)).replace(' type="text"', "")
    response = client.post(url, {"change_check_percent": "twenty", period.start.isoformat(): "55"})
    assert "There is a problem" in page(response) and "Enter a whole percentage, like 20" in page(response)
    response = client.post(url, {"change_check_percent": "0", period.start.isoformat(): "55"})
    assert "Enter a percentage of 1 or more" in page(response)
    response = client.post(url, {"change_check_percent": "5", period.start.isoformat(): "55"})
    assert response["Location"] == carers_trained.get_absolute_url()
    carers_trained.refresh_from_db()
    assert carers_trained.change_check_percent == 5

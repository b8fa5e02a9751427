"""The import preview says what a file will do before anything is saved, and never silently
replaces a verified figure."""

import html
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.choices import Frequency, Unit
from indicators.models import Figure, FigureUpload

from . import factories
from .factories import last_ended_period

QUARTER = last_ended_period(Frequency.QUARTERLY)
HEADER = "indicator,period,value\n"


@pytest.fixture
def indicators(contributor):
    objective = factories.ObjectiveFactory(number=2)
    owner = contributor.organisation
    return [
        factories.IndicatorFactory(objective=objective, position=n, owner=owner, unit=Unit.COUNT)
        for n in (1, 2, 3, 4)
    ]


def upload_and_preview(client, *rows):
    upload = io.BytesIO((HEADER + "".join(row + "\n" for row in rows)).encode())
    upload.name = "figures.csv"
    location = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    return location, html.unescape(client.get(location).content.decode())


def count_of(text, key):
    return text.split(
        f'<dt class="govuk-summary-list__key">{key}</dt><dd class="govuk-summary-list__value">'
    )[1].split("<")[0]


def test_the_preview_shows_its_counts_and_old_and_new_values(client, contributor, indicators):
    first, second, third, fourth = indicators
    factories.FigureFactory(indicator=second, period_start=QUARTER.start, value=D(5))
    factories.FigureFactory(indicator=third, period_start=QUARTER.start, value=D(8))
    client.force_login(contributor)
    _, text = upload_and_preview(
        client,
        f"PI 2.1,{QUARTER.code},12",
        f"PI 2.2,{QUARTER.code},7",
        f"PI 2.3,{QUARTER.code},8",
        f"PI 2.4,{QUARTER.code},",
    )
    assert [count_of(text, key) for key in ("New figures", "Changed figures", "Unchanged")] == ["1", "1", "1"]
    assert count_of(text, "Skipped (no figure)") == "1" and count_of(text, "Rows with errors") == "0"
    assert "5 → 7" in text
    assert "Replaces a verified figure" not in text


def test_replacing_a_verified_figure_is_warned_and_needs_a_tick(client, officer, indicators):
    verified = factories.FigureFactory(
        indicator=indicators[0], period_start=QUARTER.start, value=D(5), status=Figure.Status.VERIFIED
    )
    client.force_login(officer)
    location, text = upload_and_preview(client, f"PI 2.1,{QUARTER.code},9", f"PI 2.2,{QUARTER.code},3")
    assert "5 → 9" in text
    assert text.count("Replaces a verified figure: it will need verifying again") == 1
    assert "I understand this replaces a verified figure" in text
    refused = html.unescape(client.post(location, {"submit_figures": "on"}).content.decode())
    assert (
        "There is a problem" in refused and "Tick to confirm you mean to replace verified figures" in refused
    )
    verified.refresh_from_db()
    assert (verified.value, verified.status) == (D(5), Figure.Status.VERIFIED)
    assert not Figure.objects.filter(indicator=indicators[1]).exists()  # nothing in the file was saved
    response = client.post(location, {"submit_figures": "on", "confirm_replacing": "on"})
    assert response["Location"] == reverse("indicators:list")
    verified.refresh_from_db()
    assert (verified.value, verified.status) == (D(9), Figure.Status.SUBMITTED)
    assert FigureUpload.objects.get().imported_at is not None

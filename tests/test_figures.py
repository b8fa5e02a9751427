"""Entering, submitting, verifying and sending back indicator figures."""

import datetime
import html
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.choices import Frequency, Polarity, Unit
from indicators.figures import FigureConflict, figure_save, figure_values_clean
from indicators.models import Figure, FigureChange

from . import factories
from .factories import last_ended_period


@pytest.fixture
def carers_trained(contributor):
    """A quarterly count owned by the contributor's organisation."""
    return factories.IndicatorFactory(
        title="Number of carers attending training",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
    )


def edit_url(indicator, period):
    return reverse("indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()})


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_contributor_enters_and_submits_a_figure(client, contributor, carers_trained):
    period = last_ended_period(Frequency.QUARTERLY)
    client.force_login(contributor)
    response = client.post(
        edit_url(carers_trained, period),
        {"value": "42", "quality": "good", "note": "From the register", "submit": ""},
    )
    assert response["Location"] == carers_trained.get_absolute_url()
    figure = Figure.objects.get(indicator=carers_trained)
    assert (figure.value, figure.status, figure.version) == (D(42), Figure.Status.SUBMITTED, 2)
    assert list(figure.changes.values_list("event", flat=True)) == ["submitted", "created"]
    detail = page(client.get(carers_trained.get_absolute_url()))
    assert "Submitted" in detail and "none → 42" in detail


def test_a_figure_that_is_not_a_whole_number_gets_an_error_summary(client, contributor, carers_trained):
    period = last_ended_period(Frequency.QUARTERLY)
    client.force_login(contributor)
    response = client.post(
        edit_url(carers_trained, period), {"value": "4.5", "quality": "good", "note": "kept"}
    )
    text = page(response)
    assert response.status_code == 200
    assert "There is a problem" in text and "Enter a whole number, 0 or more" in text
    assert 'value="4.5"' in text and "kept" in text  # nothing typed is lost
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "unit, values, field, message",
    [
        (Unit.PERCENTAGE, {"value": D("100.5")}, "value", "Enter a percentage between 0 and 100"),
        (Unit.PERCENTAGE, {"value": D("-1")}, "value", "Enter a percentage between 0 and 100"),
        (Unit.COUNT, {"value": D("-1")}, "value", "Enter a whole number, 0 or more"),
        (Unit.MONEY, {"value": D("10.505")}, "value", "no more than 2 decimal places"),
        (Unit.YES_NO, {"value": D("2")}, "value", "Select yes or no"),
        (Unit.YES_NO, {"value": None}, "value", "Select yes or no"),
        (Unit.COUNT, {"value": None}, "value", "Enter the figure"),
        (
            Unit.PERCENTAGE,
            {"value": None, "numerator": D(6), "denominator": D(5)},
            "numerator",
            "cannot be more",
        ),
        (
            Unit.PERCENTAGE,
            {"value": None, "numerator": D(1), "denominator": D(0)},
            "denominator",
            "greater than 0",
        ),
        (
            Unit.COUNT,
            {"value": None, "numerator": D(1), "denominator": D(2)},
            "numerator",
            "Only percentages",
        ),
    ],
)
def test_figures_are_checked_against_their_unit(db, unit, values, field, message):
    indicator = factories.IndicatorFactory(unit=unit)
    with pytest.raises(ValidationError) as error:
        figure_values_clean(indicator=indicator, **values)
    assert message in " ".join(error.value.message_dict[field])


@pytest.mark.parametrize(
    "unit, values, expected",
    [
        (Unit.PERCENTAGE, {"value": D("0")}, D("0")),
        (Unit.PERCENTAGE, {"value": D("100")}, D("100")),
        (Unit.PERCENTAGE, {"value": None, "numerator": D(2), "denominator": D(3)}, D("66.67")),
        (Unit.RATE_PER_10000, {"value": None, "numerator": D(70), "denominator": D(40000)}, D("17.50")),
        (Unit.MONEY, {"value": D("1250.50")}, D("1250.50")),
        (Unit.YES_NO, {"value": D("1")}, D("1")),
    ],
)
def test_good_figures_are_accepted_and_rates_derived(db, unit, values, expected):
    indicator = factories.IndicatorFactory(unit=unit)
    assert figure_values_clean(indicator=indicator, **values)["value"] == expected


def test_a_period_that_has_not_ended_or_is_the_wrong_kind_is_refused(officer, carers_trained):
    current = last_ended_period(Frequency.QUARTERLY).next()
    with pytest.raises(ValidationError, match="has not ended yet"):
        figure_save(
            indicator=carers_trained,
            period=current,
            user=officer,
            values={"value": D(1)},
            expected_version=None,
        )
    annual = last_ended_period(Frequency.ANNUAL)
    with pytest.raises(ValidationError, match="reported quarterly"):
        figure_save(
            indicator=carers_trained,
            period=annual,
            user=officer,
            values={"value": D(1)},
            expected_version=None,
        )


def test_a_second_save_from_a_stale_form_is_a_conflict_that_keeps_both(
    client, contributor, officer, carers_trained
):
    period = last_ended_period(Frequency.QUARTERLY)
    figure = figure_save(
        indicator=carers_trained,
        period=period,
        user=contributor,
        values={"value": D(10)},
        expected_version=None,
    )
    # The officer corrects the figure while the contributor still has the old form open.
    figure_save(
        indicator=carers_trained,
        period=period,
        user=officer,
        values={"value": D(12)},
        expected_version=figure.version,
    )
    client.force_login(contributor)
    response = client.post(
        edit_url(carers_trained, period), {"value": "11", "quality": "good", "version": str(figure.version)}
    )
    text = page(response)
    assert response.status_code == 200
    assert "Someone else saved this figure while you were editing it" in text
    assert "12" in text and 'value="11"' in text  # their figure shown, ours kept
    assert Figure.objects.get().value == D(12)
    # Saving again, having seen theirs, replaces it on purpose.
    response = client.post(
        edit_url(carers_trained, period),
        {"value": "11", "quality": "good", "version": str(figure.version + 1)},
    )
    assert response.status_code == 302
    assert Figure.objects.get().value == D(11)
    assert FigureChange.objects.filter(figure__indicator=carers_trained, event="edited").count() == 2


def test_the_officer_verifies_or_sends_back_with_a_reason(client, officer, contributor, carers_trained):
    period = last_ended_period(Frequency.QUARTERLY)
    figure = figure_save(
        indicator=carers_trained,
        period=period,
        user=contributor,
        values={"value": D(10)},
        expected_version=None,
        submit=True,
    )
    client.force_login(officer)
    send_back = reverse("indicators:figure_send_back", kwargs={"pk": figure.pk})
    response = client.post(send_back, {"reason": "", "version": figure.version})
    assert "Enter why you are sending the figure back" in page(response)
    response = client.post(send_back, {"reason": "Includes two carers twice", "version": figure.version})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.status == Figure.Status.RETURNED and figure.return_reason == "Includes two carers twice"

    client.force_login(contributor)
    assert "Sent back: Includes two carers twice" in page(client.get(carers_trained.get_absolute_url()))
    client.post(
        edit_url(carers_trained, period),
        {"value": "8", "quality": "good", "version": figure.version, "submit": ""},
    )
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (D(8), Figure.Status.SUBMITTED)

    client.force_login(officer)
    verify = reverse("indicators:figure_action", kwargs={"pk": figure.pk, "action": "verify"})
    client.post(verify, {"version": figure.version})
    figure.refresh_from_db()
    assert figure.status == Figure.Status.VERIFIED and figure.verified_by == officer
    events = list(figure.changes.order_by("changed_at", "pk").values_list("event", flat=True))
    assert events == ["created", "submitted", "returned", "edited", "submitted", "verified"]


def test_contributors_cannot_verify_or_change_a_verified_figure(client, contributor, officer, carers_trained):
    period = last_ended_period(Frequency.QUARTERLY)
    figure = figure_save(
        indicator=carers_trained,
        period=period,
        user=contributor,
        values={"value": D(10)},
        expected_version=None,
        submit=True,
    )
    client.force_login(contributor)
    verify = reverse("indicators:figure_action", kwargs={"pk": figure.pk, "action": "verify"})
    client.post(verify, {"version": figure.version})
    figure.refresh_from_db()
    assert figure.status == Figure.Status.SUBMITTED
    client.force_login(officer)
    client.post(verify, {"version": figure.version})
    client.force_login(contributor)
    response = client.post(
        edit_url(carers_trained, period), {"value": "99", "quality": "good", "version": figure.version + 1}
    )
    assert "ask the corporate parenting officer" in page(response)
    assert Figure.objects.get().value == D(10)


def test_another_organisations_contributor_cannot_act_on_a_figure(client, other_contributor, carers_trained):
    figure = factories.FigureFactory(indicator=carers_trained, status=Figure.Status.DRAFT)
    client.force_login(other_contributor)
    submit = reverse("indicators:figure_action", kwargs={"pk": figure.pk, "action": "submit"})
    assert client.post(submit, {"version": figure.version}).status_code == 404
    assert client.post(edit_url(carers_trained, figure.period), {"value": "1"}).status_code == 404


def test_board_members_cannot_post_figures(client, board_member, carers_trained):
    figure = factories.FigureFactory(indicator=carers_trained, status=Figure.Status.SUBMITTED)
    client.force_login(board_member)
    verify = reverse("indicators:figure_action", kwargs={"pk": figure.pk, "action": "verify"})
    assert client.post(verify, {"version": figure.version}).status_code == 403


def test_saving_an_unchanged_figure_changes_nothing(contributor, carers_trained):
    period = last_ended_period(Frequency.QUARTERLY)
    figure = figure_save(
        indicator=carers_trained,
        period=period,
        user=contributor,
        values={"value": D(10)},
        expected_version=None,
    )
    again = figure_save(
        indicator=carers_trained,
        period=period,
        user=contributor,
        values={"value": D(10), "note": "", "source": "", "quality": "good"},
        expected_version=figure.version,
    )
    assert again.version == figure.version
    assert figure.changes.count() == 1


def test_a_new_figure_from_a_stale_form_after_deletion_is_a_conflict(contributor, carers_trained):
    with pytest.raises(FigureConflict):
        figure_save(
            indicator=carers_trained,
            period=last_ended_period(Frequency.QUARTERLY),
            user=contributor,
            values={"value": D(1)},
            expected_version=3,
        )


def verified(indicator, period, value):
    return factories.FigureFactory(
        indicator=indicator, period_start=period.start, value=D(value), status=Figure.Status.VERIFIED
    )


def test_the_indicator_page_shows_rag_and_trend_that_match_the_figures(client, board_member):
    indicator = factories.IndicatorFactory(
        title="Care leavers in education, employment or training",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        amber_tolerance=D(5),
        frequency=Frequency.QUARTERLY,
    )
    latest = last_ended_period(Frequency.QUARTERLY)
    verified(indicator, latest.year_earlier(), 50)
    verified(indicator, latest.previous(), 60)
    verified(indicator, latest, 58)
    factories.TargetFactory(indicator=indicator, period_start=latest.start, value=D(60))
    client.force_login(board_member)
    text = page(client.get(indicator.get_absolute_url()))
    assert "Near target" in text  # 58 against 60, within 5
    assert "Worsening on the previous period" in text  # 60 → 58
    assert "Improving on a year earlier" in text  # 50 → 58
    assert "<svg" in text and '<title id="chart-title">' in text


def test_overdue_when_the_due_date_passes_without_a_verified_figure(client, officer, settings):
    indicator = factories.IndicatorFactory(
        frequency=Frequency.QUARTERLY, title="An indicator nobody reported"
    )
    settings.FIGURE_DUE_DAYS = 0
    client.force_login(officer)
    assert "An indicator nobody reported" in page(client.get(reverse("indicators:overdue")))
    listed = page(client.get(reverse("indicators:list") + "?rag=overdue"))
    assert "An indicator nobody reported" in listed
    verified(indicator, last_ended_period(Frequency.QUARTERLY), 3)
    assert "An indicator nobody reported" not in page(client.get(reverse("indicators:overdue")))


def test_small_numbers_are_hidden_from_the_board_but_not_the_officer(client, board_member, officer):
    indicator = factories.IndicatorFactory(
        title="Young people rewarded", counts_children=True, unit=Unit.COUNT
    )
    verified(indicator, last_ended_period(indicator.frequency), 4)
    client.force_login(board_member)
    row = page(client.get(reverse("indicators:list")))
    assert ">c<" in row.replace("\n", "").replace(" ", "")
    client.force_login(officer)
    text = page(client.get(indicator.get_absolute_url()))
    assert ">4<" in text.replace("\n", "").replace(" ", "")


def test_the_portal_counts_contributing_organisations(client, officer):
    counted = factories.IndicatorFactory(
        title="Range of organisations contributing",
        computation="contributing_organisations",
        frequency=Frequency.HALF_YEARLY,
    )
    half = last_ended_period(Frequency.HALF_YEARLY)
    quarter = datetime.date(half.end.year, half.end.month, 1)
    for _ in range(3):
        other = factories.IndicatorFactory(objective=counted.objective, frequency=Frequency.MONTHLY)
        factories.FigureFactory(indicator=other, period_start=quarter, status=Figure.Status.VERIFIED)
    factories.FigureFactory(
        indicator=factories.IndicatorFactory(objective=counted.objective, frequency=Frequency.MONTHLY),
        period_start=quarter,
        status=Figure.Status.DRAFT,
    )
    client.force_login(officer)
    text = page(client.get(counted.get_absolute_url()))
    assert "Counted by the portal" in text
    assert f"{half.label}</th>" in text.replace("\n", "")
    cells = text.replace("\n", "").split(f"{half.label}</th>")[1]
    assert cells.split("</td>")[0].strip().endswith("3")
    assert (
        reverse("indicators:figure_edit", kwargs={"pk": counted.pk, "start": half.start.isoformat()})
        not in text
    )


@pytest.mark.parametrize("url_name", ["indicators:list", "objectives:overview"])
def test_dashboards_run_a_fixed_number_of_queries(client, board_member, url_name):
    def queries_with(indicator_count: int) -> int:
        objective = factories.ObjectiveFactory(number=1)
        for number in range(indicator_count):
            indicator = factories.IndicatorFactory(objective=objective, frequency=Frequency.QUARTERLY)
            latest = last_ended_period(Frequency.QUARTERLY)
            verified(indicator, latest, number)
            verified(indicator, latest.previous(), number + 1)
            factories.TargetFactory(indicator=indicator, period_start=latest.start)
        client.force_login(board_member)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(url_name)).status_code == 200
        objective.strategy.delete()
        return len(context.captured_queries)

    assert queries_with(10) == queries_with(200)


def test_the_officer_sets_targets_and_tolerance(client, officer, carers_trained):
    client.force_login(officer)
    url = reverse("indicators:targets", kwargs={"pk": carers_trained.pk})
    latest = last_ended_period(Frequency.QUARTERLY)
    response = client.post(url, {"amber_tolerance": "3", latest.start.isoformat(): "40.5"})
    assert "Enter a whole number, 0 or more" in page(response)  # a count's target is whole too
    response = client.post(url, {"amber_tolerance": "3", latest.start.isoformat(): "40"})
    assert response["Location"] == carers_trained.get_absolute_url()
    carers_trained.refresh_from_db()
    assert carers_trained.amber_tolerance == D(3)
    assert carers_trained.targets.get().value == D(40)
    client.post(url, {"amber_tolerance": "", latest.start.isoformat(): ""})
    assert not carers_trained.targets.exists()

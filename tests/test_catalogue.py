"""Adopting standard national measures into the strategy."""

from django.urls import reverse

from indicators.models import CatalogueEntry, PerformanceIndicator


def test_the_catalogue_is_installed_with_the_standard_measures(db):
    titles = set(CatalogueEntry.objects.values_list("title", flat=True))
    assert "Care leavers aged 19 to 21 in education, employment or training" in titles
    assert "Children looked after with 3 or more placements during the year" in titles
    assert CatalogueEntry.objects.get(code="cla-placements-3-plus").polarity == "lower"


def test_the_officer_adopts_a_measure_with_one_action(client, officer, demo_strategy):
    client.force_login(officer)
    objective = demo_strategy.objectives[1]
    url = reverse("indicators:catalogue_adopt", kwargs={"code": "cla-missing"})
    response = client.post(
        url, {"objective": objective.pk, "owner": demo_strategy.organisations["social-care"].pk}
    )
    indicator = PerformanceIndicator.objects.get(catalogue_entry__code="cla-missing")
    assert response["Location"] == indicator.get_absolute_url()
    assert (indicator.objective, indicator.position, indicator.polarity) == (objective, 3, "lower")
    assert indicator.counts_children
    page = client.get(reverse("indicators:catalogue")).content.decode()
    assert indicator.get_absolute_url() in page
    again = client.post(url, {"objective": objective.pk})
    assert "already measures this as PI 1.3" in again.content.decode()


def test_choosing_no_objective_gets_a_clear_error(client, officer, demo_strategy):
    client.force_login(officer)
    response = client.post(reverse("indicators:catalogue_adopt", kwargs={"code": "cla-missing"}), {})
    assert "Select the objective this indicator measures" in response.content.decode()


def test_reloading_the_strategy_keeps_adopted_indicators(officer, demo_strategy):
    from home.strategy_import import DEMO_STRATEGY_FILE, read_strategy_file, strategy_import
    from indicators.services import catalogue_adopt

    adopted = catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-missing"), objective=demo_strategy.objectives[1]
    )
    strategy_import(data=read_strategy_file(DEMO_STRATEGY_FILE))
    assert PerformanceIndicator.objects.filter(pk=adopted.pk).exists()

"""Breakdowns: the officer defines dimensions and attaches them; contributors give figures by group."""

import html
from decimal import Decimal as D

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from indicators.breakdown_standards import standard_dimensions_ensure
from indicators.choices import Frequency, Unit
from indicators.figures import figure_save
from indicators.models import (
    BreakdownDimension,
    BreakdownGroup,
    CatalogueEntry,
    Figure,
    FigureGroupValue,
    IndicatorDimension,
)

from . import factories
from .factories import last_ended_period


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def standard_dimensions(db):
    # A data migration's rows do not survive earlier transactional tests: make sure they are there.
    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    return {dimension.code: dimension for dimension in BreakdownDimension.objects.all()}


@pytest.fixture
def children_in_care(contributor, standard_dimensions):
    """A quarterly count owned by the contributor's organisation, broken down by age band and UASC."""
    indicator = factories.IndicatorFactory(
        title="Children looked after", owner=contributor.organisation, frequency=Frequency.QUARTERLY
    )
    for order, code in enumerate(["age_band", "uasc"], start=1):
        IndicatorDimension.objects.create(
            indicator=indicator, dimension=standard_dimensions[code], order=order
        )
    return indicator


def groups(dimension_code: str) -> dict[str, BreakdownGroup]:
    return {group.code: group for group in BreakdownGroup.objects.filter(dimension__code=dimension_code)}


def field(dimension_code: str, group_code: str, part: str = "value") -> str:
    group = groups(dimension_code)[group_code]
    return f"group-{group.pk}" if part == "value" else f"group-{group.pk}-{part}"


def edit_url(indicator, period):
    return reverse("indicators:figure_edit", kwargs={"pk": indicator.pk, "start": period.start.isoformat()})


def test_the_standard_dimensions_each_have_an_unknown_group(standard_dimensions):
    assert {"age_band", "sex", "ethnicity", "uasc", "disability", "placement_type"} <= set(
        standard_dimensions
    )
    ages = [group.label for group in standard_dimensions["age_band"].groups.order_by("order")]
    assert ages == ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Unknown or not recorded"]
    for dimension in standard_dimensions.values():
        assert dimension.groups.filter(is_unknown=True).count() == 1, dimension


def test_the_catalogue_names_the_dimensions_dfe_publishes_by(db, standard_dimensions):
    from indicators.catalogue import catalogue_load
    from indicators.models import CatalogueDimension

    catalogue_load(CatalogueEntry, dimension_model=BreakdownDimension, link_model=CatalogueDimension)
    entry = CatalogueEntry.objects.get(code="care-leavers-19-21-eet")
    assert "care_leaver_age" in {link.dimension.code for link in entry.breakdowns.all()}


def test_the_officer_adds_a_dimension_and_its_groups_and_attaches_it(client, officer, children_in_care):
    client.force_login(officer)
    response = client.post(
        reverse("indicators:dimension_new"), {"name": "Locality", "code": "locality", "order": "20"}
    )
    assert response.status_code == 302
    locality = BreakdownDimension.objects.get(code="locality")
    assert AuditEntry.objects.filter(event="created", object_repr="Locality").exists()
    for order, (code, label, unknown) in enumerate(
        [("north", "North", ""), ("south", "South", ""), ("unknown", "Not recorded", "on")]
    ):
        data = {"label": label, "code": code, "order": str(order)} | ({"is_unknown": "on"} if unknown else {})
        assert (
            client.post(
                reverse("indicators:group_new", kwargs={"dimension_pk": locality.pk}), data
            ).status_code
            == 302
        )
    # A second unknown group, or a repeated name, is refused in words.
    response = client.post(
        reverse("indicators:group_new", kwargs={"dimension_pk": locality.pk}),
        {"label": "North", "code": "missing", "order": "4", "is_unknown": "on"},
    )
    text = page(response)
    assert "Locality has a group called North already" in text
    assert "Locality has an unknown group already" in text
    url = reverse("indicators:indicator_breakdowns", kwargs={"pk": children_in_care.pk})
    form = page(client.get(url))
    assert "Locality" in form and "Age band" in form
    ids = [
        str(dimension.pk)
        for dimension in BreakdownDimension.objects.filter(code__in=["age_band", "locality"])
    ]
    version = children_in_care.edit_version
    assert client.post(url, {"dimensions": ids, "version": version}).status_code == 302
    attached = list(children_in_care.breakdowns.values_list("dimension__code", flat=True))
    assert attached == ["age_band", "locality"]
    # Someone who opened the form before that save sees a conflict, not an overwrite.
    response = client.post(url, {"dimensions": ids[:1], "version": version})
    assert "Someone else saved this" in page(response)


def test_a_dimension_edit_is_version_checked(client, officer, standard_dimensions):
    client.force_login(officer)
    sex = standard_dimensions["sex"]
    url = reverse("indicators:dimension_edit", kwargs={"pk": sex.pk})
    data = {"name": "Sex", "code": "sex", "order": "2", "version": sex.edit_version}
    assert client.post(url, data | {"name": "Gender"}).status_code == 302
    response = client.post(url, data)
    assert "Someone else saved this" in page(response)
    assert BreakdownDimension.objects.get(pk=sex.pk).name == "Gender"


@pytest.mark.parametrize("code", ["note", "Source", "value", "period_label"])
def test_a_dimension_code_cannot_be_one_of_the_import_files_own_columns(
    client, officer, standard_dimensions, code
):
    client.force_login(officer)
    response = client.post(
        reverse("indicators:dimension_new"), {"name": "Locality", "code": code, "order": "20"}
    )
    assert response.status_code == 200
    text = page(response)
    assert "There is a problem" in text
    assert (
        f"The code cannot be {code.lower()}: the import file has a column called {code.lower()} already"
        in text
    )
    assert not BreakdownDimension.objects.filter(name="Locality").exists()


@pytest.mark.parametrize("persona", ["contributor", "board_member"])
def test_only_the_officer_manages_breakdowns(client, request, persona, standard_dimensions):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("indicators:breakdowns")).status_code == 403


def test_a_contributor_enters_a_figure_with_its_groups(client, contributor, children_in_care):
    period = last_ended_period(Frequency.QUARTERLY)
    client.force_login(contributor)
    form = page(client.get(edit_url(children_in_care, period)))
    assert "By age band" in form and "Under 1" in form
    data = {
        "value": "20",
        "quality": "good",
        field("age_band", "under-1"): "3",
        field("age_band", "1-4"): "4",
        field("age_band", "5-9"): "5",
        field("age_band", "10-15"): "6",
        field("age_band", "16-plus"): "2",
        field("uasc", "yes"): "2",
        "submit": "",
    }
    response = client.post(edit_url(children_in_care, period), data)
    assert response.status_code == 302, page(response)
    figure = Figure.objects.get(indicator=children_in_care)
    assert figure.group_values.count() == 6
    assert figure.status == Figure.Status.SUBMITTED
    created = figure.changes.get(event="created")
    assert "Age band: Under 1 3, 1 to 4 4" in created.new_breakdown
    # The form opens with the groups as saved.
    assert 'value="3"' in page(client.get(edit_url(children_in_care, period)))


def test_groups_that_do_not_add_up_are_refused_naming_the_group(client, contributor, children_in_care):
    period = last_ended_period(Frequency.QUARTERLY)
    client.force_login(contributor)
    ages = ["under-1", "1-4", "5-9", "10-15", "16-plus", "unknown"]
    data = {"value": "20", "quality": "good"} | {field("age_band", code): "4" for code in ages}
    text = page(client.post(edit_url(children_in_care, period), data))
    assert "Age band: the groups' counts add up to 24, not the total's count of 20" in text
    assert "govuk-error-summary" in text
    # Some groups left empty: their sum may fall short of the total but never pass it.
    data = {"value": "5", "quality": "good", field("uasc", "yes"): "6"}
    text = page(client.post(edit_url(children_in_care, period), data))
    assert "Unaccompanied asylum-seeking children: the groups' counts add up to 6, more than" in text
    data = {"value": "20", "quality": "good", field("uasc", "yes"): "2.5"}
    text = page(client.post(edit_url(children_in_care, period), data))
    assert "Unaccompanied asylum-seeking children, UASC: enter a whole number, 0 or more" in text
    assert not Figure.objects.filter(indicator=children_in_care).exists()


def test_a_rate_by_group_checks_numerators_and_denominators(contributor, standard_dimensions):
    indicator = factories.IndicatorFactory(
        unit=Unit.PERCENTAGE, owner=contributor.organisation, frequency=Frequency.QUARTERLY
    )
    IndicatorDimension.objects.create(indicator=indicator, dimension=standard_dimensions["uasc"])
    uasc = groups("uasc")
    period = last_ended_period(Frequency.QUARTERLY)
    total = {"numerator": D(30), "denominator": D(40)}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        figure_save(
            indicator=indicator,
            period=period,
            user=contributor,
            values=total,
            expected_version=None,
            group_values={uasc["yes"].pk: {"numerator": D(5), "denominator": D(4), "value": None}},
        )
    assert "Unaccompanied asylum-seeking children, UASC: the numerator cannot be more than" in str(
        refused.value
    )
    with pytest.raises(ValidationError) as refused:
        figure_save(
            indicator=indicator,
            period=period,
            user=contributor,
            values=total,
            expected_version=None,
            group_values={
                uasc["yes"].pk: {"numerator": D(5), "denominator": D(10), "value": None},
                uasc["no"].pk: {"numerator": D(20), "denominator": D(30), "value": None},
                uasc["unknown"].pk: {"numerator": D(0), "denominator": D(0), "value": None},
            },
        )
    assert "greater than 0" in str(refused.value)
    figure = figure_save(
        indicator=indicator,
        period=period,
        user=contributor,
        values=total,
        expected_version=None,
        group_values={
            uasc["yes"].pk: {"numerator": D(5), "denominator": D(10), "value": None},
            uasc["no"].pk: {"numerator": D(25), "denominator": D(30), "value": None},
        },
    )
    assert FigureGroupValue.objects.get(figure=figure, group=uasc["yes"]).value == D(50)
    # A later total that the saved groups no longer fit is refused until the groups are corrected.
    with pytest.raises(ValidationError):
        figure_save(
            indicator=indicator,
            period=period,
            user=contributor,
            values={"numerator": D(20), "denominator": D(40)},
            expected_version=figure.version,
        )


def test_adopting_a_national_measure_brings_its_dfe_breakdowns(demo_strategy, standard_dimensions):
    from indicators.catalogue import catalogue_load
    from indicators.models import CatalogueDimension
    from indicators.services import catalogue_adopt

    catalogue_load(CatalogueEntry, dimension_model=BreakdownDimension, link_model=CatalogueDimension)
    entry = CatalogueEntry.objects.get(code="cla-missing")
    indicator = catalogue_adopt(entry=entry, objective=demo_strategy.objectives[1])
    codes = list(indicator.breakdowns.values_list("dimension__code", flat=True))
    assert codes[:3] == ["age_band", "sex", "ethnicity"]


def verified_figure_by_group(indicator, period, *, total, by_group: dict[str, int], user):
    figure = figure_save(
        indicator=indicator,
        period=period,
        user=user,
        values={"value": D(total)},
        expected_version=None,
        group_values={
            group.pk: {"value": D(by_group[code]), "numerator": None, "denominator": None}
            for code, group in groups("age_band").items()
            if code in by_group
        },
    )
    Figure.objects.filter(pk=figure.pk).update(status=Figure.Status.VERIFIED)
    return figure


@pytest.fixture
def counted_by_age(children_in_care, contributor):
    children_in_care.counts_children = True
    children_in_care.save()
    period = last_ended_period(Frequency.QUARTERLY)
    ages = {"under-1": 3, "1-4": 12, "5-9": 15, "10-15": 20, "16-plus": 10}
    verified_figure_by_group(children_in_care, period.previous(), total=60, by_group=ages, user=contributor)
    ages = {"under-1": 2, "1-4": 12, "5-9": 16, "10-15": 20, "16-plus": 10}
    verified_figure_by_group(children_in_care, period, total=60, by_group=ages, user=contributor)
    return children_in_care


def test_the_officer_sees_exact_figures_by_group(client, officer, counted_by_age):
    client.force_login(officer)
    text = page(client.get(counted_by_age.get_absolute_url()))
    assert "By age band" in text
    section = text[text.index('id="by-group"') :]
    assert ">2<" in section and "3.3% of all children" in section
    assert "<svg" in section and "Under 1: 2" in section  # the chart's text alternative


def test_a_board_member_sees_small_groups_hidden(client, board_member, counted_by_age):
    client.force_login(board_member)
    text = page(client.get(counted_by_age.get_absolute_url()))
    section = text[text.index('id="by-group"') :]
    assert ">c<" in section and "Not shown: small numbers" in section
    assert "Under 1: c (not shown)" in section
    assert "not shown to protect their privacy" in section
    assert ">2<" not in section and ">3<" not in section
    assert "26.7% of all children" in section  # 16 of 60, shown


def test_a_rate_by_group_reads_its_gap_in_words(client, officer, contributor, standard_dimensions):
    indicator = factories.IndicatorFactory(
        title="Health checks on time",
        unit=Unit.PERCENTAGE,
        polarity="higher",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
        counts_children=True,
    )
    IndicatorDimension.objects.create(indicator=indicator, dimension=standard_dimensions["uasc"])
    uasc = groups("uasc")
    figure_save(
        indicator=indicator,
        period=last_ended_period(Frequency.QUARTERLY),
        user=contributor,
        values={"numerator": D(80), "denominator": D(100)},
        expected_version=None,
        group_values={
            uasc["yes"].pk: {"numerator": D(9), "denominator": D(12), "value": None},
            uasc["no"].pk: {"numerator": D(71), "denominator": D(88), "value": None},
        },
    )
    client.force_login(officer)
    text = page(client.get(indicator.get_absolute_url()))
    assert "5 points worse than all children" in text  # 75% against 80%
    assert "based on fewer than 20 children" in text


def indicator_by_team(contributor, group_count: int):
    """An indicator with three periods of figures by a dimension of ``group_count`` groups."""
    dimension = BreakdownDimension.objects.create(code=f"team-{group_count}", name=f"Team of {group_count}")
    team = [
        BreakdownGroup.objects.create(dimension=dimension, code=f"team-{n}", label=f"Team {n}", order=n)
        for n in range(group_count)
    ]
    indicator = factories.IndicatorFactory(owner=contributor.organisation, frequency=Frequency.QUARTERLY)
    IndicatorDimension.objects.create(indicator=indicator, dimension=dimension)
    period = last_ended_period(Frequency.QUARTERLY)
    for start in (period.previous().previous(), period.previous(), period):
        figure_save(
            indicator=indicator,
            period=start,
            user=contributor,
            values={"value": D(10 * group_count)},
            expected_version=None,
            group_values={
                group.pk: {"value": D(10), "numerator": None, "denominator": None} for group in team
            },
        )
    return indicator


def test_the_indicator_page_makes_as_many_queries_with_2_groups_as_with_20(client, officer, contributor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    counts = {}
    for group_count in (2, 20):
        indicator = indicator_by_team(contributor, group_count)
        client.get(indicator.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(indicator.get_absolute_url())
        assert f"Team {group_count - 1}" in page(response)
        counts[group_count] = len(queries)
    assert counts[2] == counts[20]


def test_the_demo_breaks_three_measures_down_with_groups_that_add_up(db, settings, client, board_member):
    from django.core.management import call_command

    from indicators.breakdowns import group_values_clean, group_values_of, indicator_dimensions
    from indicators.models import PerformanceIndicator

    settings.DEBUG = True
    call_command("load_demo", password="a-demo-password-for-tests")
    broken_down = PerformanceIndicator.objects.filter(
        breakdowns__dimension__code__in=["ethnicity", "uasc"], figures__group_values__isnull=False
    ).distinct()
    assert broken_down.count() >= 3
    for indicator in broken_down:
        dimensions = indicator_dimensions(indicator)
        figures = list(indicator.figures.filter(group_values__isnull=False).distinct())
        assert len(figures) >= 3
        for figure in figures:
            total = {"value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator}
            group_values_clean(
                indicator=indicator, dimensions=dimensions, total=total, entered=group_values_of(figure)
            )  # raises if the groups do not add up
    client.force_login(board_member)
    text = page(client.get(broken_down.first().get_absolute_url()))
    assert "By ethnicity group" in text and ">c<" in text
    before = FigureGroupValue.objects.count()
    call_command("load_demo", password="a-demo-password-for-tests")
    assert FigureGroupValue.objects.count() == before


def test_the_report_freezes_the_groups_and_lists_those_notably_worse(
    client, officer, demo_strategy, standard_dimensions
):
    import datetime

    from board.reports import latest_ended_half_year
    from board.snapshot import ReportSnapshot
    from indicators.models import PerformanceIndicator

    indicator = (
        PerformanceIndicator.objects.filter(objective__strategy=demo_strategy.strategy, computation="")
        .order_by("objective__number", "position")
        .first()
    )
    indicator.unit, indicator.polarity, indicator.counts_children = Unit.PERCENTAGE, "higher", True
    indicator.disparity_threshold = D(3)
    indicator.save()
    IndicatorDimension.objects.create(indicator=indicator, dimension=standard_dimensions["uasc"])
    IndicatorDimension.objects.create(indicator=indicator, dimension=standard_dimensions["age_band"])
    half_year = latest_ended_half_year()
    period = factories.last_ended_period(indicator.frequency, today=half_year.end + datetime.timedelta(1))
    figure = factories.FigureFactory(
        indicator=indicator,
        period_start=period.start,
        value=D(80),
        numerator=D(80),
        denominator=D(100),
        status=Figure.Status.VERIFIED,
    )
    uasc, ages = groups("uasc"), groups("age_band")
    for group, numerator, denominator in [
        (uasc["yes"], 15, 25),  # 60%: 20 points worse, listed
        (uasc["no"], 65, 75),
        (ages["under-1"], 2, 3),  # small: hidden, never listed
        (ages["16-plus"], 78, 97),
    ]:
        FigureGroupValue.objects.create(
            figure=figure,
            group=group,
            numerator=D(numerator),
            denominator=D(denominator),
            value=(D(numerator) / denominator * 100).quantize(D("0.01")),
        )
    report = factories.compiled_report(demo_strategy.strategy)
    [entry] = [entry for entry in report.data.indicators if entry.reference == indicator.reference]
    assert [breakdown.dimension for breakdown in entry.breakdowns] == [
        "Age band",
        "Unaccompanied asylum-seeking children",
    ]
    listed = [(breakdown.dimension, group.label) for breakdown, group in entry.groups_notably_worse]
    assert listed == [("Unaccompanied asylum-seeking children", "UASC")]
    under_one = entry.breakdowns[0].groups[0]
    assert under_one.hidden and not under_one.notably_worse
    assert ReportSnapshot.from_stored(report.snapshot) == report.data
    client.force_login(officer)
    page_text = page(client.get(report.get_absolute_url()))
    assert "Groups doing notably worse than all children" in page_text
    assert "UASC, 20 points worse than all children" in page_text

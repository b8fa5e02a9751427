"""Importing and exporting figures by group: one extra column per dimension."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.breakdown_standards import standard_dimensions_ensure
from indicators.choices import Frequency, Unit
from indicators.imports import commit_import, preview_import
from indicators.models import BreakdownDimension, BreakdownGroup, Figure, FigureGroupValue, IndicatorDimension

from . import factories
from .factories import last_ended_period

QUARTER = last_ended_period(Frequency.QUARTERLY)
HEADER = "indicator,period,value,numerator,denominator,note,quality,source,age_band,uasc\n"


@pytest.fixture
def by_age(contributor):
    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    objective = factories.ObjectiveFactory(number=2)
    owner = contributor.organisation
    count = factories.IndicatorFactory(objective=objective, position=1, owner=owner, unit=Unit.COUNT)
    rate = factories.IndicatorFactory(objective=objective, position=2, owner=owner, unit=Unit.PERCENTAGE)
    for indicator in (count, rate):
        for code in ("age_band", "uasc"):
            IndicatorDimension.objects.create(
                indicator=indicator, dimension=BreakdownDimension.objects.get(code=code)
            )
    factories.IndicatorFactory(objective=objective, position=3, owner=owner, unit=Unit.COUNT)
    return {"count": count, "rate": rate}


def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


TOTAL = f"PI 2.1,{QUARTER.code},20,,,,good,,,"
AGES = [
    f"PI 2.1,{QUARTER.code},3,,,,,,under-1,",
    f"PI 2.1,{QUARTER.code},5,,,,,,1 to 4,",  # a group's label reads as well as its code
    f"PI 2.1,{QUARTER.code},12,,,,,,10-15,",
]


def test_a_contributor_imports_a_figure_with_its_groups(contributor, by_age):
    content = csv_file(TOTAL, *AGES, f"PI 2.1,{QUARTER.code},2,,,,,,,yes")
    preview = preview_import(name="f.csv", content=content, user=contributor)
    assert [row.outcome for row in preview.rows] == ["new", "group", "group", "group", "group"]
    assert preview.is_valid
    commit_import(name="f.csv", content=content, user=contributor, submit=True)
    figure = Figure.objects.get(indicator=by_age["count"])
    assert figure.value == D(20) and figure.group_values.count() == 4
    assert "Age band: Under 1 3, 1 to 4 5, 10 to 15 12" in figure.changes.get(event="imported").new_breakdown
    # The same file again changes nothing; a changed group changes the figure.
    again = preview_import(name="f.csv", content=content, user=contributor)
    assert again.rows[0].outcome == "unchanged"
    changed = csv_file(TOTAL, *AGES[:2], f"PI 2.1,{QUARTER.code},11,,,,,,10-15,")
    assert preview_import(name="f.csv", content=changed, user=contributor).rows[0].outcome == "changed"


def test_groups_that_do_not_add_up_are_refused_naming_the_row_and_group(contributor, by_age):
    content = csv_file(
        TOTAL, *AGES, f"PI 2.1,{QUARTER.code},1,,,,,,16-plus,", f"PI 2.1,{QUARTER.code},0,,,,,,5-9,"
    )
    content += f"PI 2.1,{QUARTER.code},0,,,,,,unknown,\n".encode()
    preview = commit_import(name="f.csv", content=content, user=contributor, submit=True)
    assert not preview.is_valid
    [bad] = preview.errors
    assert bad.number == 8
    assert "Age band: the groups' counts add up to 21, not the total's count of 20" in bad.errors[0].message
    assert not Figure.objects.exists()  # all or nothing


@pytest.mark.parametrize(
    "row, message",
    [
        (
            f"PI 2.1,{QUARTER.code},3,,,,,,teenagers,",
            "'teenagers' is not a group of age band: use one of under-1",
        ),
        (f"PI 2.3,{QUARTER.code},3,,,,,,under-1,", "PI 2.3 is not broken down by age band"),
        (f"PI 2.1,{QUARTER.code},3,,,,,,under-1,yes", "This row names groups in age_band and uasc"),
        (f"PI 2.1,{QUARTER.code},2.5,,,,,,under-1,", "Age band, Under 1: enter a whole number"),
        (f"PI 2.1,{QUARTER.code},30,,,,,,,yes", "more than the total's count of 20"),
    ],
)
def test_each_bad_group_row_gets_its_message(contributor, by_age, row, message):
    preview = preview_import(name="f.csv", content=csv_file(TOTAL, row), user=contributor)
    [bad] = preview.errors
    assert bad.number == 3
    assert message in bad.errors[0].message, bad.errors


def test_a_group_row_needs_its_total_row(contributor, by_age):
    preview = preview_import(name="f.csv", content=csv_file(AGES[0]), user=contributor)
    assert "Add a row for the total of PI 2.1" in preview.errors[0].errors[0].message


def test_a_group_row_whose_total_is_left_empty_or_wrong_gets_its_own_error(contributor, by_age):
    blank_total = f"PI 2.1,{QUARTER.code},,,,,,,,"
    preview = preview_import(name="f.csv", content=csv_file(blank_total, AGES[0]), user=contributor)
    assert not preview.is_valid
    [bad] = preview.errors
    assert bad.number == 3
    assert (
        f"Enter the total for PI 2.1 in period {QUARTER.code}: a group's figure is saved with its total"
        in (bad.errors[0].message)
    )
    commit_import(name="f.csv", content=csv_file(blank_total, AGES[0]), user=contributor, submit=True)
    assert not Figure.objects.exists()

    wrong_total = f"PI 2.1,{QUARTER.code},lots,,,,good,,,"
    preview = preview_import(name="f.csv", content=csv_file(wrong_total, AGES[0]), user=contributor)
    assert [row.number for row in preview.errors] == [2, 3]
    assert f"Correct the total for PI 2.1 in period {QUARTER.code}" in preview.errors[1].errors[0].message


def test_a_file_replaces_only_the_groups_of_the_dimensions_it_gives(contributor, by_age):
    commit_import(name="f.csv", content=csv_file(TOTAL, *AGES), user=contributor, submit=False)
    figure = Figure.objects.get(indicator=by_age["count"])
    uasc_only = csv_file(TOTAL, f"PI 2.1,{QUARTER.code},2,,,,,,,yes")
    commit_import(name="f.csv", content=uasc_only, user=contributor, submit=False)
    saved = {(part.group.dimension.code, part.group.code): part.value for part in figure.group_values.all()}
    assert saved == {
        ("age_band", "under-1"): D(3),
        ("age_band", "1-4"): D(5),
        ("age_band", "10-15"): D(12),
        ("uasc", "yes"): D(2),
    }
    # The age bands kept are still checked against a new total.
    smaller = csv_file(f"PI 2.1,{QUARTER.code},10,,,,good,,,", f"PI 2.1,{QUARTER.code},2,,,,,,,yes")
    [bad] = preview_import(name="f.csv", content=smaller, user=contributor).errors
    assert bad.number == 2
    assert "Age band: the groups' counts add up to 20, more than the total's count of 10" in (
        bad.errors[0].message
    )


def test_a_rate_by_group_imports_numerators_and_denominators(contributor, by_age):
    content = csv_file(
        f"PI 2.2,{QUARTER.code},,30,40,,good,,,",
        f"PI 2.2,{QUARTER.code},,4,10,,,,,yes",
        f"PI 2.2,{QUARTER.code},,26,30,,,,,no",
    )
    commit_import(name="f.csv", content=content, user=contributor, submit=False)
    yes = FigureGroupValue.objects.get(group__dimension__code="uasc", group__code="yes")
    assert (yes.value, yes.numerator, yes.denominator) == (D(40), D(4), D(10))
    content = csv_file(f"PI 2.2,{QUARTER.code},,30,40,,good,,,", f"PI 2.2,{QUARTER.code},,12,10,,,,,yes")
    [bad] = preview_import(name="f.csv", content=content, user=contributor).errors
    assert "UASC: the numerator cannot be more than the denominator" in bad.errors[0].message


def test_the_template_and_the_export_have_a_column_per_dimension(client, contributor, by_age):
    commit_import(name="f.csv", content=csv_file(TOTAL, *AGES), user=contributor, submit=False)
    client.force_login(contributor)
    template = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("indicators:import_template", kwargs={"fmt": "csv"})).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert template[0][-2:] == ["age_band", "uasc"]
    assert [template[2][0], template[2][-2], template[2][-1]] == ["PI 2.1", "under-1", ""]
    exported = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("indicators:export", kwargs={"fmt": "csv"})).content.decode("utf-8-sig")
            )
        )
    )
    assert exported[0][-1] == "age_band"
    assert [row[-1] for row in exported[1:]] == ["", "under-1", "1-4", "10-15"]
    assert [row[4] for row in exported[1:]] == ["20", "3", "5", "12"]

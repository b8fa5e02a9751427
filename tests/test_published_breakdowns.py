"""DfE's figures by group: a mapping imports a measure by one of a file's breakdown columns.

The officer maps care leavers in suitable accommodation by their age (DfE's care_leaver_age
column), so England's, the region's and the council's figures for each age group sit beside the
council's own figures by group. The imported figures are checked against an independent reading
of DfE's file with the csv module.
"""

import csv
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comparisons.demo import DATA_DIR, upload_path
from comparisons.layouts import PublishedFileError
from comparisons.mappings import measure_update
from comparisons.models import PublishedFile, PublishedMeasure, PublishedValue
from comparisons.packs import mapping_pack_export, mapping_pack_load, read_pack
from comparisons.selectors import comparisons_for_measures, published_values_by_group
from comparisons.services import measure_create, published_file_import, published_file_upload
from tests.factories import IndicatorFactory

SUITABILITY = DATA_DIR / "la_care_leavers_accommodation_suitability.csv"
AGES = {"17 to 18 years": "17-18", "19 to 21 years": "19-21"}


def suitable_accommodation_by_age(published_file, **changes) -> PublishedMeasure:
    return measure_create(
        **{
            "published_file": published_file,
            "title": "Care leavers in suitable accommodation, by age",
            "row_filters": {"breakdown": "Accommodation considered suitable"},
            "total_filters": {"breakdown": "Suitability total"},
            "count_column": "care_leaver_count",
            "denominator_column": "",
            "value_column": "care_leaver_percent",
            "unit": "percentage",
            "polarity": "higher",
            "breakdown_column": "care_leaver_age",
            "breakdown_dimension": "care-leaver-age",
            "breakdown_groups": AGES,
            **changes,
        }
    )


def published(text: str):
    """A cell as DfE published it: a number, or its symbol."""
    try:
        return Decimal(text.replace(",", "")), ""
    except ArithmeticError:
        return None, text.lower()


def figures_by_csv() -> dict[tuple, tuple]:
    """(year, level, area code, group) → (value, count, denominator), read with the csv module."""
    rows, totals = {}, {}
    with SUITABILITY.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            area = {
                "National": row["country_code"],
                "Regional": row["region_code"],
                "Local authority": row["new_la_code"] or row["old_la_code"],
            }[row["geographic_level"]]
            key = (int(row["time_period"]), row["geographic_level"], area, AGES[row["care_leaver_age"]])
            if row["breakdown"] == "Accommodation considered suitable":
                rows[key] = (published(row["care_leaver_percent"]), published(row["care_leaver_count"]))
            elif row["breakdown"] == "Suitability total":
                totals[key] = published(row["care_leaver_count"])
    return {key: (value, count, totals[key]) for key, (value, count) in rows.items()}


@pytest.mark.django_db
def test_a_measure_by_age_imports_every_areas_figures_for_each_group_as_dfe_published_them():
    published_file = upload_path(SUITABILITY)
    measure = suitable_accommodation_by_age(published_file)
    result = published_file_import(published_file=published_file)
    assert result.changed_anything

    stored = {
        (v.time_period, v.geographic_level, v.area_code, v.group): (
            (v.value, v.value_symbol),
            (v.count, v.count_symbol),
            (v.denominator, v.denominator_symbol),
        )
        for v in PublishedValue.objects.filter(measure=measure)
    }
    expected = figures_by_csv()
    assert len(expected) == 1670  # 5 years x 167 areas (England, regions, councils) x 2 ages
    assert stored == expected
    assert {key[3] for key in stored} == {"17-18", "19-21"}

    # England's, the region's and the council's figures for each age group, year by year.
    by_group = published_values_by_group(measure=measure)
    assert [(f.time_period, f.group) for f in by_group][:4] == [
        (2021, "17-18"),
        (2021, "19-21"),
        (2022, "17-18"),
        (2022, "19-21"),
    ]
    for figures in by_group:
        assert figures.label in AGES and AGES[figures.label] == figures.group
        assert figures.dimension == "care-leaver-age"
        year, group = figures.time_period, figures.group
        assert (figures.england.value, figures.england.value_symbol) == expected[
            (year, "National", "E92000001", group)
        ][0]
        assert figures.council.old_la_code == "851"
        assert (figures.council.value, figures.council.value_symbol) == expected[
            (year, "Local authority", "E06000044", group)
        ][0]
        assert figures.region.area_code == figures.council.region_code
        assert (figures.region.value, figures.region.value_symbol) == expected[
            (year, "Regional", figures.council.region_code, group)
        ][0]

    # Importing the same file again changes nothing.
    assert not published_file_import(published_file=published_file).changed_anything
    # A mapping by group feeds no comparison of the figure for everyone.
    assert [c.years for c in comparisons_for_measures([measure])] == [[]]


@pytest.mark.django_db
def test_the_indicators_mappings_by_group_are_found_through_the_indicator(django_assert_num_queries):
    indicator = IndicatorFactory()
    published_file = upload_path(SUITABILITY)
    measure = suitable_accommodation_by_age(published_file, indicator=indicator)
    published_file_import(published_file=published_file)
    with django_assert_num_queries(2):  # the mappings, then their figures: however many groups
        figures = published_values_by_group(indicator=indicator)
    assert {f.measure.pk for f in figures} == {measure.pk}
    assert len(figures) == 10  # 5 years x 2 age groups
    # An indicator's mapping for everyone and its mapping by group do not clash.
    total = measure_create(
        published_file=published_file,
        title="Care leavers aged 19 to 21 in suitable accommodation",
        row_filters={"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        total_filters={"care_leaver_age": "19 to 21 years", "breakdown": "Suitability total"},
        count_column="care_leaver_count",
        denominator_column="",
        value_column="care_leaver_percent",
        unit="percentage",
        polarity="higher",
        indicator=indicator,
    )
    assert published_values_by_group(measure=total) == []


def figures_of(measure) -> list[tuple]:
    values = PublishedValue.objects.filter(measure=measure)
    return list(
        values.order_by("time_period", "geographic_level", "area_code", "group").values_list(
            "time_period", "area_code", "group", "value", "value_symbol"
        )
    )


@pytest.mark.django_db
def test_editing_a_mapping_by_group_re_derives_each_groups_figures():
    published_file = upload_path(SUITABILITY)
    measure = suitable_accommodation_by_age(published_file)
    published_file_import(published_file=published_file)
    before = figures_of(measure)
    change = measure_update(
        measure=measure,
        version=measure.version,
        breakdown_groups={"19 to 21 years": "19-21"},
    )
    assert change.values_rederived == 835  # 5 years x 167 areas, one age group
    after = figures_of(measure)
    assert after == [row for row in before if row[2] == "19-21"]
    assert change.before["breakdown_groups"] == AGES


HEADINGS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,characteristic,children_count,children_percent\n"
)
AREA = {
    "England": "National,E92000001,England,,,,,",
    "Portsmouth": "Local authority,E92000001,England,E12000008,South East,851,Portsmouth,E06000044",
}


def by_sex_file(*rows: tuple[str, str, int, int]) -> bytes:
    lines = [
        f"2025,Reporting year,{AREA[area]},{group},{count},{percent}\n"
        for area, group, count, percent in rows
    ]
    return (HEADINGS + "".join(lines)).encode()


def by_sex(published_file, **changes):
    return measure_create(
        **{
            "published_file": published_file,
            "title": "Children by sex",
            "row_filters": {},
            "total_filters": {},
            "count_column": "children_count",
            "denominator_column": "",
            "value_column": "children_percent",
            "unit": "percentage",
            "polarity": "none",
            "breakdown_column": "characteristic",
            "breakdown_dimension": "sex",
            "breakdown_groups": {"Total": "", "Boys": "male", "Girls": "female"},
            **changes,
        }
    )


@pytest.mark.django_db
def test_the_total_and_each_sex_are_stored_and_values_not_mapped_are_left_out():
    content = by_sex_file(
        ("England", "Total", 100, 50),
        ("England", "Boys", 60, 55),
        ("England", "Girls", 40, 45),
        ("England", "Not known", 0, 0),
        ("Portsmouth", "Total", 10, 40),
        ("Portsmouth", "Boys", 7, 42),
        ("Portsmouth", "Girls", 3, 38),
    )
    published_file = published_file_upload(name="children_by_sex.csv", content=content)
    measure = by_sex(published_file)
    published_file_import(published_file=published_file)
    stored = sorted(PublishedValue.objects.values_list("area_name", "group", "count"))
    assert stored == [
        ("England", "", 100),
        ("England", "female", 40),
        ("England", "male", 60),
        ("Portsmouth", "", 10),
        ("Portsmouth", "female", 3),
        ("Portsmouth", "male", 7),
    ]
    # The figure for everyone is the comparison's; the groups are read through the selector.
    (comparison,) = comparisons_for_measures([measure])
    assert comparison.latest.council.count == 10
    assert [
        (f.group, f.council.count, f.england.count) for f in published_values_by_group(measure=measure)
    ] == [
        ("", 10, 100),
        ("male", 7, 60),
        ("female", 3, 40),
    ]


@pytest.mark.django_db
def test_a_file_giving_one_group_twice_is_refused_whole_naming_the_rows():
    good = published_file_upload(
        name="children_by_sex.csv",
        content=by_sex_file(("England", "Boys", 60, 55), ("England", "Girls", 40, 45)),
    )
    by_sex(good, breakdown_groups={"Boys": "male", "Girls": "female"})
    published_file_import(published_file=good)
    broken = published_file_upload(
        name="children_by_sex.csv",
        content=by_sex_file(
            ("England", "Boys", 61, 55),
            ("Portsmouth", "Boys", 7, 42),
            ("Portsmouth", "Boys", 8, 43),
        ),
    )
    with pytest.raises(
        PublishedFileError, match=r"Rows 3 and 4 both give 'Children by sex' \(male\) for Portsmouth"
    ):
        published_file_import(published_file=broken)
    assert sorted(PublishedValue.objects.values_list("group", "count")) == [("female", 40), ("male", 60)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"breakdown_groups": {"Boys": "boys"}}, "must be one of sex's groups: male, female"),
        ({"breakdown_groups": {"Boys": "male", "Girls": "male"}}, "two values share one"),
        ({"breakdown_dimension": "Sex"}, "lower-case letters, digits and hyphens"),
        ({"breakdown_groups": {}}, "Map each of the column's values to a group's code"),
        ({"row_filters": {"characteristic": "Boys"}}, "picks the measure's rows already"),
        ({"breakdown_column": "sex"}, "uses the column sex, which this file does not have"),
    ],
)
def test_a_breakdown_that_cannot_be_right_is_refused_saying_what_to_do(changes, message):
    published_file = published_file_upload(
        name="children_by_sex.csv",
        content=by_sex_file(("England", "Boys", 60, 55), ("England", "Girls", 40, 45)),
    )
    with pytest.raises(ValidationError, match=message):
        by_sex(published_file, **changes)
    assert not PublishedMeasure.objects.exists()


@pytest.mark.django_db
def test_a_pack_carries_the_breakdown_and_loads_it_again():
    published_file = upload_path(SUITABILITY)
    measure = suitable_accommodation_by_age(published_file)
    pack = mapping_pack_export([measure])
    assert pack["measures"][0]["breakdown"] == {
        "column": "care_leaver_age",
        "dimension": "care-leaver-age",
        "groups": AGES,
    }
    pack["measures"][0]["title"] = "By age, again"
    (loaded,), already = mapping_pack_load(pack=read_pack(json.dumps(pack).encode()))
    assert (loaded.breakdown_column, loaded.breakdown_dimension, loaded.breakdown_groups) == (
        "care_leaver_age",
        "care-leaver-age",
        AGES,
    )
    pack["measures"][0]["title"] = "Broken"
    pack["measures"][0]["breakdown"] = {"column": "care_leaver_age", "dimension": "age-band", "groups": AGES}
    with pytest.raises(ValidationError, match="Measure 1: .*must be one of age-band's groups"):
        mapping_pack_load(pack=pack)
    pack["measures"][0]["breakdown"] = {"column": "care_leaver_age", "groups": ["17-18"]}
    with pytest.raises(ValidationError, match="Measure 1: the breakdown's groups must map"):
        mapping_pack_load(pack=pack)


def test_the_officer_maps_a_measure_by_age_on_the_mapping_screen_and_edits_it(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(officer)
    client.post(
        reverse("comparisons:upload"),
        {"file": SimpleUploadedFile(SUITABILITY.name, SUITABILITY.read_bytes(), content_type="text/csv")},
    )
    published_file = PublishedFile.objects.get()
    mapping_url = reverse("comparisons:measure_new", kwargs={"pk": published_file.pk})
    assert "Each value is a group (a measure by group)" in client.get(mapping_url).content.decode()
    mapping = {
        "title": "Care leavers in suitable accommodation, by age",
        "row_0": "*by-group*",
        "row_1": "Accommodation considered suitable",
        "total_0": "",
        "total_1": "Suitability total",
        "count_column": "care_leaver_count",
        "denominator_column": "",
        "value_column": "care_leaver_percent",
        "unit": "percentage",
        "polarity": "higher",
        "breakdown_dimension": "care-leaver-age",
        "breakdown_groups": "17 to 18 years = 17-18\n19 to 21 years = 20-21 and over",
    }
    refused = client.post(mapping_url, mapping).content.decode()
    assert "There is a problem" in refused and "must be a code in lower-case letters" in refused
    refused = client.post(mapping_url, {**mapping, "breakdown_groups": "18 years = 17-18"}).content.decode()
    assert "Line 1: &#x27;18 years&#x27; is not a value of care_leaver_age" in refused

    mapping["breakdown_groups"] = "17 to 18 years = 17-18\n19 to 21 years = 19-21"
    response = client.post(mapping_url, mapping)
    assert response.status_code == 302, response.content.decode()
    measure = PublishedMeasure.objects.get()
    assert (measure.row_filters, measure.total_filters) == (
        {"breakdown": "Accommodation considered suitable"},
        {"breakdown": "Suitability total"},
    )
    assert (measure.breakdown_column, measure.breakdown_groups) == ("care_leaver_age", AGES)
    client.post(reverse("comparisons:file", kwargs={"pk": published_file.pk}))
    assert PublishedValue.objects.filter(measure=measure).count() == 1670

    edit_url = reverse("comparisons:measure_edit", kwargs={"pk": measure.pk})
    form = client.get(edit_url).content.decode()
    assert "19 to 21 years = 19-21" in form
    response = client.post(
        edit_url, {**mapping, "version": measure.version, "breakdown_groups": "19 to 21 years = 19-21"}
    )
    assert response.status_code == 302, response.content.decode()
    assert set(PublishedValue.objects.filter(measure=measure).values_list("group", flat=True)) == {"19-21"}


def test_a_group_code_longer_than_40_characters_is_refused_on_the_mapping_screen(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(officer)
    client.post(
        reverse("comparisons:upload"),
        {"file": SimpleUploadedFile(SUITABILITY.name, SUITABILITY.read_bytes(), content_type="text/csv")},
    )
    published_file = PublishedFile.objects.get()
    mapping_url = reverse("comparisons:measure_new", kwargs={"pk": published_file.pk})
    long_code = "care-leavers-aged-seventeen-to-eighteen-years"  # 45 characters
    mapping = {
        "title": "Care leavers in suitable accommodation, by age",
        "row_0": "*by-group*",
        "row_1": "Accommodation considered suitable",
        "total_0": "",
        "total_1": "Suitability total",
        "count_column": "care_leaver_count",
        "denominator_column": "",
        "value_column": "care_leaver_percent",
        "unit": "percentage",
        "polarity": "higher",
        "breakdown_dimension": "care-leaver-age",
        "breakdown_groups": f"17 to 18 years = {long_code}\n19 to 21 years = 19-21",
    }
    response = client.post(mapping_url, mapping)
    assert response.status_code == 200
    refused = response.content.decode()
    assert "There is a problem" in refused
    assert "The group for &#x27;17 to 18 years&#x27; must be 40 characters or fewer" in refused
    assert not PublishedMeasure.objects.exists()

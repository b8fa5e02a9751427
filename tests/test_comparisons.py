"""Published DfE statistics: the real files import exactly, and the council is compared fairly."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from comparisons.demo import (
    CARE_LEAVERS_FILE,
    CHILDREN_LOOKED_AFTER_FILE,
    DEMO_MEASURES,
    NEIGHBOURS_FILE,
    PLACEMENT_STABILITY_FILE,
    published_statistics_load,
    upload_path,
)
from comparisons.layouts import PublishedFileError
from comparisons.models import (
    DefinitionVersion,
    PublishedFile,
    PublishedMeasure,
    PublishedValue,
    Symbol,
    YearReplacement,
)
from comparisons.selectors import Council, Verdict, comparisons_for_measures, neighbour_codes
from comparisons.services import (
    measure_create,
    neighbours_import,
    published_file_import,
    published_file_upload,
)
from indicators.choices import Polarity, Unit

PORTSMOUTH_NEIGHBOURS = ["852", "879", "373", "831", "874", "801", "894", "882", "331", "355"]


@pytest.fixture
def published(db):
    published_statistics_load()


def measure(title_start: str) -> PublishedMeasure:
    return PublishedMeasure.objects.get(title__startswith=title_start)


def comparison(title_start: str, council: Council | None = None):
    [result] = comparisons_for_measures([measure(title_start)], council=council)
    return result


def year(result, time_period: int):
    return next(entry for entry in result.years if entry.time_period == time_period)


def test_portsmouths_2025_placement_figures_appear_exactly_as_published(published):
    same_carer = year(comparison("Children looked after for 2.5 years"), 2025)
    assert same_carer.council.area_name == "Portsmouth"
    assert (same_carer.council.count, same_carer.council.denominator) == (103, 128)
    assert same_carer.council.value == 80
    assert same_carer.council.display == "80%"
    assert same_carer.council.parts_display == "103 of 128"

    three_plus = year(comparison("Children looked after with 3 or more"), 2025)
    assert (three_plus.council.count, three_plus.council.denominator, three_plus.council.value) == (
        31,
        402,
        8,
    )


def test_england_and_the_south_east_match_the_published_figures(published):
    same_carer = year(comparison("Children looked after for 2.5 years"), 2025)
    assert same_carer.england.area_name == "England"
    assert (same_carer.england.count, same_carer.england.denominator, same_carer.england.value) == (
        19680,
        28710,
        69,
    )
    assert same_carer.region.area_name == "South East"
    region_row = _published_row(
        PLACEMENT_STABILITY_FILE,
        time_period="2025",
        geographic_level="Regional",
        region_name="South East",
        cla_group="CLA on 31 March",
        placement_stability="With 3 or more placements during the year",
    )
    three_plus = year(comparison("Children looked after with 3 or more"), 2025)
    assert three_plus.region.count == Decimal(region_row["children_count"])
    assert three_plus.region.value == Decimal(region_row["children_percent"])


def test_portsmouths_ten_neighbours_come_from_the_groupings_file_and_the_median_is_right(published):
    assert neighbour_codes("851") == PORTSMOUTH_NEIGHBOURS
    three_plus = year(comparison("Children looked after with 3 or more"), 2025)
    assert [code for code, _ in three_plus.neighbours] == PORTSMOUTH_NEIGHBOURS
    expected = sorted(
        Decimal(row["children_percent"])
        for row in _published_rows(
            PLACEMENT_STABILITY_FILE,
            time_period="2025",
            geographic_level="Local authority",
            cla_group="CLA on 31 March",
            placement_stability="With 3 or more placements during the year",
        )
        if row["old_la_code"] in PORTSMOUTH_NEIGHBOURS and row["children_percent"].isdigit()
    )
    assert len(expected) == len(three_plus.neighbour_numbers)
    middle = len(expected) // 2
    median = expected[middle] if len(expected) % 2 else (expected[middle - 1] + expected[middle]) / 2
    assert three_plus.neighbour_median == median
    # Fewer placement moves is better: the rank counts the neighbours with a lower percentage.
    assert three_plus.rank == 1 + sum(1 for value in expected if value < 8)


def test_dfe_symbols_stay_symbols_and_are_never_zero(published):
    suppressed = PublishedValue.objects.get(
        measure__title__startswith="Care leavers aged 19 to 21",
        time_period=2025,
        old_la_code="851",
    )
    assert suppressed.value == 92  # Portsmouth's own figure is published
    symbols = PublishedValue.objects.exclude(value_symbol="")
    assert symbols.filter(value_symbol=Symbol.SUPPRESSED).exists()
    assert symbols.filter(value__isnull=False).count() == 0
    cumbria = PublishedValue.objects.get(
        measure__title__startswith="Children looked after on 31 March", time_period=2025, old_la_code="909"
    )
    assert (cumbria.count, cumbria.count_symbol) == (None, Symbol.NOT_APPLICABLE)
    assert (cumbria.denominator, cumbria.denominator_symbol) == (None, Symbol.NOT_AVAILABLE)
    assert cumbria.display == "z"
    assert cumbria.symbol_meaning == "z: not applicable"


def test_importing_the_same_file_again_changes_nothing(published):
    before = list(PublishedValue.objects.order_by("pk").values_list("pk", "value", "value_symbol"))
    again = upload_path(PLACEMENT_STABILITY_FILE)
    assert PublishedFile.objects.filter(filename=PLACEMENT_STABILITY_FILE.name).count() == 1
    result = published_file_import(published_file=again)
    assert not result.changed_anything
    assert list(PublishedValue.objects.order_by("pk").values_list("pk", "value", "value_symbol")) == before
    assert not YearReplacement.objects.exists()


def test_a_newer_file_for_the_same_year_replaces_that_year_and_the_history_records_it(published):
    revised = PLACEMENT_STABILITY_FILE.read_bytes().replace(
        b"851,Portsmouth,E06000044,CLA on 31 March,With 3 or more placements during the year,31,8",
        b"851,Portsmouth,E06000044,CLA on 31 March,With 3 or more placements during the year,33,8",
    )
    newer = published_file_upload(name="la_cla_placement_stability_revised.csv", content=revised)
    result = published_file_import(published_file=newer)

    three_plus = measure("Children looked after with 3 or more")
    assert (three_plus, 2025) in result.years_replaced
    assert (three_plus, 2024) in result.years_unchanged
    assert PublishedValue.objects.get(measure=three_plus, time_period=2025, old_la_code="851").count == 33
    replacement = YearReplacement.objects.get(measure=three_plus, time_period=2025)
    assert replacement.replaced_file.filename == PLACEMENT_STABILITY_FILE.name
    assert replacement.replacing_file == newer
    assert PublishedValue.objects.filter(measure=three_plus, source_file=newer).count() == (
        PublishedValue.objects.filter(measure=three_plus, time_period=2025).count()
    )


def test_a_broken_file_is_refused_with_nothing_imported(db):
    neighbours_import(published_file=upload_path(NEIGHBOURS_FILE))
    good = upload_path(PLACEMENT_STABILITY_FILE)
    _map_three_plus(good)
    lines = PLACEMENT_STABILITY_FILE.read_bytes().splitlines(keepends=True)
    cut_short = b"".join(lines[:100]) + b"2025,Reporting year,Local authority,E92000001\n"

    with pytest.raises(PublishedFileError, match="fewer cells"):
        published_file_upload(name="cut.csv", content=cut_short)
    with pytest.raises(PublishedFileError, match="missing the column"):
        published_file_upload(
            name="no-regions.csv", content=b"time_period,geographic_level,value\n2025,National,1\n"
        )
    with pytest.raises(PublishedFileError, match="not in a layout"):
        published_file_upload(name="figures.csv", content=b"indicator,period,value\nPI 1.1,2025,1\n")

    # A mapping that matches no rows refuses the whole file, so nothing of it is saved.
    lost = PLACEMENT_STABILITY_FILE.read_bytes().replace(
        b"With 3 or more placements during the year", b"Renamed"
    )
    renamed = published_file_upload(name="renamed.csv", content=lost)
    with pytest.raises(PublishedFileError, match="matches no rows"):
        published_file_import(published_file=renamed)
    assert renamed.imported_at is None

    # A figure that is neither a number nor one of DfE's symbols refuses the whole file.
    misspelt = PLACEMENT_STABILITY_FILE.read_bytes().replace(
        b"With 3 or more placements during the year,31,8",
        b"With 3 or more placements during the year,31,eight",
    )
    with pytest.raises(PublishedFileError, match="'eight' is not a number"):
        published_file_import(published_file=published_file_upload(name="misspelt.csv", content=misspelt))
    assert not PublishedValue.objects.exists()


def test_a_second_council_setting_shows_that_council(published):
    with override_settings(COUNCIL_LA_CODE="852", COUNCIL_NEW_LA_CODE="E06000045"):
        southampton = year(comparison("Children looked after with 3 or more"), 2025)
    row = _published_row(
        PLACEMENT_STABILITY_FILE,
        time_period="2025",
        old_la_code="852",
        cla_group="CLA on 31 March",
        placement_stability="With 3 or more placements during the year",
    )
    assert southampton.council.area_name == "Southampton"
    assert southampton.council.value == Decimal(row["children_percent"])
    assert "851" in [code for code, _ in southampton.neighbours]


def test_the_verdict_respects_polarity(published):
    latest = comparison("Children looked after for 2.5 years").latest
    median = latest.neighbour_median
    expected = (
        Verdict.SIMILAR
        if abs(latest.council_number - median) <= median * Decimal("0.05")
        else Verdict.BETTER
        if latest.council_number > median
        else Verdict.WORSE
    )
    assert latest.verdict == expected
    rate = comparison("Children looked after on 31 March").latest
    assert rate.verdict in (Verdict.HIGHER, Verdict.LOWER, Verdict.SIMILAR)


def test_comparisons_never_cross_a_change_of_definition(published):
    three_plus = measure("Children looked after with 3 or more")
    DefinitionVersion.objects.create(
        measure=three_plus, definition="Moves counted the old way", valid_to=2022
    )
    DefinitionVersion.objects.create(
        measure=three_plus, definition="Moves counted the new way", valid_from=2023
    )
    result = comparison("Children looked after with 3 or more")
    assert [entry.definition_changed for entry in result.years] == [False, False, True, False, False]
    assert result.change_on_previous_year(year(result, 2023)) is None
    assert result.change_on_previous_year(year(result, 2025)) == Decimal(8 - 10)
    # In any one year every area is measured the same way, so the year's comparison stands.
    assert year(result, 2023).verdict != Verdict.NOT_COMPARABLE


def test_a_file_in_the_same_layout_the_tests_never_saw_imports_through_a_new_mapping(db):
    content = (
        "\ufefftime_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,la_name,new_la_code,age_group,outcome,young_people_count,young_people_percent\n"
        '2025,Reporting year,National,E92000001,England,,,,,,"17, 18 years",In education,"1,200",60\n'
        "2025,Reporting year,Regional,E92000001,England,E12000008,South East,,,,"
        '"17, 18 years",In education,200,50\n'
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,851,Portsmouth,"
        'E06000044,"17, 18 years",In education,c,low\n'
    ).encode()
    published_file = published_file_upload(name="new-layout.csv", content=content)
    assert published_file.kind == PublishedFile.Kind.STATISTICS
    created = measure_create(
        published_file=published_file,
        title="Young people in education",
        row_filters={"age_group": "17, 18 years", "outcome": "In education"},
        total_filters={},
        count_column="young_people_count",
        denominator_column="",
        value_column="young_people_percent",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
    )
    published_file_import(published_file=published_file)
    [result] = comparisons_for_measures([created])
    [only] = result.years
    assert only.england.count == 1200
    assert only.region.value == 50
    assert (only.council.count_symbol, only.council.value_symbol) == ("c", "low")
    assert only.verdict == Verdict.NOT_COMPARABLE

    with pytest.raises(ValidationError, match="matches no rows"):
        measure_create(
            published_file=published_file,
            title="Nobody",
            row_filters={"age_group": "17, 18 years", "outcome": "Not in education"},
            total_filters={},
            count_column="young_people_count",
            denominator_column="",
            value_column="young_people_percent",
            unit=Unit.PERCENTAGE,
            polarity=Polarity.HIGHER_IS_BETTER,
        )


def test_the_demo_files_each_have_a_mapping(published):
    assert PublishedMeasure.objects.count() == len(DEMO_MEASURES)
    for path in (PLACEMENT_STABILITY_FILE, CARE_LEAVERS_FILE, CHILDREN_LOOKED_AFTER_FILE):
        assert PublishedFile.objects.get(filename=path.name).imported_at is not None


def _map_three_plus(published_file):
    [(_, title, _, mapping)] = [entry for entry in DEMO_MEASURES if entry[2] == "cla-placements-3-plus"]
    return measure_create(published_file=published_file, title=title, **mapping)


def _published_rows(path, **wanted):
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if all(row[column] == value for column, value in wanted.items()):
                yield row


def _published_row(path, **wanted):
    [row] = list(_published_rows(path, **wanted))
    return row


def test_comparing_many_measures_takes_as_few_queries_as_one(published, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    measures = list(PublishedMeasure.objects.all())
    with CaptureQueriesContext(connection) as one:
        comparisons_for_measures(measures[:1])
    with django_assert_max_num_queries(len(one.captured_queries)):
        comparisons_for_measures(measures)

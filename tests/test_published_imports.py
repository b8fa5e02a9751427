"""Published statistics from any DfE file: read strictly, mapped per file, imported whole or not at all."""

import pytest

from comparisons.layouts import PublishedFileError, read_published_file
from comparisons.models import PublishedValue
from comparisons.services import import_plan, measure_create, published_file_import, published_file_upload

HEADINGS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,characteristic,children_count,children_percent\n"
)


def tidy_file(*rows: str) -> bytes:
    return (HEADINGS + "".join(rows)).encode()


ENGLAND = "2025,Reporting year,National,E92000001,England,,,,,,Total,100,50\n"
PORTSMOUTH = (
    "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,851,Portsmouth,"
    "E06000044,Total,10,40\n"
)


def test_quoted_cells_with_commas_and_line_breaks_and_a_byte_order_mark_read_exactly():
    content = "\ufeff".encode() + tidy_file(
        ENGLAND,
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,873,"
        '"Bristol, City of",E06000023,"Total, all\nages","1,200",40\n',
    )
    table = read_published_file(name="bom.csv", content=content)
    assert table.header[0] == "time_period"
    assert [row[8] for row in table.rows] == ["", "Bristol, City of"]
    assert table.rows[1][10] == "Total, all\nages"
    assert table.measure_columns == ["children_count", "children_percent"]


def test_a_row_with_an_unquoted_comma_in_a_name_refuses_the_whole_file_and_names_the_row(db):
    good = published_file_upload(name="children.csv", content=tidy_file(ENGLAND, PORTSMOUTH))
    measure_create(
        published_file=good,
        title="Children",
        row_filters={"characteristic": "Total"},
        total_filters={},
        count_column="children_count",
        denominator_column="",
        value_column="children_percent",
        unit="percentage",
        polarity="higher",
    )
    broken = tidy_file(
        ENGLAND,
        PORTSMOUTH,
        "2025,Reporting year,Local authority,E92000001,England,E12000009,South West,873,Bristol, City of,"
        "E06000023,Total,12,44\n",
    )
    with pytest.raises(PublishedFileError, match=r"Row 4 has more cells \(14\) than the headings \(13\)"):
        published_file_upload(name="children.csv", content=broken)
    assert not PublishedValue.objects.exists()


def test_a_quote_out_of_place_is_refused_with_its_line():
    content = tidy_file(ENGLAND, '2025,Reporting year,National,E92000001,"Eng"land,,,,,,Total,1,2\n')
    with pytest.raises(PublishedFileError, match="Line 3 of the file is not valid CSV"):
        read_published_file(name="quote.csv", content=content)


def test_a_row_cut_short_in_the_middle_is_refused_and_nothing_is_skipped():
    content = tidy_file(ENGLAND, "2025,Reporting year,National\n", PORTSMOUTH)
    with pytest.raises(PublishedFileError, match=r"Row 3 has fewer cells \(3\) than the headings \(13\)"):
        read_published_file(name="short.csv", content=content)


def test_a_row_after_a_line_break_in_a_cell_is_named_by_row_and_line():
    content = tidy_file(
        '2025,Reporting year,National,E92000001,England,,,,,,"Total,\nall",100,50\n',
        "2025,Reporting year,National,E92000001,England,,,,,,Total,100\n",
    )
    with pytest.raises(PublishedFileError, match=r"Row 3 \(line 4 of the file\) has fewer cells"):
        read_published_file(name="lines.csv", content=content)


# --- Every DfE file imports through the shipped pack or mappings made for it -----------------

import csv  # noqa: E402
import os  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

from django.core.management import call_command  # noqa: E402

from comparisons.demo import DATA_DIR, NEIGHBOURS_FILE, upload_path  # noqa: E402
from comparisons.models import PublishedMeasure, file_kind  # noqa: E402
from comparisons.packs import mapping_pack_export, mapping_pack_load, read_pack, standard_pack_load  # noqa: E402
from comparisons.selectors import comparisons_for_measures  # noqa: E402
from comparisons.services import neighbours_import  # noqa: E402

TIDY = {"time_period", "geographic_level", "country_code", "region_code", "old_la_code", "new_la_code"}
STANDARD = TIDY | {"time_identifier", "country_name", "region_name", "la_name"}


def tidy_la_files() -> list[Path]:
    """DfE's tidy local-authority CSV files: those shipped, and any in DFE_DATA_RAW (a copy of
    the data-raw folder of dfe-analytical-services/CSC_outcomes_and_enablers), whose whole
    files stand in for the shipped one-year excerpts of the same kind."""
    folders = [DATA_DIR] + ([Path(os.environ["DFE_DATA_RAW"])] if os.environ.get("DFE_DATA_RAW") else [])
    found = {}
    for folder in folders:
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = {column.strip().lower() for column in next(csv.reader(handle))}
            if header >= TIDY:
                found[file_kind(path.name)] = path
    return sorted(found.values(), key=lambda path: path.name)


def mapping_for_unpacked_file(path: Path) -> dict:
    """A mapping as an officer makes one on the screens: the first column of numbers, for the
    breakdown values of England's first row, with no count."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    columns = [column for column in rows[0] if column.strip().lower() not in STANDARD]
    numeric = [
        column
        for column in columns
        if all(
            row[column].strip().lower() in {"c", "z", "k", "x", "u", "low"} or _number(row[column])
            for row in rows
        )
    ]
    breakdowns = [column for column in columns if column not in numeric]
    england = next(row for row in rows if row["geographic_level"] == "National")
    value = next(column for column in numeric if any(_number(row[column]) for row in rows))
    return {
        "title": f"{path.stem}: {value}",
        "row_filters": {column.lower(): england[column] for column in breakdowns},
        "total_filters": {},
        "count_column": "",
        "denominator_column": "",
        "value_column": value.lower(),
        "unit": "count",
        "polarity": "none",
    }


def _number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except ArithmeticError:
        return False
    return bool(text.strip())


def council_figures_by_csv(path: Path, measure: PublishedMeasure) -> dict[int, tuple]:
    """The council's (Portsmouth's) published value and count per year, read with the csv module."""
    figures = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for raw in csv.DictReader(handle):
            row = {key.strip().lower(): value.strip() for key, value in raw.items()}
            if row["geographic_level"] != "Local authority" or row["old_la_code"] != "851":
                continue
            if all(row[column] == wanted for column, wanted in measure.row_filters.items()):
                figures[int(row["time_period"])] = row[measure.value_column]
    return figures


def _as_published(text: str):
    return text.lower() if not _number(text) else Decimal(text.replace(",", ""))


@pytest.mark.django_db
def test_every_tidy_dfe_file_imports_in_any_order_twice_with_nothing_changed_and_figures_as_published():
    neighbours_import(published_file=upload_path(NEIGHBOURS_FILE))
    standard_pack_load()
    files = tidy_la_files()
    assert len(files) >= 8
    packed = {kind for measure in PublishedMeasure.objects.all() for kind in measure.file_kinds}
    for path in files:
        if file_kind(path.name) not in packed:
            measure_create(published_file=upload_path(path), **mapping_for_unpacked_file(path))
    imported = {}
    for path in files:
        imported[path] = published_file_import(published_file=upload_path(path))
        assert imported[path].changed_anything, path.name
    snapshot = sorted(
        PublishedValue.objects.values_list("measure_id", "time_period", "area_code", "value", "count")
    )
    for path in reversed(files):
        again = published_file_import(published_file=upload_path(path))
        assert not again.changed_anything, path.name
    assert (
        sorted(PublishedValue.objects.values_list("measure_id", "time_period", "area_code", "value", "count"))
        == snapshot
    )

    for path in files:
        measures = [rows.measure for rows in imported[path].plan.measures]
        assert measures, path.name
        for comparison in comparisons_for_measures(measures):
            expected = council_figures_by_csv(path, comparison.measure)
            shown = {
                year.time_period: (
                    year.council.value if year.council.value is not None else year.council.value_symbol
                )
                for year in comparison.years
                if year.council
            }
            assert shown == {year: _as_published(text) for year, text in expected.items()}, (
                path.name,
                comparison.measure.title,
            )
            # Each file's figures come from that file alone.
            assert set(
                PublishedValue.objects.filter(measure=comparison.measure).values_list(
                    "source_file__filename", flat=True
                )
            ) == {path.name}


def test_the_sdq_average_has_no_count_and_its_scale_and_academic_years_are_labelled_as_dfe_labels_them(db):
    from comparisons.demo import CONVICTIONS_AND_HEALTH_FILE

    standard_pack_load()
    published_file_import(published_file=upload_path(CONVICTIONS_AND_HEALTH_FILE))
    sdq = PublishedMeasure.objects.get(title__startswith="Average SDQ score")
    portsmouth = PublishedValue.objects.get(measure=sdq, old_la_code="851")
    row = next(
        row
        for row in csv.DictReader(CONVICTIONS_AND_HEALTH_FILE.open(encoding="utf-8-sig", newline=""))
        if row["old_la_code"] == "851" and row["breakdown"] == "SDQ average score"
    )
    assert portsmouth.value == Decimal(row["children_count"]) and portsmouth.count is None
    assert portsmouth.display == f"{Decimal(row['children_count']):g} (0 to 40)"
    assert sdq.time_identifier == "Reporting year" and sdq.period_label(2025) == "2025"

    ks4 = upload_path(DATA_DIR / "ks4_la.csv")
    attainment = measure_create(
        published_file=ks4,
        title="Average Attainment 8 score of children looked after for 12 months",
        row_filters={"social_care_group": "CLA 12 months at 31 March", "version": "Final"},
        total_filters={},
        count_column="t_pupils",
        denominator_column="",
        value_column="avg_att8",
        unit="average",
        scale="0 to 90",
        polarity="higher",
    )
    published_file_import(published_file=ks4)
    attainment.refresh_from_db()
    assert attainment.time_identifier == "Academic year"
    [comparison] = comparisons_for_measures([attainment])
    assert comparison.latest.label == "2023/24"


def test_count_denominator_and_percentage_can_come_from_separate_rows_of_one_column(db):
    content = (
        b"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        b"old_la_code,la_name,new_la_code,measure,figure\n"
        b"2025,Reporting year,National,E92000001,England,,,,,,Number,120\n"
        b"2025,Reporting year,National,E92000001,England,,,,,,Total,400\n"
        b"2025,Reporting year,National,E92000001,England,,,,,,Percentage,30\n"
    )
    published_file = published_file_upload(name="one-column.csv", content=content)
    measure = measure_create(
        published_file=published_file,
        title="Children in one column",
        row_filters={"measure": "Percentage"},
        count_filters={"measure": "Number"},
        total_filters={"measure": "Total"},
        count_column="figure",
        denominator_column="figure",
        value_column="figure",
        unit="percentage",
        polarity="higher",
    )
    published_file_import(published_file=published_file)
    england = PublishedValue.objects.get(measure=measure)
    assert (england.count, england.denominator, england.value) == (120, 400, 30)
    assert england.parts_display == "120 of 400"


def test_a_file_with_the_same_headings_as_another_is_not_refused_and_never_changes_the_others_import(db):
    from comparisons.demo import CARE_LEAVERS_FILE

    standard_pack_load()
    first = published_file_import(published_file=upload_path(CARE_LEAVERS_FILE))
    assert first.changed_anything
    activity = (
        CARE_LEAVERS_FILE.read_bytes()
        .replace(b"Accommodation considered suitable", b"In education")
        .replace(b"Suitability total", b"Total")
    )
    second = published_file_upload(name="la_care_leavers_education.csv", content=activity)
    plan = import_plan(second)
    assert not plan.measures and "No mapping matches rows in this file yet" in plan.errors[0]
    measure_create(
        published_file=second,
        title="Care leavers in education",
        row_filters={"care_leaver_age": "19 to 21 years", "breakdown": "In education"},
        total_filters={"care_leaver_age": "19 to 21 years", "breakdown": "Total"},
        count_column="care_leaver_count",
        denominator_column="",
        value_column="care_leaver_percent",
        unit="percentage",
        polarity="higher",
    )
    assert published_file_import(published_file=second).changed_anything
    # The first file's next import uses its own mapping only, and changes nothing.
    again = published_file_import(published_file=upload_path(CARE_LEAVERS_FILE))
    assert [rows.measure.title for rows in again.plan.measures] == [
        "Care leavers aged 19 to 21 in suitable accommodation"
    ]
    assert not again.changed_anything

    # A changed edition of a file its mappings know is refused, naming the mapping and why.
    changed = CARE_LEAVERS_FILE.read_bytes().replace(b"Accommodation considered suitable", b"Suitable")
    edition = published_file_upload(
        name="la_care_leavers_accommodation_suitability_2026.csv", content=changed
    )
    with pytest.raises(
        PublishedFileError, match="matched earlier la_care_leavers_accommodation_suitability files"
    ):
        published_file_import(published_file=edition)


def test_the_pack_exports_and_loads_again_changing_nothing(db):
    added, already = standard_pack_load()
    assert len(added) == len(
        read_pack(__import__("comparisons.packs").packs.STANDARD_PACK.read_bytes())["measures"]
    )
    assert already == 0
    exported = mapping_pack_export(PublishedMeasure.objects.all())
    assert mapping_pack_load(pack=exported) == ([], len(added))
    PublishedMeasure.objects.all().delete()
    reloaded, _ = mapping_pack_load(pack=exported)
    assert {measure.title for measure in reloaded} == {measure.title for measure in added}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Measure 1: the unit must be one of"):
        mapping_pack_load(pack={**exported, "measures": [{**exported["measures"][0], "unit": "score"}]})


def test_the_command_imports_each_file_and_prints_each_measures_latest_figures(db, capsys):
    from comparisons.demo import PLACEMENT_STABILITY_FILE

    standard_pack_load()
    call_command("import_published", str(NEIGHBOURS_FILE), str(PLACEMENT_STABILITY_FILE))
    out = capsys.readouterr().out
    assert "imported the statistical neighbour groupings" in out
    assert f"{PLACEMENT_STABILITY_FILE}: 10 new years of figures, 0 replaced, 0 unchanged." in out
    assert (
        "  Children looked after with 3 or more placements during the year, 2025: Portsmouth 8% "
        "(count 31, denominator 402); England " in out
    )
    assert "South East" in out and "years 2021, 2022, 2023, 2024, 2025" in out
    assert "No mapping for: " not in out

    call_command("import_published", str(PLACEMENT_STABILITY_FILE))
    assert "0 new years of figures, 0 replaced, 10 unchanged." in capsys.readouterr().out


def test_the_command_refuses_a_malformed_file_and_exits_non_zero(db, tmp_path, capsys):
    from django.core.management.base import CommandError

    broken = tmp_path / "broken.csv"
    broken.write_bytes(tidy_file(ENGLAND, ENGLAND.replace("England,", "England, the country,", 1)))
    with pytest.raises(CommandError, match="1 of 1 files refused"):
        call_command("import_published", str(broken))
    assert "Row 3 has more cells (14) than the headings (13)" in capsys.readouterr().err
    assert not PublishedValue.objects.exists()


# --- An officer puts a mistake right -------------------------------------------------------

from django.urls import reverse  # noqa: E402

from audit.models import AuditEntry  # noqa: E402
from comparisons.models import MappingChange  # noqa: E402


def _audited(measure_pk: int, event: str) -> bool:
    return AuditEntry.objects.filter(
        object_id=str(measure_pk), event=event, object_type="comparisons.PublishedMeasure"
    ).exists()


def _edit_form(client, measure):
    page = client.get(reverse("comparisons:measure_edit", kwargs={"pk": measure.pk}))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    for name in ("catalogue_entry", "indicator"):
        data[name] = data[name] or ""
    return data


def test_editing_a_mapping_re_derives_its_figures_in_one_go_and_the_history_records_it(client, officer):
    from comparisons.demo import published_statistics_load

    published_statistics_load()
    client.force_login(officer)
    measure = PublishedMeasure.objects.get(catalogue_entry__code="cla-placements-3-plus")
    data = _edit_form(client, measure)
    assert data["row_1"] == "With 3 or more placements during the year"
    # A percentage column picked as the denominator is refused, saying why.
    refused = client.post(
        reverse("comparisons:measure_edit", kwargs={"pk": measure.pk}),
        {**data, "denominator_column": "children_percent"},
    )
    assert refused.status_code == 200
    assert "holds percentages or rates" in refused.content.decode()

    # The officer corrects the title; every figure is re-derived from the stored file.
    fixed = {**data, "row_0": "CLA on 31 March", "title": "Three or more placements (corrected)"}
    response = client.post(reverse("comparisons:measure_edit", kwargs={"pk": measure.pk}), fixed)
    assert response.status_code == 302, response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Three or more placements (corrected)" and measure.version == 2
    change = MappingChange.objects.get(measure=measure, action=MappingChange.Action.EDITED)
    assert change.before["title"].startswith("Children looked after with 3 or more")
    assert change.values_rederived == PublishedValue.objects.filter(measure=measure).count() > 0
    assert _audited(measure.pk, "changed")

    # A form opened before that change is refused rather than overwriting it.
    stale = client.post(reverse("comparisons:measure_edit", kwargs={"pk": measure.pk}), data)
    assert "Someone else changed this mapping" in stale.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Three or more placements (corrected)"


def test_retiring_takes_figures_off_the_pages_and_report_card_and_delete_asks_first(client, officer):
    from comparisons.demo import published_statistics_load
    from comparisons.report_card import report_card

    published_statistics_load()
    client.force_login(officer)
    measure = PublishedMeasure.objects.get(catalogue_entry__code="cla-placements-3-plus")
    assert any(line.comparison.measure == measure for line in report_card()["lines"])
    client.post(reverse("comparisons:measure_retire", kwargs={"pk": measure.pk}))
    measure.refresh_from_db()
    assert measure.is_retired and _audited(measure.pk, "changed")
    assert not any(line.comparison.measure == measure for line in report_card()["lines"])
    assert "Retired" in client.get(reverse("comparisons:files")).content.decode()
    client.post(reverse("comparisons:measure_retire", kwargs={"pk": measure.pk}))
    measure.refresh_from_db()
    assert not measure.is_retired

    url = reverse("comparisons:measure_delete", kwargs={"pk": measure.pk})
    confirm = client.get(url).content.decode()
    assert "Are you sure you want to delete this mapping?" in confirm
    figures = PublishedValue.objects.filter(measure=measure).count()
    assert f"Its {figures} published figures are deleted with it" in confirm
    client.post(url)
    assert not PublishedMeasure.objects.filter(pk=measure.pk).exists()
    assert not PublishedValue.objects.filter(measure_id=measure.pk).exists()
    assert _audited(measure.pk, "deleted")
    deleted = MappingChange.objects.get(action=MappingChange.Action.DELETED)
    assert deleted.values_rederived == figures and deleted.changed_by == officer


def test_the_pack_pages_export_and_load_mappings(client, officer):
    client.force_login(officer)
    page = client.get(reverse("comparisons:pack_import")).content.decode()
    assert "Load the standard mappings" in page
    client.post(reverse("comparisons:pack_import"), {"standard": "1"})
    count = PublishedMeasure.objects.count()
    assert count >= 10
    exported = client.get(reverse("comparisons:pack_export"))
    assert exported["Content-Disposition"].startswith("attachment")
    from django.core.files.uploadedfile import SimpleUploadedFile

    again = client.post(
        reverse("comparisons:pack_import"), {"pack": SimpleUploadedFile("pack.json", exported.content)}
    )
    assert again.status_code == 302 and PublishedMeasure.objects.count() == count
    refused = client.post(
        reverse("comparisons:pack_import"), {"pack": SimpleUploadedFile("pack.json", b"not json")}
    )
    assert "The file is not a mapping pack" in refused.content.decode()

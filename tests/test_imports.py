"""Importing figures from CSV and Excel, and exporting them."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.choices import Frequency, Unit
from indicators.imports import ImportFileError, commit_import, preview_import
from indicators.models import Figure, FigureChange

from . import factories
from .factories import last_ended_period

QUARTER = last_ended_period(Frequency.QUARTERLY)
HEADER = "indicator,period,value,numerator,denominator,note,quality,source\n"


@pytest.fixture
def indicators(contributor):
    objective = factories.ObjectiveFactory(number=2)
    owner = contributor.organisation
    return {
        "count": factories.IndicatorFactory(objective=objective, position=1, owner=owner, unit=Unit.COUNT),
        "percent": factories.IndicatorFactory(
            objective=objective, position=2, owner=owner, unit=Unit.PERCENTAGE
        ),
        "yes_no": factories.IndicatorFactory(
            objective=objective, position=3, owner=owner, unit=Unit.YES_NO, frequency=Frequency.ANNUAL
        ),
        "others": factories.IndicatorFactory(objective=objective, position=4, unit=Unit.COUNT),
        "spare": factories.IndicatorFactory(objective=objective, position=5, owner=owner, unit=Unit.COUNT),
    }


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


GOOD_ROWS = [
    f"PI 2.1,{QUARTER.code},12,,,Carers' register,good,",
    f"PI 2.2,{QUARTER.code},,9,12,,provisional,Survey",
    f"PI 2.3,{last_ended_period(Frequency.ANNUAL).code},yes,,,,,",
]


def test_a_good_file_previews_then_imports_all_rows(contributor, indicators):
    content = csv_file(*GOOD_ROWS)
    preview = preview_import(name="figures.csv", content=content, user=contributor)
    assert [row.outcome for row in preview.rows] == ["new", "new", "new"]
    assert not Figure.objects.exists()  # the preview saves nothing
    commit_import(name="figures.csv", content=content, user=contributor, submit=True)
    assert Figure.objects.get(indicator=indicators["percent"]).value == D("75.00")
    assert Figure.objects.get(indicator=indicators["yes_no"]).value == D(1)
    assert set(Figure.objects.values_list("status", flat=True)) == {Figure.Status.SUBMITTED}
    assert FigureChange.objects.filter(event="imported").count() == 3


def test_importing_the_same_file_twice_changes_nothing_the_second_time(contributor, indicators):
    content = csv_file(*GOOD_ROWS)
    commit_import(name="figures.csv", content=content, user=contributor, submit=False)
    changes = FigureChange.objects.count()
    versions = list(Figure.objects.order_by("pk").values_list("version", flat=True))
    preview = commit_import(name="figures.csv", content=content, user=contributor, submit=False)
    assert [row.outcome for row in preview.rows] == ["unchanged"] * 3
    assert FigureChange.objects.count() == changes
    assert list(Figure.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_changed_row_is_shown_as_changed(contributor, indicators):
    commit_import(name="figures.csv", content=csv_file(GOOD_ROWS[0]), user=contributor, submit=False)
    preview = preview_import(
        name="figures.csv", content=csv_file(GOOD_ROWS[0].replace(",12,", ",13,")), user=contributor
    )
    assert preview.rows[0].outcome == "changed"


@pytest.mark.parametrize(
    "row, column, message",
    [
        (f"PI 9.9,{QUARTER.code},1,,,,,", "indicator", "There is no indicator 'PI 9.9'"),
        (
            f"PI 2.1,{last_ended_period(Frequency.ANNUAL).code},1,,,,,",
            "period",
            "Enter the period like 2024-25 Q1",
        ),
        (f"PI 2.1,{QUARTER.next().next().code},1,,,,,", "period", "has not ended yet"),
        (f"PI 2.2,{QUARTER.code},101,,,,,", "value", "Enter a percentage between 0 and 100"),
        (f"PI 2.1,{QUARTER.code},twelve,,,,,", "value", "'twelve' is not a number"),
        (f"PI 2.1,{QUARTER.code},-3,,,,,", "value", "Enter a whole number, 0 or more"),
        (
            f"PI 2.2,{QUARTER.code},,13,12,,,",
            "numerator",
            "The numerator cannot be more than the denominator",
        ),
        (f"PI 2.3,{last_ended_period(Frequency.ANNUAL).code},maybe,,,,,", "value", "is not yes or no"),
        (f"PI 2.4,{QUARTER.code},1,,,,,", "indicator", "You cannot enter figures for PI 2.4"),
        (f"PI 2.1,{QUARTER.code},1,,,,excellent,", "quality", "is not a data quality"),
    ],
)
def test_each_bad_row_gets_its_message_and_nothing_is_saved(contributor, indicators, row, column, message):
    content = csv_file(GOOD_ROWS[0].replace("PI 2.1", "PI 2.5"), row)
    preview = commit_import(name="figures.csv", content=content, user=contributor, submit=True)
    assert not preview.is_valid
    [bad] = preview.errors
    assert bad.number == 3
    assert [(problem.column, message in problem.message) for problem in bad.errors] == [(column, True)], (
        bad.errors
    )
    assert not Figure.objects.exists()


def test_duplicate_rows_are_refused(contributor, indicators):
    preview = preview_import(name="f.csv", content=csv_file(GOOD_ROWS[0], GOOD_ROWS[0]), user=contributor)
    assert "Row 3 repeats row 2" in preview.errors[0].errors[0].message


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("figures.csv", b"", "The selected file is empty"),
        ("figures.csv", HEADER.encode(), "no figures in it"),
        ("figures.csv", b"indicator,value\nPI 2.1,3\n", "missing the column period"),
        (
            "figures.csv",
            csv_file(GOOD_ROWS[0], header=HEADER.strip() + ",colour\n"),
            "columns the portal does not know",
        ),
        (
            "figures.csv",
            "indicator,period,value\nPI 2.1,2024-25 Q1,caf\xe9\n".encode("latin-1"),
            "must be saved as UTF-8",
        ),
        ("figures.pdf", b"%PDF-1.4", r"must be a CSV or an Excel \(.xlsx\) file"),
        ("figures.xlsx", b"this is not a workbook", r"not a valid Excel \(.xlsx\) file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(contributor, indicators, name, content, message):
    with pytest.raises(ImportFileError, match=message):
        preview_import(name=name, content=content, user=contributor)


def test_a_file_over_the_size_limit_is_refused(contributor, indicators, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportFileError, match="smaller than 1 MB"):
        preview_import(name="big.csv", content=csv_file(GOOD_ROWS[0]) + b" " * 1024 * 1024, user=contributor)


def test_a_csv_with_a_byte_order_mark_imports(contributor, indicators):
    preview = preview_import(name="f.csv", content=b"\xef\xbb\xbf" + csv_file(GOOD_ROWS[0]), user=contributor)
    assert preview.is_valid


def test_a_real_xlsx_round_trip(client, contributor, indicators):
    client.force_login(contributor)
    template = load_workbook(
        io.BytesIO(client.get(reverse("indicators:import_template", kwargs={"fmt": "xlsx"})).content)
    )
    rows = list(template.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("indicator", "indicator_title", "period")
    assert {row[0] for row in rows[1:]} == {
        "PI 2.1",
        "PI 2.2",
        "PI 2.3",
        "PI 2.5",
    }  # not another organisation's
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "period", "value", "note"])
    sheet.append(["PI 2.1", QUARTER.code, 7, "@SUM(A1:A2) looks like a formula"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "figures.xlsx"
    response = client.post(reverse("indicators:import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()
    preview_page = client.get(response["Location"])
    assert "New" in preview_page.content.decode()
    response = client.post(response["Location"], {"submit_figures": "on"})
    assert response["Location"] == reverse("indicators:list")
    assert Figure.objects.get(indicator=indicators["count"]).value == D(7)

    exported = load_workbook(
        io.BytesIO(client.get(reverse("indicators:export", kwargs={"fmt": "xlsx"})).content)
    )
    header, *data = list(exported.active.iter_rows(values_only=True))
    record = dict(zip(header, data[0], strict=True))
    assert record["indicator"] == "PI 2.1" and record["value"] == "7" and record["status"] == "submitted"
    assert record["note"] == "'@SUM(A1:A2) looks like a formula"  # never handed back as a formula


def test_the_upload_page_shows_a_file_error_and_saves_nothing(client, contributor, indicators):
    client.force_login(contributor)
    upload = io.BytesIO(b"")
    upload.name = "figures.csv"
    response = client.post(reverse("indicators:import"), {"file": upload})
    text = response.content.decode()
    assert "There is a problem" in text
    assert not Figure.objects.exists()


def test_a_preview_with_errors_lists_row_and_column(client, contributor, indicators):
    client.force_login(contributor)
    upload = io.BytesIO(csv_file(GOOD_ROWS[0], f"PI 9.9,{QUARTER.code},1,,,,,"))
    upload.name = "figures.csv"
    response = client.post(reverse("indicators:import"), {"file": upload})
    text = client.get(response["Location"]).content.decode()
    assert "Row 3, column indicator: There is no indicator" in text.replace("&#x27;", "'")
    assert "Import these figures" not in text


def test_another_person_cannot_see_my_upload(client, contributor, other_contributor, indicators):
    client.force_login(contributor)
    upload = io.BytesIO(csv_file(GOOD_ROWS[0]))
    upload.name = "figures.csv"
    location = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    client.force_login(other_contributor)
    assert client.get(location).status_code == 404

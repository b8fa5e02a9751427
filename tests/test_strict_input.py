"""Hostile and mistyped input: every value is read exactly as written, or refused saying what to do."""

import html
import io
import time
import zipfile
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import Workbook

from core.inputs import NumberError, parse_number
from indicators.choices import Frequency, Unit
from indicators.imports import ImportFileError, commit_import, preview_import
from indicators.models import Figure, FigureChange

from . import factories
from .factories import last_ended_period

QUARTER = last_ended_period(Frequency.QUARTERLY)
HEADER = "indicator,period,value,numerator,denominator,note,quality,source\n"


def page(response) -> str:
    return html.unescape(response.content.decode())


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def xlsx_file(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def indicators(contributor):
    objective = factories.ObjectiveFactory(number=2)
    owner = contributor.organisation
    return {
        "count": factories.IndicatorFactory(objective=objective, position=1, owner=owner, unit=Unit.COUNT),
        "percent": factories.IndicatorFactory(
            objective=objective, position=2, owner=owner, unit=Unit.PERCENTAGE
        ),
        "money": factories.IndicatorFactory(objective=objective, position=3, owner=owner, unit=Unit.MONEY),
    }


@pytest.mark.parametrize(
    "typed, read",
    [
        ("1234", D(1234)),
        ("1,234", D(1234)),
        ("12,345.5", D("12345.5")),
        ("1,234,567", D(1234567)),
        (" 42 ", D(42)),
        ("£1,250.50", D("1250.50")),
        ("45%", D(45)),
        ("-3", D(-3)),
        (".5", D("0.5")),
        ("999999999999.99", D("999999999999.99")),
    ],
)
def test_numbers_are_read_as_people_write_them(typed, read):
    assert parse_number(typed, max_digits=14, decimal_places=2) == read


@pytest.mark.parametrize(
    "typed, message",
    [
        ("7,5", "Use a full stop for decimals"),
        ("1.234,5", "Use a full stop for decimals"),
        ("1,0,0", "Put commas only between groups of 3 digits"),
        ("1,2345", "Put commas only between groups of 3 digits"),
        ("1_0", "without underscores"),
        ("1 000", "without spaces"),
        ("1e20", "without an exponent"),
        ("1E5", "without an exponent"),
        ("NaN", "Enter a number"),
        ("inf", "Enter a number"),
        ("-Infinity", "Enter a number"),
        ("١٢", "digits 0 to 9"),
        ("１２", "digits 0 to 9"),
        ("1234567890123", "between -999,999,999,999.99 and 999,999,999,999.99"),
        ("0.125", "no more than 2 decimal places"),
        ("twelve", "Enter a number"),
        ("--5", "Enter a number"),
        ("£", "Enter a number"),
    ],
)
def test_numbers_that_cannot_be_read_exactly_are_refused_saying_what_to_do(typed, message):
    with pytest.raises(NumberError, match=message):
        parse_number(typed, max_digits=14, decimal_places=2)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("7,5", "Use a full stop for decimals"),
        ("1,0,0", "Put commas only between groups of 3 digits"),
        ("1_0", "without underscores"),
        ("1e20", "without an exponent"),
        ("1234567890123", "a number between"),
        ("NaN", "Enter a number, like 12 or 45.5"),
    ],
)
def test_the_figure_form_refuses_what_the_import_refuses(client, contributor, indicators, typed, message):
    client.force_login(contributor)
    url = reverse(
        "indicators:figure_edit", kwargs={"pk": indicators["count"].pk, "start": QUARTER.start.isoformat()}
    )
    response = client.post(url, {"value": typed, "quality": "good", "submit": ""})
    assert response.status_code == 200 and message in page(response)
    assert not Figure.objects.exists()
    preview = preview_import(
        name="f.csv", content=csv_file(f'PI 2.1,{QUARTER.code},"{typed}",,,,,'), user=contributor
    )
    assert [problem.column for problem in preview.rows[0].errors] == ["value"]
    assert message.lower() in preview.rows[0].errors[0].message.lower()


def test_a_thousands_separator_in_its_place_is_stored_as_the_number_the_preview_shows(
    client, contributor, indicators
):
    client.force_login(contributor)
    content = csv_file(f'PI 2.1,{QUARTER.code},"1,234",,,,,', f'PI 2.3,{QUARTER.code},"£12,345.50",,,,,')
    upload = io.BytesIO(content)
    upload.name = "figures.csv"
    location = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    preview_page = page(client.get(location))
    assert "1,234" in preview_page and "£12,345.50" in preview_page
    assert client.post(location, {"submit_figures": "on"}).status_code == 302
    assert Figure.objects.get(indicator=indicators["count"]).value == D(1234)
    assert Figure.objects.get(indicator=indicators["money"]).value == D("12345.50")


def test_a_sixteen_digit_numerator_and_denominator_are_refused_with_the_range(contributor, indicators):
    row = f"PI 2.2,{QUARTER.code},,1000000000000000,10000000000000000,,,"
    preview = preview_import(name="f.csv", content=csv_file(row), user=contributor)
    messages = [problem.message for problem in preview.rows[0].errors]
    assert messages and all("a number between" in message for message in messages)
    assert not commit_import(name="f.csv", content=csv_file(row), user=contributor, submit=True).is_valid
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "row, column, message",
    [
        (f"PI 2.1,{QUARTER.code},12,,,{'n' * 2001},,", "note", "Shorten the note to 2,000 characters"),
        (f"PI 2.1,{QUARTER.code},12,,,,,{'s' * 301}", "source", "Shorten the source to 300 characters"),
        (f"PI 2.1,{QUARTER.code},12,,,a\x00b,,", "note", "Remove the control characters"),
        (f"PI 2.1,{QUARTER.code},12,,,a\x1bb,,", "note", "Remove the control characters"),
        ("PI 2.1,0000-01 Q1,12,,,,,", "period", "Enter a year from 1950 to 2199, not 0"),
        ("PI 2.1,9999-00 Q1,12,,,,,", "period", "Enter a year from 1950 to 2199, not 9999"),
        ("PI 2.1,١٢٣٤-٣٥ Q1,12,,,,,", "period", "Enter the period like 2024-25 Q1"),
        (f"PI 2.1,{QUARTER.code},1e20,,,,,", "value", "without an exponent"),
        (f"PI 2.1,{QUARTER.code},1234567890123,,,,,", "value", "a number between"),
    ],
)
def test_hostile_cells_are_refused_by_the_import_and_nothing_is_saved(
    contributor, indicators, row, column, message
):
    preview = preview_import(name="f.csv", content=csv_file(row), user=contributor)
    assert not preview.is_valid
    problems = [(problem.column, problem.message) for problem in preview.rows[0].errors]
    assert any(found == column and message in text for found, text in problems), problems
    assert not commit_import(name="f.csv", content=csv_file(row), user=contributor, submit=True).is_valid
    assert not Figure.objects.exists()


def test_the_figure_form_refuses_a_nul_byte_and_a_long_source(client, contributor, indicators):
    client.force_login(contributor)
    url = reverse(
        "indicators:figure_edit", kwargs={"pk": indicators["count"].pk, "start": QUARTER.start.isoformat()}
    )
    response = client.post(url, {"value": "3", "quality": "good", "note": "a\x1bb", "source": "s" * 301})
    text = page(response)
    assert response.status_code == 200
    assert "Remove the control characters" in text and "at most 300 characters" in text
    assert not Figure.objects.exists()


@pytest.mark.parametrize("start", ["0000-04-01", "9999-04-01", "9999-12-31", "1949-04-01", "2200-04-01"])
def test_a_figure_address_with_an_impossible_year_is_not_found(client, contributor, indicators, start):
    client.force_login(contributor)
    url = reverse("indicators:figure_edit", kwargs={"pk": indicators["count"].pk, "start": start})
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": "1", "quality": "good"}).status_code == 404


def with_number_cell(content: bytes, text: str) -> bytes:
    """The workbook with its number cell C2 holding exactly this text, as another program may write it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="C2" t="n"><v>1</v>', f'<c r="C2" t="n"><v>{text}</v>'.encode())
            target.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize("text", ["NaN", "nan", "INF", "-inf", "1e20", "1E+16", "1.5e-9", "Infinity"])
def test_nan_infinity_and_huge_numbers_in_an_xlsx_cell_are_refused(contributor, indicators, text):
    content = with_number_cell(xlsx_file(["indicator", "period", "value"], ["PI 2.1", QUARTER.code, 1]), text)
    try:
        preview = preview_import(name="f.xlsx", content=content, user=contributor)
    except ImportFileError as error:
        assert "not a valid Excel" in str(error)
    else:
        assert [problem.column for problem in preview.rows[0].errors] == ["value"]
    assert not Figure.objects.exists()


@pytest.mark.parametrize("text", ["NaN", "inf", "1e20", "１２"])
def test_nan_infinity_and_exponents_typed_as_text_in_an_xlsx_cell_are_refused(contributor, indicators, text):
    content = xlsx_file(["indicator", "period", "value"], ["PI 2.1", QUARTER.code, text])
    preview = preview_import(name="f.xlsx", content=content, user=contributor)
    assert [problem.column for problem in preview.rows[0].errors] == ["value"]


def test_a_cell_of_more_than_131072_characters_is_refused_quickly(contributor, indicators):
    for name, content in [
        ("f.csv", csv_file(f"PI 2.1,{QUARTER.code},12,,,{'n' * 140_000},,")),
        ("f.csv", csv_file(f'PI 2.1,{QUARTER.code},12,,,"{"n" * 140_000}",,')),
        (
            "f.xlsx",
            xlsx_file(["indicator", "period", "value", "note"], ["PI 2.1", QUARTER.code, 1, "n" * 32_000]),
        ),
    ]:
        started = time.monotonic()
        with pytest.raises(ImportFileError, match="characters"):
            preview_import(name=name, content=content, user=contributor)
        assert time.monotonic() - started < 1


def test_an_xlsx_with_a_cell_at_column_xfd_is_refused_in_under_a_second(contributor, indicators):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "period", "value"])
    for row in range(2, 200):
        sheet.cell(row=row, column=1, value="PI 2.1")
        sheet.cell(row=row, column=16384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="columns"):
        preview_import(name="f.xlsx", content=buffer.getvalue(), user=contributor)
    assert time.monotonic() - started < 1


def test_the_hostile_2_mb_upload_of_100000_invalid_rows_is_refused_in_under_a_second(
    client, contributor, indicators
):
    content = csv_file(*[f"PI 9.9,{QUARTER.code},x,,,,," for _ in range(100_000)])[: 2 * 1024 * 1024 - 1]
    client.force_login(contributor)
    upload = io.BytesIO(content)
    upload.name = "hostile.csv"
    started = time.monotonic()
    response = client.post(reverse("indicators:import"), {"file": upload})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and "The file has more than 5,000 rows" in page(response)
    assert elapsed < 1, elapsed


def test_a_file_of_many_bad_rows_stops_at_the_first_100_saying_so(client, contributor, indicators, settings):
    content = csv_file(*[f"PI 9.9,{QUARTER.code},x,,,,," for _ in range(4000)])
    preview = preview_import(name="f.csv", content=content, user=contributor)
    assert len(preview.rows) == 100 and len(preview.errors) == 100 and preview.stopped_early


def test_a_file_with_many_figures_is_imported_by_a_background_job_with_a_page_that_says_how_it_went(
    client, contributor, indicators, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_FIGURES = 1
    client.force_login(contributor)
    upload = io.BytesIO(csv_file(f"PI 2.1,{QUARTER.code},12,,,,,", f"PI 2.2,{QUARTER.code},40,,,,,"))
    upload.name = "figures.csv"
    page_url = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    with django_capture_on_commit_callbacks() as queued:
        confirmed = client.post(page_url, {"submit_figures": "on"})
    assert confirmed["Location"] == page_url  # the request answers at once
    assert len(queued) == 1 and not Figure.objects.exists()
    waiting = page(client.get(page_url))
    assert "Importing figures.csv" in waiting and "Check again" in waiting
    assert client.post(page_url, {"submit_figures": "on"}).status_code == 200  # asking twice queues nothing
    queued[0]()  # the job runs
    done = page(client.get(page_url))
    assert "Figures imported" in done and "2 figures imported; 0 unchanged." in done
    assert Figure.objects.filter(status=Figure.Status.SUBMITTED).count() == 2
    queued[0]()  # a redelivered job changes nothing
    assert Figure.objects.count() == 2 and FigureChange.objects.filter(event="imported").count() == 2


def test_a_background_import_that_meets_a_figure_verified_meanwhile_saves_nothing_and_says_so(
    client, contributor, indicators, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_FIGURES = 1
    client.force_login(contributor)
    upload = io.BytesIO(csv_file(f"PI 2.1,{QUARTER.code},12,,,,,", f"PI 2.2,{QUARTER.code},40,,,,,"))
    upload.name = "figures.csv"
    page_url = client.post(reverse("indicators:import"), {"file": upload})["Location"]
    with django_capture_on_commit_callbacks() as queued:
        client.post(page_url, {"submit_figures": "on"})
    factories.FigureFactory(indicator=indicators["count"], value=D(3), status=Figure.Status.VERIFIED)
    queued[0]()
    text = page(client.get(page_url))
    assert "nothing has been imported" in text and "The figures changed since the file was checked" in text
    assert list(Figure.objects.values_list("value", flat=True)) == [D(3)]

"""Published statistics from any DfE file: read strictly, mapped per file, imported whole or not at all."""

import pytest

from comparisons.layouts import PublishedFileError, read_published_file
from comparisons.models import PublishedValue
from comparisons.services import measure_create, published_file_upload

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

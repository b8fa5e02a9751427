"""No hidden value can be worked out from what a Board member or councillor reads on the pages that
show figures by group: the indicator page's groups section and the profile of need (page and PDF).

The test reads the pages as the reader does (the tables' cells: a number or ``c``), writes down
every sum the reader knows (each dimension's groups add up to the period's total, the total shared
by every dimension) and asks the attacker of tests/test_disclosure.py, written apart from
indicators/disclosure.py, whether any hidden value follows: by exact rational linear algebra and by
a brute-force search over whole numbers. The officer reads the same pages with every figure exact,
so the test is not passing on empty tables.
"""

import html
import io
import re
from decimal import Decimal as D

import pypdf
import pytest
from django.urls import reverse

from indicators.breakdown_standards import standard_dimensions_ensure
from indicators.choices import Frequency, Unit
from indicators.models import (
    BreakdownDimension,
    BreakdownGroup,
    Figure,
    FigureGroupValue,
    IndicatorDimension,
    NeedProfile,
    PerformanceIndicator,
)
from indicators.need_profiles import need_profile_publish

from . import factories
from .factories import last_ended_period
from .test_disclosure import determined_by_algebra, determined_by_search

TOTAL = "all children"

# Three quarters of a count of children, oldest first: by UASC and by age band, each adding up to
# the total. Small groups (1 to 5) must be hidden, and enough beside them that none follows.
QUARTERS = [
    {
        "uasc": {"yes": 3, "no": 37},
        "age_band": {"under-1": 2, "1-4": 8, "5-9": 10, "10-15": 12, "16-plus": 8},
    },
    {
        "uasc": {"yes": 4, "no": 39},
        "age_band": {"under-1": 1, "1-4": 9, "5-9": 11, "10-15": 14, "16-plus": 8},
    },
    {
        "uasc": {"yes": 12, "no": 33},
        "age_band": {"under-1": 3, "1-4": 7, "5-9": 10, "10-15": 15, "16-plus": 10},
    },
]


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def cells_text(fragment: str) -> list[str]:
    """The text of each cell of a table row, markup dropped, the small-base note left out."""
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", fragment, flags=re.S)
    texts = []
    for cell in cells:
        cell = re.sub(r"<br>.*", "", cell, flags=re.S)
        texts.append(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
    return texts


def table_rows(text: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    """A table's head and body rows, as the cells' texts."""
    match = re.search(rf'<caption id="{table_id}"[^>]*>.*?</caption>(.*?)</table>', text, flags=re.S)
    assert match, f"No table {table_id} on the page"
    head, body = match.group(1).split("<tbody", 1)
    rows = [cells_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]
    return cells_text(head), rows


def number(text: str, *, rates: bool = False):
    """A shown cell: an int (a Decimal for a rate), "c" when hidden, None when there is no figure."""
    if text == "c":
        return "c"
    if text in ("", "–"):
        return None
    return D(text.rstrip("%")) if rates else int(text.replace(",", ""))


def indicator_page_reading(text: str, labels: dict[str, dict[str, str]], *, rates: bool = False) -> dict:
    """What the groups section shows: (period label, dimension, group) -> int or "c"; the total is
    (period, TOTAL, TOTAL), shared by every dimension's table."""
    shown = {}
    for code, groups in labels.items():
        head, rows = table_rows(text, f"breakdown-table-{code}")
        periods = head[1:-2]  # Group | periods... | compared with | since
        for row in rows:
            label, values = row[0], [number(each, rates=rates) for each in row[1 : 1 + len(periods)]]
            key = (TOTAL, TOTAL) if label == TOTAL.capitalize() else (code, groups[label])
            for period, value in zip(periods, values, strict=True):
                if value is None:
                    continue
                if key == (TOTAL, TOTAL) and (period, *key) in shown:
                    assert shown[period, *key] == value, "Two tables show the total differently"
                shown[period, *key] = value
    return shown


def chart_bars(text: str, code: str) -> dict[str, tuple[float, str]]:
    """The bar chart of a dimension's latest period: group label -> (bar width, the value written)."""
    match = re.search(rf'aria-labelledby="breakdown-{code}-title.*?</svg>', text, flags=re.S)
    assert match, f"No chart for {code}"
    bars = re.findall(
        r'<text[^>]*>([^<]*)</text>\s*<rect[^>]*width="([0-9.]+)"[^>]*/>\s*<text[^>]*>([^<]*)</text>',
        match.group(0),
    )
    return {label: (float(width), value) for label, width, value in bars}


def exposed(shown: dict, truth: dict, dimensions: dict[str, list[str]]) -> list:
    """The hidden cells the independent attacker can work out from what is shown."""
    periods = sorted({key[0] for key in shown})
    sums = []
    for period in periods:
        for code, groups in dimensions.items():
            coefficients, constant = {}, 0  # groups - total = 0
            for sign, key in [(1, (period, code, g)) for g in groups] + [(-1, (period, TOTAL, TOTAL))]:
                value = shown.get(key)
                if value == "c":
                    coefficients[key] = coefficients.get(key, 0) + sign
                elif value is not None:
                    constant -= sign * value
            sums.append((coefficients, constant))
    secrets = [key for key, value in shown.items() if value == "c"]
    bound = max([v for v in shown.values() if v != "c"] + [5]) + 1
    return determined_by_algebra(sums, secrets) + determined_by_search(sums, secrets, truth, bound)


@pytest.fixture
def standard(db):
    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    return {
        code: {group.code: group for group in BreakdownGroup.objects.filter(dimension__code=code)}
        for code in ("uasc", "age_band")
    }


def add_quarters(indicator, standard, last) -> dict:
    """QUARTERS' figures, verified, the newest in the quarter ``last``: the truth the reader seeks."""
    for order, code in enumerate(["uasc", "age_band"], start=1):
        dimension = next(iter(standard[code].values())).dimension
        IndicatorDimension.objects.create(indicator=indicator, dimension=dimension, order=order)
    starts = [last]
    for _ in QUARTERS[1:]:
        starts.insert(0, starts[0].previous())
    truth = {}
    for start, quarter in zip(starts, QUARTERS, strict=True):
        total = sum(quarter["uasc"].values())
        assert sum(quarter["age_band"].values()) == total
        figure = factories.FigureFactory(
            indicator=indicator, period_start=start.start, value=D(total), status=Figure.Status.VERIFIED
        )
        truth[figure.period.label, TOTAL, TOTAL] = total
        for code, values in quarter.items():
            for group_code, value in values.items():
                FigureGroupValue.objects.create(
                    figure=figure, group=standard[code][group_code], value=D(value)
                )
                truth[figure.period.label, code, group_code] = value
    return truth


@pytest.fixture
def children_looked_after(standard):
    indicator = factories.IndicatorFactory(
        title="Children looked after", frequency=Frequency.QUARTERLY, counts_children=True
    )
    return indicator, add_quarters(indicator, standard, last_ended_period(Frequency.QUARTERLY))


def labels(standard) -> dict[str, dict[str, str]]:
    return {code: {group.label: group.code for group in groups.values()} for code, groups in standard.items()}


def dimensions(standard) -> dict[str, list[str]]:
    return {code: list(groups) for code, groups in standard.items()}


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((each.extract_text() or "").split()) for each in reader.pages)


@pytest.mark.parametrize("reader", ["board_member", "councillor"])
def test_no_hidden_value_follows_from_the_indicator_page_and_the_profile_of_need(
    client, request, reader, officer, standard, children_looked_after
):
    indicator, truth = children_looked_after
    url = reverse("indicators:detail", kwargs={"pk": indicator.pk})

    # The officer reads every figure exact on the same page.
    client.force_login(officer)
    exact = indicator_page_reading(page(client.get(url)), labels(standard))
    assert exact == truth

    client.force_login(request.getfixturevalue(reader))
    shown = indicator_page_reading(page(client.get(url)), labels(standard))
    assert set(shown) == set(truth)
    hidden = {key for key, value in shown.items() if value == "c"}
    assert hidden, "Nothing is hidden: the test proves nothing"
    assert all(shown[key] == truth[key] for key in set(shown) - hidden)
    assert all(truth[key] > 5 for key in set(shown) - hidden if key[1] != TOTAL)
    # The bar chart of the latest quarter draws no bar for a hidden group: its length would tell.
    latest = list(dict.fromkeys(key[0] for key in truth))[-1]  # the truth is entered oldest first
    text = page(client.get(url))
    hidden_bars = 0
    for code, groups in labels(standard).items():
        bars = chart_bars(text, code)
        assert set(bars) == {label for label, group in groups.items() if (latest, code, group) in truth}
        for label, (width, value) in bars.items():
            if shown[latest, code, groups[label]] == "c":
                hidden_bars += 1
                assert (width, value) == (0.0, "c (not shown)"), (label, width, value)
            else:
                assert width > 0 and value == str(shown[latest, code, groups[label]])
    assert hidden_bars

    # The profile of need for UASC children shows the latest quarter's UASC figure and total: what
    # it shows is added to what the reader knows, and must not show a figure the page hid.
    profile = NeedProfile.objects.create(group=standard["uasc"]["yes"], title="Profile of need: UASC")
    profile = need_profile_publish(profile=profile, user=officer, expected_version=profile.edit_version)
    text = page(client.get(reverse("comparisons:need_profile", kwargs={"pk": profile.pk})))
    [row] = [row for row in table_rows(text, "need-profile-table")[1] if indicator.title in row[0]]
    period, group_value, total_value = row[1], number(row[2]), number(row[3])
    for key, value in [((period, "uasc", "yes"), group_value), ((period, TOTAL, TOTAL), total_value)]:
        assert key in shown
        if shown[key] == "c":
            assert value == "c", f"The profile shows {key}, hidden on the indicator page"
        else:
            assert value == shown[key]
            shown[key] = value

    assert exposed(shown, truth, dimensions(standard)) == []

    # The PDF is built from the same document as the profile page: the group's figure is shown, or
    # hidden, alike.
    response = client.get(reverse("comparisons:need_profile_pdf", kwargs={"pk": profile.pk}))
    assert response["Content-Type"] == "application/pdf"
    printed = pdf_text(response.content)
    assert indicator.title in printed
    line = printed[printed.index(indicator.title) :]
    expected = "c" if group_value == "c" else str(group_value)
    assert re.search(rf"{re.escape(period)}\s+{expected}\s+{total_value}\b", line), line[:200]


def test_the_attacker_finds_a_value_a_page_would_give_away(standard):
    """The reading is meaningful: hiding one group of two beside a shown total gives it away."""
    truth = {("Q1", TOTAL, TOTAL): 40, ("Q1", "uasc", "yes"): 3, ("Q1", "uasc", "no"): 37}
    shown = {("Q1", TOTAL, TOTAL): 40, ("Q1", "uasc", "yes"): "c", ("Q1", "uasc", "no"): 37}
    assert exposed(shown, truth, {"uasc": ["yes", "no"]}) == [("Q1", "uasc", "yes")] * 2


# Children in each group beyond those counted, for a rate: each dimension's add up to the same.
EXTRA = {"uasc": {"yes": 10, "no": 40}, "age_band": dict.fromkeys(QUARTERS[0]["age_band"], 10)}


def add_rate_quarters(indicator, standard, last) -> None:
    """QUARTERS' counts as the numerators of a percentage, verified, the newest in the quarter ``last``."""
    for order, code in enumerate(["uasc", "age_band"], start=1):
        dimension = next(iter(standard[code].values())).dimension
        IndicatorDimension.objects.create(indicator=indicator, dimension=dimension, order=order)
    starts = [last]
    for _ in QUARTERS[1:]:
        starts.insert(0, starts[0].previous())
    for start, quarter in zip(starts, QUARTERS, strict=True):
        counted = sum(quarter["uasc"].values())
        children = counted + sum(EXTRA["uasc"].values())
        figure = factories.FigureFactory(
            indicator=indicator,
            period_start=start.start,
            value=(D(counted) / children * 100).quantize(D("0.1")),
            numerator=D(counted),
            denominator=D(children),
            status=Figure.Status.VERIFIED,
        )
        for code, values in quarter.items():
            for group_code, value in values.items():
                children = value + EXTRA[code][group_code]
                FigureGroupValue.objects.create(
                    figure=figure,
                    group=standard[code][group_code],
                    numerator=D(value),
                    denominator=D(children),
                    value=(D(value) / children * 100).quantize(D("0.1")),
                )


def test_the_reports_disparities_list_no_group_the_indicator_page_hides(
    client, board_member, councillor, officer, standard, demo_strategy
):
    """The bi-annual report lists each group notably worse than all children with its gap ("20
    points worse"): with the total's rate shown, that gives the group's rate back, so the report
    must list no group the indicator page hides, and agree with the page on those it shows. (The
    page shows rates without their parts, so no count can be worked out from them.)"""
    import datetime

    from board.models import EvaluationReport
    from board.reports import latest_ended_half_year

    indicator = (
        PerformanceIndicator.objects.filter(objective__strategy=demo_strategy.strategy, computation="")
        .order_by("objective__number", "position")
        .first()
    )
    indicator.unit, indicator.polarity, indicator.counts_children = Unit.PERCENTAGE, "higher", True
    indicator.frequency, indicator.disparity_threshold = Frequency.QUARTERLY, D(0)
    indicator.save()
    half_year = latest_ended_half_year()
    add_rate_quarters(
        indicator,
        standard,
        last_ended_period(Frequency.QUARTERLY, today=half_year.end + datetime.timedelta(1)),
    )
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)

    client.force_login(councillor)  # a councillor does not read the Board's report
    assert client.get(report.get_absolute_url()).status_code == 403
    client.force_login(board_member)
    url = reverse("indicators:detail", kwargs={"pk": indicator.pk})
    shown = indicator_page_reading(page(client.get(url)), labels(standard), rates=True)
    assert {key for key, value in shown.items() if value == "c"}, "Nothing is hidden: the test proves nothing"

    text = page(client.get(report.get_absolute_url()))
    listed = re.findall(
        rf"{re.escape(indicator.title)}, ([^:<]+): ([^<]+?), ([0-9.]+) points worse than all children\.", text
    )
    assert listed, "The report lists no group: the test proves nothing"
    names = {"unaccompanied asylum-seeking children": "uasc", "age band": "age_band"}
    for period, group_text, gap in listed:
        [(code, group_code)] = [
            (code, group_code)
            for name, code in names.items()
            for label, group_code in labels(standard)[code].items()
            if group_text == f"{name} {label.lower()}" or group_text == f"{name} {label}"
        ]
        key = (period, code, group_code)
        assert shown[key] != "c", f"The report gives {key}'s rate away, hidden on the indicator page"
        assert shown[period, TOTAL, TOTAL] - D(gap) == shown[key]

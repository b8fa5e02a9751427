"""The evaluation report's CSV, read the way Excel or Power BI reads it: raw values in their own columns."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from board.exports import HEADER, published_value
from board.models import EvaluationReport
from board.reports import latest_ended_half_year
from indicators.choices import RagStatus
from indicators.models import Figure, PerformanceIndicator

from . import factories

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def report_with_figures(demo_strategy):
    period = latest_ended_half_year()
    after = period.end + datetime.timedelta(days=1)
    small = demo_strategy.objectives[2].indicators.get(counts_children=True, position=1)
    small_quarter = factories.last_ended_period(small.frequency, today=after)
    factories.FigureFactory(
        indicator=small, period_start=small_quarter.start, value=3, status=Figure.Status.VERIFIED
    )
    large = PerformanceIndicator.objects.filter(
        objective__strategy=demo_strategy.strategy, counts_children=False
    ).first()
    large_period = factories.last_ended_period(large.frequency, today=after)
    factories.FigureFactory(
        indicator=large,
        period_start=large_period.start,
        value=Decimal("1234.50"),
        status=Figure.Status.VERIFIED,
    )
    factories.TargetFactory(indicator=large, period_start=large_period.start, value=Decimal("1500"))
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    return {"report": report, "small": (small, small_quarter), "large": (large, large_period)}


def row_for(rows, indicator, period):
    return next(
        row for row in rows if row["indicator"] == indicator.reference and row["period_code"] == period.code
    )


def test_the_csv_carries_plain_numbers_iso_periods_and_status_codes(client, officer, report_with_figures):
    large, period = report_with_figures["large"]
    client.force_login(officer)
    rows = read_csv(client.get(reverse("board:report_csv", kwargs={"pk": report_with_figures["report"].pk})))
    assert list(rows[0].keys()) == HEADER
    row = row_for(rows, large, period)
    assert row["value"] == "1234.5" and row["target"] == "1500" and row["value_symbol"] == ""
    assert row["period_start"] == period.start.isoformat() and row["period_end"] == period.end.isoformat()
    assert row["period"] == period.label and row["unit"] == large.unit
    assert row["status_code"] in RagStatus.values
    assert row["status"] == RagStatus(row["status_code"]).label
    for row in rows:  # every value column holds a number or nothing, never a formatted figure
        for column in ("value", "numerator", "denominator", "target", "council_value", "england_value"):
            assert row[column] == "" or Decimal(row[column]).is_finite(), (column, row[column])
        assert row["status_code"] in RagStatus.values
        datetime.date.fromisoformat(row["period_start"])


def test_a_small_number_is_a_symbol_in_its_own_column_for_the_board_but_exact_for_the_officer(
    client, officer, board_member, report_with_figures
):
    small, quarter = report_with_figures["small"]
    url = reverse("board:report_csv", kwargs={"pk": report_with_figures["report"].pk})
    client.force_login(board_member)
    hidden = row_for(read_csv(client.get(url)), small, quarter)
    assert hidden["value"] == "" and hidden["value_symbol"] == "c"
    assert hidden["numerator"] == "" and hidden["denominator"] == ""
    client.force_login(officer)
    exact = row_for(read_csv(client.get(url)), small, quarter)
    assert exact["value"] == "3" and exact["value_symbol"] == ""


def test_published_comparison_figures_split_into_a_number_and_a_dfe_symbol():
    assert published_value("61.5%") == ("61.5", "")
    assert published_value("1,234") == ("1234", "")
    assert published_value("12 per 10,000") == ("12", "")
    assert published_value("c") == ("", "c")
    assert published_value("low") == ("", "low")
    assert published_value("") == ("", "")
    assert published_value("=SUM(A1)") == ("", "")

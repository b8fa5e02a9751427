"""The officer imports and maps published files through the screens; everyone reads the report card."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comparisons.demo import NEIGHBOURS_FILE, PLACEMENT_STABILITY_FILE, published_statistics_load
from comparisons.models import PublishedFile, PublishedMeasure, PublishedValue, StatisticalNeighbour
from indicators.models import CatalogueEntry
from indicators.services import catalogue_adopt

UNSEEN_FILE = (
    "\ufefftime_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,age_group,activity,young_people_count,young_people_percent\n"
    '2024,Reporting year,National,E92000001,England,,,,,,19 to 21,In education,"12,000",55\n'
    '2024,Reporting year,National,E92000001,England,,,,,,19 to 21,Total,"21,800",100\n'
    "2024,Reporting year,Regional,E92000001,England,E12000008,South East,,,,19 to 21,In education,1500,52\n"
    "2024,Reporting year,Regional,E92000001,England,E12000008,South East,,,,19 to 21,Total,2900,100\n"
    "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,851,Portsmouth,E06000044,"
    "19 to 21,In education,101,53\n"
    "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,851,Portsmouth,E06000044,"
    "19 to 21,Total,190,100\n"
    "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,852,Southampton,E06000045,"
    "19 to 21,In education,c,c\n"
    "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,852,Southampton,E06000045,"
    "19 to 21,Total,201,100\n"
)


def upload(client, name: str, content: bytes):
    return client.post(
        reverse("comparisons:upload"), {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    )


def test_the_officer_imports_a_file_the_tests_never_saw_through_the_mapping_screens(client, officer):
    client.force_login(officer)
    response = upload(client, "neighbours.csv", NEIGHBOURS_FILE.read_bytes())
    neighbours_file = PublishedFile.objects.get(kind=PublishedFile.Kind.NEIGHBOURS)
    assert response.url == reverse("comparisons:file", kwargs={"pk": neighbours_file.pk})
    page = client.get(response.url).content.decode()
    assert "Portsmouth's neighbours, nearest first" in page and "Southampton (very close)" in page
    client.post(response.url)
    assert StatisticalNeighbour.objects.filter(la_code="851").count() == 10

    response = upload(client, "education.csv", UNSEEN_FILE.encode())
    published = PublishedFile.objects.get(filename="education.csv")
    page = client.get(response.url).content.decode()
    assert "No mapping uses this layout yet" in page and "There is a problem" not in page
    assert "age_group</strong>: 19 to 21" in page

    mapping_url = reverse("comparisons:measure_new", kwargs={"pk": published.pk})
    form = client.get(mapping_url).content.decode()
    assert "Which rows give the measure" in form and "In education" in form
    refused = client.post(mapping_url, {"title": ""})
    assert refused.status_code == 200
    assert "Enter what the measure is called" in refused.content.decode()
    assert "Select the activity of the measure&#x27;s rows" in refused.content.decode()

    mapping = {
        "title": "Care leavers aged 19 to 21 in education",
        "row_0": "19 to 21",
        "row_1": "In education",
        "total_0": "",
        "total_1": "Total",
        "count_column": "young_people_count",
        "denominator_column": "",
        "value_column": "young_people_percent",
        "unit": "percentage",
        "polarity": "higher",
    }
    response = client.post(mapping_url, mapping)
    assert response.status_code == 302, response.content.decode()
    measure = PublishedMeasure.objects.get(title="Care leavers aged 19 to 21 in education")
    assert measure.total_filters == {"age_group": "19 to 21", "activity": "Total"}

    page = client.get(reverse("comparisons:file", kwargs={"pk": published.pk})).content.decode()
    assert "4 figures for 2024" in page
    client.post(reverse("comparisons:file", kwargs={"pk": published.pk}))
    portsmouth = PublishedValue.objects.get(measure=measure, old_la_code="851")
    assert (portsmouth.count, portsmouth.denominator, portsmouth.value) == (101, 190, 53)
    southampton = PublishedValue.objects.get(measure=measure, old_la_code="852")
    assert (southampton.value, southampton.value_symbol, southampton.denominator) == (None, "c", 201)

    # Next year's file in the same layout imports through the same mapping, without asking again.
    next_year = UNSEEN_FILE.replace("2024,", "2025,").replace("101,53", "110,58")
    response = upload(client, "education-2025.csv", next_year.encode())
    assert (
        "Care leavers aged 19 to 21 in education: 4 figures for 2025"
        in client.get(response.url).content.decode()
    )
    client.post(response.url)
    assert PublishedValue.objects.get(measure=measure, old_la_code="851", time_period=2025).value == 58


def test_the_indicator_list_leads_to_the_report_card_and_the_officer_to_the_imports(
    client, officer, board_member, demo_strategy
):
    client.force_login(board_member)
    page = client.get(reverse("indicators:list")).content.decode()
    files_link = f'href="{reverse("comparisons:files")}"'
    assert reverse("comparisons:report_card") in page and files_link not in page
    client.force_login(officer)
    assert files_link in client.get(reverse("indicators:list")).content.decode()


def test_a_file_in_an_unknown_layout_is_refused_with_a_clear_error(client, officer):
    client.force_login(officer)
    response = upload(client, "figures.csv", b"indicator,period,value\nPI 1.1,2025,3\n")
    assert response.status_code == 200
    assert "The file is not in a layout the portal knows" in response.content.decode()
    assert not PublishedFile.objects.exists()


def test_a_file_larger_than_the_limit_is_refused(client, officer, settings):
    settings.PUBLISHED_FILE_MAX_BYTES = 1024 * 1024
    client.force_login(officer)
    response = upload(client, PLACEMENT_STABILITY_FILE.name, PLACEMENT_STABILITY_FILE.read_bytes() * 2)
    assert "The file must be smaller than 1 MB" in response.content.decode()
    assert not PublishedFile.objects.exists()


def test_a_file_whose_mapping_matches_no_rows_shows_why_and_imports_nothing(client, officer):
    client.force_login(officer)
    published_statistics_load()
    PublishedValue.objects.all().delete()
    renamed = PLACEMENT_STABILITY_FILE.read_bytes().replace(b"CLA on 31 March", b"Looked after on 31 March")
    response = upload(client, "renamed.csv", renamed)
    page = client.get(response.url).content.decode()
    assert "There is a problem: nothing has been imported" in page
    assert "matches no rows in this file" in page
    client.post(response.url)
    assert not PublishedValue.objects.exists()


@pytest.mark.parametrize("persona", ["board_member", "councillor"])
def test_board_members_and_councillors_read_the_report_card(client, request, persona, demo_strategy):
    published_statistics_load()
    catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-placements-3-plus"),
        objective=demo_strategy.objectives[1],
        owner=None,
    )
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("comparisons:report_card")).content.decode()
    assert "Corporate parenting report card, 2025" in page
    assert "31 of 402" in page and "103 of 128" in page
    assert "None verified yet" in page
    pdf = client.get(reverse("comparisons:report_card_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_bi_annual_report_freezes_the_comparison_with_other_councils(client, board_member, demo_strategy):
    from board.models import EvaluationReport
    from comparisons.models import PublishedValue as Value

    from . import factories

    published_statistics_load()
    indicator = catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-placements-3-plus"), objective=demo_strategy.objectives[1]
    )
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    [entry] = [
        entry
        for objective in report.snapshot["objectives"]
        for entry in objective["indicators"]
        if entry["reference"] == indicator.reference
    ]
    assert entry["comparison"]["council"] == "8%" and entry["comparison"]["council_parts"] == "31 of 402"
    assert entry["comparison"]["year"] == "2025" and entry["comparison"]["region_name"] == "South East"

    Value.objects.all().delete()  # the report keeps what it was compiled with
    client.force_login(board_member)
    page = client.get(reverse("board:report", kwargs={"pk": report.pk})).content.decode()
    assert f"Compared with other councils, {indicator.reference} (2025" in page
    assert "Portsmouth 8% (31 of 402); England" in page


def test_the_officer_records_a_change_of_definition_and_the_series_breaks_there(
    client, officer, demo_strategy
):
    published_statistics_load()
    client.force_login(officer)
    measure = PublishedMeasure.objects.get(catalogue_entry__code="cla-placements-3-plus")
    url = reverse("comparisons:definition_new", kwargs={"pk": measure.pk})
    refused = client.post(url, {"definition": "", "valid_from": "twenty", "valid_to": ""}).content.decode()
    assert "Enter the definition" in refused and "Enter a year, like 2023" in refused
    backwards = client.post(url, {"definition": "Old", "valid_from": "2024", "valid_to": "2022"})
    assert "The last year must be the same as or after the first year" in backwards.content.decode()

    assert (
        client.post(url, {"definition": "Moves counted the old way", "valid_to": "2023"}).status_code == 302
    )
    assert (
        client.post(url, {"definition": "Moves counted the new way", "valid_from": "2024"}).status_code == 302
    )
    overlapping = client.post(url, {"definition": "Again", "valid_from": "2023"}).content.decode()
    assert "These years overlap another definition" in overlapping

    indicator = catalogue_adopt(entry=measure.catalogue_entry, objective=demo_strategy.objectives[1])
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Not compared: new definition" in page
    assert "Definition changed" in page  # the chart marks the break
    assert "-2 points" in page  # 2025 on 2024, under the same definition: 8% after 10%


def test_the_demo_records_the_long_term_stability_definition_change(db):
    published_statistics_load()
    measure = PublishedMeasure.objects.get(catalogue_entry__code="cla-long-term-stability")
    assert [(version.valid_from, version.valid_to) for version in measure.definitions.order_by("pk")] == [
        (None, 2022),
        (2023, None),
    ]


def test_the_report_card_hides_small_numbers_even_from_the_officer(client, officer, demo_strategy):
    from indicators.models import Figure

    from .factories import FigureFactory, last_ended_period

    published_statistics_load()
    indicator = catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-placements-3-plus"), objective=demo_strategy.objectives[1]
    )
    assert indicator.counts_children
    period = last_ended_period(indicator.frequency)
    FigureFactory(
        indicator=indicator,
        period_start=period.start,
        period_end=period.end,
        frequency=indicator.frequency,
        numerator=3,
        denominator=40,
        value=Decimal("7.5"),
        status=Figure.Status.VERIFIED,
    )
    client.force_login(officer)
    assert "7.5%" in client.get(indicator.get_absolute_url()).content.decode()  # the officer's own page
    card = client.get(reverse("comparisons:report_card")).content.decode()
    assert "7.5%" not in card and "fewer than 6 children" in card

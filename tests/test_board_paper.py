"""The Board paper: the report's PDF, rendered once per version and stored with it."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from board.models import EvaluationReport
from board.papers import report_pdf_render
from portal.roles import Role

from . import factories


def pdf_pages(content: bytes) -> list[str]:
    return [
        " ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    ]


@pytest.fixture
def published(demo_strategy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = factories.MeetingFactory(status="scheduled")
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    approver = factories.UserFactory(
        username="sam", first_name="Sam", last_name="Patel", roles=[Role.OFFICER]
    )
    EvaluationReport.objects.filter(pk=report.pk).update(meeting=meeting, approved_by=approver)
    report.refresh_from_db()
    return report


def test_the_paper_has_a_cover_contents_with_page_numbers_and_no_blank_page(client, board_member, published):
    client.force_login(board_member)
    response = client.get(reverse("board:report_pdf", kwargs={"pk": published.pk}))
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    pages = pdf_pages(content)
    cover, contents = pages[0], pages[1]
    for words in (
        "Portsmouth City Council",
        "Corporate Parenting Board",
        f"Meeting of {published.meeting.date:%-d %B %Y}",
        f"Evaluation of the strategy, {published.data.period.label}",
        "Version 1",
        "Published",
        "Sam Patel",
    ):
        assert words in cover, words
    assert "Contents" in contents
    for section in ("Executive summary", "At a glance", "Objective 1:", "Objective 4:"):
        assert section in contents
    # Each contents line ends with the page its section starts on.
    body = pages[2:]
    page_of_glance = next(
        number for number, text in enumerate(pages, start=1) if "Indicators by objective" in text
    )
    listed = re.search(r"At a glance[ .]*(\d+)", contents)
    assert listed and int(listed.group(1)) == page_of_glance
    assert all(len(text) > 40 for text in pages), "a page is blank or nearly blank"
    assert body and any("On target" in text for text in body)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as PDF/UA needs


def test_the_paper_is_rendered_once_per_version_and_again_only_for_a_new_one(
    client, board_member, published, demo_strategy, monkeypatch
):
    import board.papers

    rendered = []
    real = board.papers.report_pdf_bytes
    monkeypatch.setattr(
        board.papers, "report_pdf_bytes", lambda report: rendered.append(report.pk) or real(report)
    )
    first = report_pdf_render(report_id=published.pk)
    client.force_login(board_member)
    url = reverse("board:report_pdf", kwargs={"pk": published.pk})
    for _ in range(3):
        assert client.get(url).content.startswith(b"%PDF")
    assert report_pdf_render(report_id=published.pk).pdf.name == first.pdf.name
    assert rendered == [published.pk]

    second = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    report_pdf_render(report_id=second.pk)
    assert rendered == [published.pk, second.pk]
    second.refresh_from_db()
    assert second.pdf.name != first.pdf.name


def test_compiling_and_publishing_enqueue_the_rendering(
    client, officer, demo_strategy, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("board:report_compile"))
    report = EvaluationReport.objects.get()
    assert report.pdf and report.pdf_status == EvaluationReport.Status.DRAFT
    assert pdf_pages(report.pdf.read())[0].count("Draft") >= 1

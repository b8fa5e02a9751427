"""The Board paper: a report version rendered once as a tagged PDF and stored with it.

Rendering takes seconds, so it happens in a background job when a version is compiled and
again when it is published (its cover then names the approver and the meeting); a download
serves the stored file.
"""

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.choices import Frequency
from indicators.periods import Period

from .models import EvaluationReport
from .selectors import exception_rows, report_sections

logger = logging.getLogger(__name__)


def report_pdf_bytes(report: EvaluationReport) -> bytes:
    """The report as a PDF/UA document, with small numbers hidden as on the Board's pages."""
    from weasyprint import HTML  # needs Pango; imported here so the rest of the portal runs without it

    sections = report_sections(report)
    html = render_to_string(
        "board/report_pdf.html",
        {
            "report": report,
            "snapshot": report.data,
            "sections": sections,
            "exceptions": exception_rows(sections),
            "exact": False,
            "inline_charts": True,  # on the page, each chart is fetched when its details are opened
        },
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def report_pdf_name(report: EvaluationReport) -> str:
    code = Period(Frequency.HALF_YEARLY, report.period_start).code.replace(" ", "-")
    return f"evaluation-{code}-v{report.version}.pdf"


def report_pdf_render(*, report_id: int) -> EvaluationReport:
    """Render and store the version's PDF, unless one for its present status is stored already."""
    report = EvaluationReport.objects.select_related("strategy", "approved_by", "meeting").get(pk=report_id)
    if report.pdf and report.pdf_status == report.status:
        return report
    content = report_pdf_bytes(report)
    with transaction.atomic():
        locked = EvaluationReport.objects.select_for_update().get(pk=report_id)
        if locked.pdf and locked.pdf_status == report.status:
            return locked  # another job stored it meanwhile
        old = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(report_pdf_name(report), ContentFile(content), save=False)
        locked.pdf_status = report.status
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_status", "pdf_rendered_at"])
    if old and old != locked.pdf.name:
        locked.pdf.storage.delete(old)
    logger.info("Rendered the PDF of report %s (%s bytes)", report_id, len(content))
    return locked


def meeting_pack_pdf(*, meeting, reports: list[EvaluationReport]) -> bytes:
    """One PDF: a cover sheet with the agenda, then every readable PDF paper in agenda order.

    Word and OpenDocument papers are listed on the cover sheet to download on their own; they
    are not converted.
    """
    import pypdf
    from weasyprint import HTML

    items = list(meeting.agenda_items.all())
    included, listed = [], []
    for item in items:
        if item.document and item.is_pdf and item.document_pages:
            included.append(item)
        elif item.document:
            listed.append(item)
    cover = render_to_string(
        "board/pack_cover.html", {"meeting": meeting, "items": items, "listed": listed, "reports": reports}
    )
    writer = pypdf.PdfWriter()
    writer.append(io.BytesIO(HTML(string=cover).write_pdf()))
    for item in included:
        with item.document.open("rb") as paper:
            writer.append(io.BytesIO(paper.read()))
    for report in reports:
        stored = report_pdf_render(report_id=report.pk)
        with stored.pdf.open("rb") as paper:
            writer.append(io.BytesIO(paper.read()))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

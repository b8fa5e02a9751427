"""A report version rendered once per audience: its body (inside the page's layout) and its CSV.

The compile job renders both for the officer (exact figures) and for everyone else (small
numbers hidden) and stores them with the version; the report page and the CSV download serve
what is stored. The body holds the executive summary, each objective's commentary and the
indicator comments, which stay editable on a draft: every write that changes them renders the
body again in its own transaction (`report_renderings_refresh`), so a page never shows a body
older than the words saved. A version compiled before bodies were stored is rendered at its
first visit and stored then.
"""

from dataclasses import replace

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.imports import as_csv

from .exports import report_csv_rows
from .models import EvaluationReport, ReportRendering
from .selectors import exception_rows, report_sections

Audience = ReportRendering.Audience


def audience_for(*, exact: bool) -> str:
    return Audience.EXACT if exact else Audience.SUPPRESSED


def _body_html(report: EvaluationReport, audience: str) -> str:
    exact = audience == Audience.EXACT
    sections = report_sections(report)
    if exact and report.is_draft:
        # The officer may comment on every row of a draft; nobody else sees a draft's page.
        sections = [
            replace(section, rows=[replace(row, can_comment=True) for row in section.rows])
            for section in sections
        ]
    return render_to_string(
        "board/includes/report_body.html",
        {
            "report": report,
            "snapshot": report.data,
            "sections": sections,
            "exceptions": exception_rows(sections),
            "exact": exact,
            "inline_charts": False,  # each chart is fetched when its details are opened
        },
    )


def report_renderings_refresh(*, report: EvaluationReport, csv: bool = False) -> dict[str, ReportRendering]:
    """Render the version's body for each audience (and its CSV when ``csv``) and store them.

    Call inside the transaction of the write that changed what the body shows, after it.
    The CSV holds the frozen figures only, so it is rendered once, when first stored.
    """
    stored = {rendering.audience: rendering for rendering in report.renderings.all()}
    for stale in ("comments_count", "comments_versions", "comments_updated"):
        report.__dict__.pop(stale, None)  # read the comments as they are now
    stamp = report.words_stamp()
    now = timezone.now()
    for audience in Audience.values:
        rendering = stored.get(audience) or ReportRendering(report=report, audience=audience)
        rendering.html = _body_html(report, audience)
        if csv or not rendering.csv:
            rendering.csv = as_csv(report_csv_rows(report, exact=audience == Audience.EXACT)).decode()
        rendering.exceptions = [entry.reference for entry in report.data.exceptions]
        rendering.words_stamp = stamp
        rendering.rendered_at = now
        rendering.save()
        stored[audience] = rendering
    return stored


def report_rendering(*, report: EvaluationReport, exact: bool, only_csv: bool = False) -> ReportRendering:
    """The stored body and CSV for the reader's audience; rendered now and stored if missing or stale.
    A download asks `only_csv`, so the body (the larger by far) is not read for it."""
    audience = audience_for(exact=exact)
    renderings = ReportRendering.objects.filter(report=report, audience=audience)
    if only_csv:
        renderings = renderings.defer("html")
    rendering = renderings.first()
    if rendering is not None and rendering.is_current_for(report):
        return rendering
    with transaction.atomic():  # one request renders at a time; the others then read its work
        locked = EvaluationReport.objects.select_for_update().get(pk=report.pk)
        rendering = ReportRendering.objects.filter(report=locked, audience=audience).first()
        if rendering is not None and rendering.is_current_for(locked):
            return rendering
        return report_renderings_refresh(report=locked)[audience]

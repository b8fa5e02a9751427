import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from indicators.imports import safe_cell
from objectives.views import current_strategy_or_404
from portal.forms import posted_data

from .forms import CommentaryForm, PublishForm
from .models import BoardSeat, CompileRun, EvaluationReport, Meeting
from .reports import (
    data_fingerprint,
    half_year,
    latest_ended_half_year,
    report_advance,
    report_commentary_save,
    report_request,
    report_retry,
)

MANAGE_REPORTS = "board.change_evaluationreport"


def report_for_user_or_404(user, pk: int) -> EvaluationReport:
    """Officers open every version; everyone else only published reports."""
    reports = EvaluationReport.objects.select_related("meeting", "strategy")
    if not user.has_perm(MANAGE_REPORTS):
        reports = reports.filter(status=EvaluationReport.Status.PUBLISHED)
    return get_object_or_404(reports, pk=pk)


@permission_required("board.view_boardseat", raise_exception=True)
def overview(request):
    strategy = current_strategy_or_404()
    seats = BoardSeat.objects.filter(strategy=strategy).current().for_page()
    meetings = Meeting.objects.all()[:8]
    return render(
        request, "board/overview.html", {"strategy": strategy, "seats": seats, "meetings": meetings}
    )


@permission_required("board.view_evaluationreport", raise_exception=True)
def reports(request):
    strategy = current_strategy_or_404()
    manage = request.user.has_perm(MANAGE_REPORTS)
    listed = EvaluationReport.objects.filter(strategy=strategy).select_related("meeting")
    if not manage:
        listed = listed.filter(status=EvaluationReport.Status.PUBLISHED)
    context = {"reports": listed, "manage": manage, "latest_half": latest_ended_half_year()}
    if manage:
        context["runs"] = CompileRun.objects.filter(strategy=strategy).select_related("report")[:10]
    return render(request, "board/reports.html", context)


@require_POST
@permission_required(MANAGE_REPORTS, raise_exception=True)
def report_compile_request(request):
    strategy = current_strategy_or_404()
    try:
        period = half_year(latest_ended_half_year().start)
        run = report_request(strategy=strategy, period=period, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("board:reports")
    return redirect("board:run", pk=run.pk)


@permission_required(MANAGE_REPORTS, raise_exception=True)
def run_status(request, pk: int):
    run = get_object_or_404(CompileRun.objects.select_related("report"), pk=pk)
    if request.method == "POST":
        try:
            run = report_retry(run=run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("board:run", pk=run.pk)
    return render(request, "board/run.html", {"run": run, "period": half_year(run.period_start)})


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_detail(request, pk: int):
    report = report_for_user_or_404(request.user, pk)
    manage = request.user.has_perm(MANAGE_REPORTS)
    changed = manage and report.data_fingerprint != data_fingerprint(
        strategy=report.strategy, period=half_year(report.period_start)
    )
    commentary = report.commentary or {}
    objectives = [
        {**objective, "commentary": commentary.get(str(objective["number"]), "")}
        for objective in report.snapshot["objectives"]
    ]
    return render(
        request,
        "board/report.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "objectives": objectives,
            "exact": manage,
            "data_changed": changed,
            "publish_form": PublishForm() if report.status == EvaluationReport.Status.APPROVED else None,
        },
    )


@permission_required(MANAGE_REPORTS, raise_exception=True)
def report_commentary(request, pk: int):
    report = get_object_or_404(EvaluationReport, pk=pk)
    objectives = report.snapshot["objectives"]
    initial = {"executive_summary": report.executive_summary} | {
        f"objective_{number}": text for number, text in (report.commentary or {}).items()
    }
    form = CommentaryForm(posted_data(request), initial=initial, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            report_commentary_save(
                report=report,
                executive_summary=form.cleaned_data["executive_summary"],
                commentary=form.commentary,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "The commentary has been saved.")
            return redirect(report)
    return render(request, "board/commentary.html", {"report": report, "form": form})


@require_POST
@permission_required(MANAGE_REPORTS, raise_exception=True)
def report_step(request, pk: int, step: str):
    report = get_object_or_404(EvaluationReport, pk=pk)
    to_status = {
        "submit": EvaluationReport.Status.SUBMITTED,
        "approve": EvaluationReport.Status.APPROVED,
        "publish": EvaluationReport.Status.PUBLISHED,
    }.get(step)
    if to_status is None:
        raise Http404
    meeting = None
    if to_status == EvaluationReport.Status.PUBLISHED:
        form = PublishForm(request.POST)
        meeting = form.cleaned_data["meeting"] if form.is_valid() else None
    try:
        report = report_advance(report=report, to_status=to_status, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The report is now {report.get_status_display().lower()}.")
    return redirect(report)


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_csv(request, pk: int):
    """The report's figures as CSV, with the same small-number rule as its page."""
    from .templatetags.reports import snapshot_figure

    report = report_for_user_or_404(request.user, pk)
    exact = request.user.has_perm(MANAGE_REPORTS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["objective", "indicator", "title", "period", "figure", "target", "status"])
    for objective in report.snapshot["objectives"]:
        for entry in objective["indicators"]:
            for row in entry["rows"]:
                writer.writerow(
                    [
                        objective["number"],
                        entry["reference"],
                        safe_cell(entry["title"]),
                        row["period"],
                        snapshot_figure(entry, row, exact),
                        snapshot_figure(entry, {"value": row["target"]}, True),
                        row["rag"],
                    ]
                )
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    code = report.snapshot["period"]["code"].replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{code}-v{report.version}.csv"'
    return response


@permission_required("board.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    papers = meeting.reports.all()
    if not request.user.has_perm(MANAGE_REPORTS):
        papers = papers.filter(status=EvaluationReport.Status.PUBLISHED)
    return render(request, "board/meeting.html", {"meeting": meeting, "papers": papers})

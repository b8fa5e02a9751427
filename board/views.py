from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from core.forms import posted_data
from indicators.imports import as_csv, safe_cell
from objectives.selectors import current_strategy_or_404

from .forms import (
    AgendaItemForm,
    AttendanceForm,
    BoardActionForm,
    CommentaryForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PublishForm,
)
from .models import AgendaItem, BoardAction, BoardSeat, CompileRun, Decision, EvaluationReport, Meeting
from .reports import (
    data_fingerprint,
    half_year,
    latest_ended_half_year,
    report_advance,
    report_commentary_save,
    report_request,
    report_retry,
)
from .services import attendance_record, board_action_complete, meeting_quorum, minutes_approve, minutes_save

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
    return render(
        request,
        "board/report.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "objectives": report.objectives_with_commentary,
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
def report_pdf(request, pk: int):
    """The report as a tagged PDF, with the same small-number rule as its page."""
    from weasyprint import HTML  # needs Pango; imported here so the rest of the portal runs without it

    report = report_for_user_or_404(request.user, pk)
    html = render_to_string(
        "board/report_pdf.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "objectives": report.objectives_with_commentary,
            "exact": request.user.has_perm(MANAGE_REPORTS),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    code = report.snapshot["period"]["code"].replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{code}-v{report.version}.pdf"'
    return response


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_csv(request, pk: int):
    """The report's figures as CSV, with the same small-number rule as its page."""
    from .templatetags.reports import snapshot_figure

    report = report_for_user_or_404(request.user, pk)
    exact = request.user.has_perm(MANAGE_REPORTS)
    rows = [["objective", "indicator", "title", "period", "figure", "target", "status"]]
    for objective in report.snapshot["objectives"]:
        for entry in objective["indicators"]:
            for row in entry["rows"]:
                rows.append(
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
    response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    code = report.snapshot["period"]["code"].replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{code}-v{report.version}.csv"'
    return response


MANAGE_MEETINGS = "board.change_meeting"


@permission_required("board.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("minutes_approved_at"), pk=pk)
    manage = request.user.has_perm(MANAGE_MEETINGS)
    papers = meeting.reports.all()
    if not request.user.has_perm(MANAGE_REPORTS):
        papers = papers.filter(status=EvaluationReport.Status.PUBLISHED)
    context = {
        "meeting": meeting,
        "manage": manage,
        "papers": papers,
        "agenda_items": meeting.agenda_items.all(),
        "carried_forward": BoardAction.objects.carried_to(meeting),
        "actions_raised": meeting.actions_raised.all(),
        "decisions": meeting.decisions.all(),
        "attendance": meeting.attendance.select_related("seat__organisation", "seat__person"),
        "quorum": meeting_quorum(meeting),
        "show_minutes": meeting.minutes_status == Meeting.MinutesStatus.APPROVED
        or (manage and meeting.minutes),
        "later_meetings": Meeting.objects.filter(date__gt=meeting.date).order_by("date") if manage else [],
        "decision_form": DecisionForm() if manage else None,
        "item_form": AgendaItemForm() if manage else None,
        "action_form": BoardActionForm() if manage else None,
    }
    return render(request, "board/meeting.html", context)


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_edit(request, pk: int | None = None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    form = MeetingForm(posted_data(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, f"{meeting} has been saved.")
        return redirect(meeting)
    return render(request, "board/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_attendance(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    seats = BoardSeat.objects.filter(strategy=current_strategy_or_404()).current().for_page()
    initial = {f"seat_{record.seat_id}": record.status for record in meeting.attendance.all()}
    form = AttendanceForm(posted_data(request), initial=initial, seats=seats)
    if request.method == "POST" and form.is_valid():
        attendance_record(meeting=meeting, statuses=form.statuses)
        messages.success(request, "Attendance has been saved.")
        return redirect(meeting)
    return render(
        request,
        "board/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": "Attendance and apologies"},
    )


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_minutes(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MinutesForm(posted_data(request), initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            minutes_save(meeting=meeting, text=form.cleaned_data["minutes"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "The draft minutes have been saved.")
            return redirect(meeting)
    return render(
        request, "board/meeting_part_form.html", {"form": form, "meeting": meeting, "heading": "Minutes"}
    )


@require_POST
@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_minutes_approve(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    at_meeting = Meeting.objects.filter(pk=request.POST.get("at_meeting")).first()
    try:
        if at_meeting is None:
            raise ValidationError("Select the meeting that approved the minutes")
        minutes_approve(meeting=meeting, at_meeting=at_meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The minutes have been approved.")
    return redirect(meeting)


@require_POST
@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_record_add(request, pk: int, kind: str):
    """Add a decision or an action-log entry to a meeting."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if kind == "item":
        form = AgendaItemForm(request.POST, request.FILES)
        if form.is_valid():
            position = meeting.agenda_items.count() + 1
            AgendaItem.objects.create(meeting=meeting, position=position, **form.cleaned_data)
    elif kind == "decision":
        form = DecisionForm(request.POST)
        if form.is_valid():
            Decision.objects.create(meeting=meeting, text=form.cleaned_data["text"])
    elif kind == "action":
        form = BoardActionForm(request.POST)
        if form.is_valid():
            form.instance.raised_at = meeting
            form.save()
    else:
        raise Http404
    if not form.is_valid():
        return render(
            request,
            "board/meeting_part_form.html",
            {
                "form": form,
                "meeting": meeting,
                "heading": {
                    "item": "Add an agenda item",
                    "decision": "Add a decision",
                    "action": "Add an action",
                }[kind],
            },
        )
    messages.success(request, f"The {kind} has been added.")
    return redirect(meeting)


@permission_required("board.view_meeting", raise_exception=True)
def agenda_paper(request, pk: int):
    """A meeting paper, always as a download so a browser never runs it as a page."""
    item = get_object_or_404(AgendaItem.objects.exclude(document=""), pk=pk)
    response = FileResponse(
        item.document.open("rb"), as_attachment=True, filename=item.document.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@permission_required(MANAGE_MEETINGS, raise_exception=True)
def board_action_done(request, pk: int):
    action = get_object_or_404(BoardAction.objects.select_related("raised_at"), pk=pk)
    board_action_complete(action=action)
    messages.success(request, "The action has been marked as done.")
    # Back to the meeting whose page the button was on, which may be a later one.
    meeting_id = request.POST.get("meeting", "")
    shown_at = Meeting.objects.filter(pk=int(meeting_id)).first() if meeting_id.isdigit() else None
    return redirect(shown_at or action.raised_at)

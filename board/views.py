from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from caching.fragments import fragment_render, page_part_render
from core.forms import posted_data, posted_files
from core.pagination import paginate
from core.versions import EditConflict
from objectives.models import Strategy
from objectives.selectors import current_strategy_or_404

from .forms import (
    AgendaItemForm,
    ApologiesForm,
    AttendanceForm,
    BoardActionForm,
    CommentaryForm,
    DecisionForm,
    IndicatorCommentForm,
    MeetingForm,
    MinutesForm,
    PublishForm,
)
from .models import (
    AgendaItem,
    BoardAction,
    BoardSeat,
    CompileRun,
    EvaluationReport,
    IndicatorComment,
    Meeting,
)
from .papers import meeting_pack_pdf, report_pdf_name, report_pdf_render
from .renderings import report_rendering
from .reports import (
    CommentConflict,
    data_changed_since,
    half_year,
    indicator_comment_save,
    latest_ended_half_year,
    may_approve,
    may_comment,
    report_advance,
    report_commentary_save,
    report_invite_contributors,
    report_request,
    report_retry,
)
from .selectors import exception_rows, report_sections
from .services import (
    agenda_item_add,
    apologies_send,
    attendance_record,
    board_action_add,
    board_action_complete,
    board_action_reopen,
    decision_add,
    meeting_quorum,
    minutes_approve,
    minutes_save,
    seat_of,
)

MANAGE_REPORTS = "board.change_evaluationreport"


# What a report's page shows beside the version itself.
REPORT_RELATED = ("meeting", "strategy", "approved_by")
# What a kept report page and the downloads read of the version: its content reads the rest.
REPORT_SHELL_FIELDS = ("id", "strategy_id", "period_start", "version", "status", "pdf", "pdf_status")


def report_for_user_or_404(user, pk: int, *, reports=None) -> EvaluationReport:
    """Officers open every version; the Board's chair also those awaiting approval; others published ones."""
    if reports is None:
        reports = EvaluationReport.objects.select_related(*REPORT_RELATED)
    if not user.has_perm(MANAGE_REPORTS):
        shown = [EvaluationReport.Status.PUBLISHED]
        if BoardSeat.objects.current().filter(is_chair=True, person=user).exists():
            shown.append(EvaluationReport.Status.SUBMITTED)
        reports = reports.filter(status__in=shown)
    return get_object_or_404(reports, pk=pk)


@permission_required("board.view_boardseat", raise_exception=True)
def overview(request):
    strategy = current_strategy_or_404()
    seats = list(BoardSeat.objects.filter(strategy=strategy).current().for_page())
    meetings = paginate(request, Meeting.objects.order_by("-date", "-pk"), label="Pages of the meetings")
    return render(
        request,
        "board/overview.html",
        {"strategy": strategy, "seats": seats, "meetings": meetings.items, "pagination": meetings},
    )


@permission_required("board.view_evaluationreport", raise_exception=True)
def reports(request):
    strategy = current_strategy_or_404()
    content = page_part_render(
        request,
        template="board/reports_content.html",
        context=lambda: reports_context(request.user, strategy),
    )
    return render(request, "board/reports.html", {"content": content})


def reports_context(user, strategy) -> dict:
    manage = user.has_perm(MANAGE_REPORTS)
    listed = EvaluationReport.objects.filter(strategy=strategy).defer("snapshot").select_related("meeting")
    if not manage:
        listed = listed.filter(status=EvaluationReport.Status.PUBLISHED)
    context = {"reports": listed, "manage": manage, "latest_half": latest_ended_half_year()}
    if manage:
        context["runs"] = CompileRun.objects.filter(strategy=strategy)[:10]
    return context


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


def _report_context(report: EvaluationReport, user, exact: bool) -> dict:
    sections = report_sections(report, user)
    return {
        "report": report,
        "snapshot": report.data,
        "sections": sections,
        "exceptions": exception_rows(sections),
        "exact": exact,
    }


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_detail(request, pk: int):
    """The stored body of the version for the reader's audience, inside the page's layout."""
    # Without the snapshot, whose JSON the database would otherwise read at every visit.
    report = report_for_user_or_404(
        request.user, pk, reports=EvaluationReport.objects.only(*REPORT_SHELL_FIELDS)
    )
    content = page_part_render(
        request,
        template="board/report_content.html",
        context=lambda: report_page_context(report_for_page(report.pk), request.user),
    )
    period_label = report.half_year.label
    return render(request, "board/report.html", {"period_label": period_label, "content": content})


def report_for_page(pk: int) -> EvaluationReport:
    return EvaluationReport.objects.for_page().select_related(*REPORT_RELATED).get(pk=pk)


def report_page_context(report: EvaluationReport, user) -> dict:
    manage = user.has_perm(MANAGE_REPORTS)
    submitted = report.status == EvaluationReport.Status.SUBMITTED
    approved = report.status == EvaluationReport.Status.APPROVED
    rendering = report_rendering(report=report, exact=manage)
    return {
        "report": report,
        "heading": report.heading,
        "body": rendering.body,
        "exact": manage,
        "manage": manage,
        "may_approve": submitted and may_approve(user, report),
        # Checked again whenever the data version moves on, since the part is kept until then.
        "data_changed": manage and data_changed_since(report),
        "missing_comments": rendering.missing_comments() if report.is_draft else [],
        "publish_form": PublishForm() if manage and approved else None,
    }


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_chart(request, pk: int, reference: str):
    """One indicator's chart from the version's frozen figures, for the reader's audience. The
    report page links each chart from its closed details, which fetch it when opened."""
    report = report_for_user_or_404(
        request.user, pk, reports=EvaluationReport.objects.only(*REPORT_SHELL_FIELDS)
    )
    exact = request.user.has_perm(MANAGE_REPORTS)

    def render_content() -> str:
        full = EvaluationReport.objects.get(pk=report.pk)
        entry = _entry_or_404(full, reference)
        return render_to_string(
            "board/includes/report_chart_content.html",
            {"report": full, "snapshot": full.data, "entry": entry, "exact": exact},
        )

    content = fragment_render(name="report-chart", vary=(report.pk, reference, exact), render=render_content)
    title = f"Chart of {reference}, evaluation report {report.half_year.label}"
    # The content was escaped by the template engine when it was rendered.
    content = mark_safe(content)  # noqa: S308
    return render(request, "board/report_chart.html", {"report": report, "title": title, "content": content})


@permission_required(MANAGE_REPORTS, raise_exception=True)
def report_commentary(request, pk: int):
    """The executive summary and each objective's commentary, written beside the objective's figures."""
    report = get_object_or_404(EvaluationReport, pk=pk)
    objectives = report.data.objectives
    initial = {"executive_summary": report.executive_summary} | {
        f"objective_{number}": text for number, text in (report.commentary or {}).items()
    }
    form = CommentaryForm(
        posted_data(request), initial=initial, objectives=objectives, version=report.edit_version
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            report_commentary_save(
                report=report,
                executive_summary=form.cleaned_data["executive_summary"],
                commentary=form.commentary,
                user=request.user,
                expected_version=form.version_opened,
            )
        except EditConflict as edit_conflict:
            conflict = edit_conflict.current
            form.show_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "The commentary has been saved.")
            return redirect(report)
    context = _report_context(report, request.user, exact=True)
    context["objective_fields"] = [
        (section, form[f"objective_{section.objective.number}"]) for section in context["sections"]
    ]
    return render(request, "board/commentary.html", context | {"form": form, "conflict": conflict})


def _entry_or_404(report: EvaluationReport, reference: str):
    entry = next((entry for entry in report.data.indicators if entry.reference == reference), None)
    if entry is None:
        raise Http404
    return entry


@login_required
def report_comment(request, pk: int, reference: str):
    """The comment on one indicator's row, written beside its figures."""
    report = get_object_or_404(EvaluationReport.objects.select_related("strategy"), pk=pk)
    entry = _entry_or_404(report, reference)
    officer = request.user.has_perm(MANAGE_REPORTS)
    if not officer and not may_comment(request.user, report, entry):
        raise PermissionDenied
    comment = IndicatorComment.objects.filter(report=report, reference=reference).first()
    initial = {"text": comment.text if comment else "", "version": comment.version if comment else 0}
    form = IndicatorCommentForm(posted_data(request), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            indicator_comment_save(
                report=report,
                reference=reference,
                text=form.cleaned_data["text"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except CommentConflict as error:
            conflict = error
            form.add_error(
                "text",
                "Someone else saved a comment on this indicator while you were writing. Their comment "
                "is shown below; what you typed is kept. Save again to replace theirs.",
            )
            form.data = form.data.copy()
            form.data["version"] = error.current_version
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"The comment on {entry.reference} has been saved.")
            return redirect(report if officer else "home")
    return render(
        request,
        "board/comment_form.html",
        {"report": report, "entry": entry, "form": form, "conflict": conflict, "exact": True},
    )


@require_POST
@permission_required(MANAGE_REPORTS, raise_exception=True)
def report_invite(request, pk: int):
    report = get_object_or_404(EvaluationReport, pk=pk)
    invited = request.POST.get("invited") == "yes"
    try:
        report_invite_contributors(report=report, invited=invited)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Contributors can now comment on their organisation's indicators."
            if invited
            else "Contributors can no longer comment.",
        )
    return redirect(report)


@require_POST
@login_required
def report_step(request, pk: int, step: str):
    to_status = {
        "submit": EvaluationReport.Status.SUBMITTED,
        "approve": EvaluationReport.Status.APPROVED,
        "publish": EvaluationReport.Status.PUBLISHED,
    }.get(step)
    if to_status is None:
        raise Http404
    if to_status == EvaluationReport.Status.APPROVED:
        report = report_for_user_or_404(request.user, pk)
        if not may_approve(request.user, report):
            raise PermissionDenied
    elif request.user.has_perm(MANAGE_REPORTS):
        report = get_object_or_404(EvaluationReport, pk=pk)
    else:
        raise PermissionDenied
    meeting = None
    if to_status == EvaluationReport.Status.PUBLISHED:
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
            return redirect(report)
        meeting = form.cleaned_data["meeting"]
    try:
        report = report_advance(report=report, to_status=to_status, meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if to_status == EvaluationReport.Status.PUBLISHED and meeting:
            messages.success(request, f"The report is now published. It is in the papers for {meeting}.")
        else:
            messages.success(request, f"The report is now {report.get_status_display().lower()}.")
    return redirect(report)


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_pdf(request, pk: int):
    """The stored Board paper; rendered here only if its job has not run yet."""
    report = report_for_user_or_404(
        request.user, pk, reports=EvaluationReport.objects.only(*REPORT_SHELL_FIELDS)
    )
    if not (report.pdf and report.pdf_status == report.status):
        report = report_pdf_render(report_id=report.pk)
    with report.pdf.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_pdf_name(report)}"'
    return response


@permission_required("board.view_evaluationreport", raise_exception=True)
def report_csv(request, pk: int):
    """The report's figures as raw values in CSV, with the same small-number rule as its page."""
    report = report_for_user_or_404(
        request.user, pk, reports=EvaluationReport.objects.only(*REPORT_SHELL_FIELDS)
    )
    exact = request.user.has_perm(MANAGE_REPORTS)
    csv = fragment_render(
        name="report-csv",
        vary=(report.pk, exact),
        render=lambda: report_rendering(report=report_for_page(report.pk), exact=exact, only_csv=True).csv,
    )
    response = HttpResponse(csv.encode(), content_type="text/csv; charset=utf-8")
    code = report.half_year.code.replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{code}-v{report.version}.csv"'
    return response


MANAGE_MEETINGS = "board.change_meeting"


@permission_required("board.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("minutes_approved_at"), pk=pk)
    strategy = Strategy.objects.current()
    manage = request.user.has_perm(MANAGE_MEETINGS)
    papers = meeting.reports.defer("snapshot")
    if not request.user.has_perm(MANAGE_REPORTS):
        papers = papers.filter(status=EvaluationReport.Status.PUBLISHED)
    context = {
        "meeting": meeting,
        "manage": manage,
        "papers": list(papers),
        "agenda_items": list(meeting.agenda_items.all()),
        "carried_forward": list(BoardAction.objects.carried_to(meeting)),
        "actions_raised": list(meeting.actions_raised.all()),
        "decisions": list(meeting.decisions.all()),
        "attendance": list(meeting.attendance.select_related("seat__organisation", "seat__person")),
        "quorum": meeting_quorum(meeting),
        "show_minutes": meeting.minutes_status == Meeting.MinutesStatus.APPROVED
        or (manage and meeting.minutes),
        "later_meetings": list(
            Meeting.objects.filter(
                date__gt=meeting.date, date__lte=timezone.localdate(), status=Meeting.Status.HELD
            ).order_by("date")
        )
        if manage
        else [],
        "my_seat": seat_of(request.user, strategy) if strategy else None,
    }
    return render(request, "board/meeting.html", context)


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_edit(request, pk: int | None = None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    form = MeetingForm(posted_data(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = form.save()
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            messages.success(request, f"{meeting} has been saved.")
            return redirect(meeting)
    return render(request, "board/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_attendance(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    seats = BoardSeat.objects.filter(strategy=current_strategy_or_404()).current().for_page()
    initial = {"officers_in_attendance": meeting.officers_in_attendance}
    for record in meeting.attendance.all():
        initial |= {f"seat_{record.seat_id}": record.status, f"deputy_{record.seat_id}": record.deputy}
    form = AttendanceForm(posted_data(request), initial=initial, seats=seats)
    if request.method == "POST" and form.is_valid():
        attendance_record(
            meeting=meeting,
            statuses=form.statuses,
            deputies=form.deputies,
            officers_in_attendance=form.cleaned_data["officers_in_attendance"],
        )
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
    form = MinutesForm(
        posted_data(request), initial={"minutes": meeting.minutes}, version=meeting.edit_version
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes_save(
                meeting=meeting, text=form.cleaned_data["minutes"], expected_version=form.version_opened
            )
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
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


RECORD_FORMS = {
    "item": (AgendaItemForm, "Add an agenda item"),
    "decision": (DecisionForm, "Add a decision"),
    "action": (BoardActionForm, "Add an action"),
}


@permission_required(MANAGE_MEETINGS, raise_exception=True)
def meeting_record_add(request, pk: int, kind: str):
    """Add an agenda item, a decision or an action-log entry, on a page of its own."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if kind not in RECORD_FORMS:
        raise Http404
    form_class, heading = RECORD_FORMS[kind]
    form = form_class(posted_data(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        if kind == "item":
            agenda_item_add(meeting=meeting, **form.cleaned_data)
        elif kind == "decision":
            decision_add(meeting=meeting, text=form.cleaned_data["text"])
        else:
            board_action_add(meeting=meeting, **form.cleaned_data)
        messages.success(request, f"The {kind} has been added.")
        return redirect(meeting)
    return render(
        request, "board/meeting_part_form.html", {"form": form, "meeting": meeting, "heading": heading}
    )


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
    try:
        board_action_complete(action=action, note=request.POST.get("note", "")[:2000], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The action has been marked as done.")
    if request.POST.get("back") == "tracker":
        return redirect("board:actions")
    # Back to the meeting whose page the button was on, which may be a later one.
    meeting_id = request.POST.get("meeting", "")
    shown_at = Meeting.objects.filter(pk=int(meeting_id)).first() if meeting_id.isdigit() else None
    return redirect(shown_at or action.raised_at)


@permission_required("board.view_meeting", raise_exception=True)
def meeting_apologies(request, pk: int):
    """A Board member sends apologies for a meeting to come and names a deputy."""
    meeting = get_object_or_404(Meeting, pk=pk)
    seat = seat_of(request.user, current_strategy_or_404())
    if seat is None:
        raise PermissionDenied
    record = meeting.attendance.filter(seat=seat).first()
    form = ApologiesForm(posted_data(request), initial={"deputy": record.deputy if record else ""})
    if request.method == "POST" and form.is_valid():
        try:
            apologies_send(meeting=meeting, seat=seat, deputy=form.cleaned_data["deputy"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"Your apologies for {meeting} have been sent.")
            return redirect(meeting)
    return render(
        request,
        "board/meeting_part_form.html",
        {"form": form, "meeting": meeting, "heading": "Send apologies"},
    )


@permission_required("board.view_meeting", raise_exception=True)
def meeting_pack(request, pk: int):
    """Every paper for the meeting as one PDF, in agenda order, after a cover sheet listing them."""
    meeting = get_object_or_404(Meeting, pk=pk)
    papers = meeting.reports.filter(status=EvaluationReport.Status.PUBLISHED)
    content = meeting_pack_pdf(meeting=meeting, reports=list(papers))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-papers-{meeting.date.isoformat()}.pdf"'
    return response


@require_POST
@permission_required(MANAGE_MEETINGS, raise_exception=True)
def board_action_reopen_view(request, pk: int):
    action = get_object_or_404(BoardAction, pk=pk)
    try:
        board_action_reopen(action=action, note=request.POST.get("note", "")[:2000], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The action is open again; the change is recorded in its updates.")
    return redirect("board:actions")


@permission_required("board.view_meeting", raise_exception=True)
def action_tracker(request, only_open: bool = False):
    """The Board's action log across every meeting, filterable by owner and status."""
    actions = BoardAction.objects.select_related("raised_at").prefetch_related("updates")
    owners = sorted(set(BoardAction.objects.values_list("owner", flat=True)))
    owner = request.GET.get("owner", "")
    status = "open" if only_open else request.GET.get("status", "")
    if owner in owners:
        actions = actions.filter(owner=owner)
    else:
        owner = ""
    if status in BoardAction.Status.values:
        actions = actions.filter(status=status)
    else:
        status = ""
    pagination = paginate(request, actions.order_by("status", "due_date", "pk"), label="Pages of the actions")
    return render(
        request,
        "board/actions.html",
        {
            "actions": pagination.items,
            "pagination": pagination,
            "owners": owners,
            "owner": owner,
            "status": status,
            "only_open": only_open,
            "statuses": BoardAction.Status.choices,
            "manage": request.user.has_perm(MANAGE_MEETINGS),
        },
    )

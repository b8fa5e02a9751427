"""The bi-annual evaluation report: requesting it, compiling it, and reviewing it.

Compiling is a background job that is safe to run twice: the report and the
run's "done" mark are written in one transaction, so a worker killed part way
leaves no half-made report, and a redelivered job finishes the run exactly once.
"""

import dataclasses
import datetime
import hashlib
import json
import logging
import threading
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from comparisons.selectors import comparison_snapshot, published_sources
from core.versions import version_claim
from indicators.breakdown_tables import report_breakdowns
from indicators.choices import Frequency, RagStatus
from indicators.models import Figure, PerformanceIndicator, Target
from indicators.periods import Period
from indicators.selectors import in_shown_periods, indicator_statuses
from objectives.models import Action, ActionUpdate, Strategy
from outbox.errors import BROKER_ERRORS, DATABASE_ERRORS, is_transient, plain_reason
from outbox.services import job_schedule
from portal.roles import Role

from .models import BoardSeat, CompileRun, EvaluationReport, IndicatorComment
from .snapshot import (
    ActionEntry,
    Breakdown,
    Comparison,
    Completeness,
    FigureRow,
    GroupFigure,
    Headline,
    IndicatorEntry,
    LatestUpdate,
    ObjectiveEntry,
    ReportSnapshot,
    SnapshotPeriod,
)

logger = logging.getLogger(__name__)


def half_year(start: datetime.date) -> Period:
    return Period(Frequency.HALF_YEARLY, start)


def latest_ended_half_year(today: datetime.date | None = None) -> Period:
    return Period.containing(Frequency.HALF_YEARLY, today or timezone.localdate()).previous()


def report_request(*, strategy: Strategy, period: Period, user=None) -> CompileRun:
    """Ask for a report; while one is queued or running for the period, that one is returned."""
    if period.frequency != Frequency.HALF_YEARLY:
        raise ValidationError("Reports cover a half-year")
    if not period.has_ended(timezone.localdate()):
        raise ValidationError(f"{period.label} has not ended yet")
    existing = CompileRun.objects.filter(
        strategy=strategy, period_start=period.start, status__in=CompileRun.ACTIVE
    )
    run = existing.first()
    if run:
        return run
    try:
        with transaction.atomic():
            run = CompileRun.objects.create(strategy=strategy, period_start=period.start, requested_by=user)
    except IntegrityError:  # someone asked at the same moment; theirs is the one
        return existing.get()
    enqueue_compile(run)
    return run


def enqueue_pdf_render(report: EvaluationReport) -> None:
    """Render the Board paper through the outbox, so a broker outage delays it and never loses it."""
    job_schedule(task="board.tasks.render_report_pdf", arguments={"report_id": report.pk})


def _renderings_refresh(report: EvaluationReport, *, csv: bool = False) -> None:
    """Store the version's body (and CSV) as it now reads, in the caller's transaction."""
    from .renderings import report_renderings_refresh  # it reads the report through selectors, above this

    report_renderings_refresh(report=report, csv=csv)


def enqueue_compile(run: CompileRun) -> None:
    transaction.on_commit(lambda: compile_enqueue(run_id=run.pk))


def compile_enqueue(*, run_id: int, countdown: float = 0) -> bool:
    """Hand the run to the job queue; if the queue is away, the reconciler does it later."""
    from .tasks import compile_evaluation_report

    try:
        compile_evaluation_report.apply_async(kwargs={"run_id": run_id}, countdown=countdown, retry=False)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not queue compile run %s, the reconciler will: %s", run_id, type(error).__name__
        )
        return False
    return True


def report_retry(*, run: CompileRun) -> CompileRun:
    """Start a failed run again."""
    if run.status != CompileRun.Status.FAILED:
        raise ValidationError("Only a failed compilation can be retried")
    return report_request(strategy=run.strategy, period=half_year(run.period_start), user=run.requested_by)


def _is_lost(run: CompileRun, now: datetime.datetime, older_than: datetime.timedelta) -> bool:
    """A running run whose worker stopped beating, or ran past the hard time limit, has lost it."""
    last_sign = run.heartbeat_at or run.started_at
    hard_limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return last_sign is None or last_sign < now - older_than or run.started_at < now - hard_limit


class _Heartbeat:
    """Marks the run as alive every few seconds from its own thread and database connection,
    so the reconciler can tell a working run from one whose worker died."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beat, daemon=True, name=f"compile-heartbeat-{run_id}")

    def beat(self):
        try:
            while not self.stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
                try:
                    CompileRun.objects.filter(pk=self.run_id, status=CompileRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as error:
                    logger.warning("Could not record the heartbeat of run %s: %s", self.run_id, error)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connection

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)


def report_compile(*, run_id: int) -> EvaluationReport | None:
    """Compile the run's report, once. Safe to call again for the same run.

    The run is claimed (attempt number, heartbeat) in a short transaction; the report
    is written and the run marked done in a second one, only if no later attempt has
    taken the run over meanwhile. A transient failure (the database or the job queue
    away) puts the run back in the queue with a growing wait, up to
    ``REPORT_MAX_ATTEMPTS``; the run page says in plain words what failed.
    """
    now = timezone.now()
    with transaction.atomic():
        run = CompileRun.objects.select_for_update().get(pk=run_id)
        if run.status in (CompileRun.Status.DONE, CompileRun.Status.FAILED):
            return run.report
        if run.status == CompileRun.Status.QUEUED and run.retry_at and run.retry_at > now:
            return None  # waiting before trying again: queued again when due
        older_than = datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS)
        if run.status == CompileRun.Status.RUNNING and not _is_lost(run, now, older_than):
            return None  # a live worker is compiling it
        run.status = CompileRun.Status.RUNNING
        run.started_at = run.heartbeat_at = now
        run.retry_at = None
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "heartbeat_at", "retry_at", "attempts"])
    attempt = run.attempts
    try:
        with _Heartbeat(run_id), transaction.atomic():
            run = CompileRun.objects.select_related("strategy").get(pk=run_id)
            period = half_year(run.period_start)
            snapshot = build_snapshot(strategy=run.strategy, period=period)
            run = CompileRun.objects.select_for_update().get(pk=run_id)
            if run.status != CompileRun.Status.RUNNING or run.attempts != attempt:
                return run.report  # a later attempt took the run over
            latest = EvaluationReport.objects.filter(
                strategy=run.strategy, period_start=period.start
            ).aggregate(Max("version"))["version__max"]
            report = EvaluationReport.objects.create(
                strategy=run.strategy,
                period_start=period.start,
                period_end=period.end,
                version=(latest or 0) + 1,
                snapshot=snapshot,
                data_fingerprint=data_fingerprint(strategy=run.strategy, period=period),
                compiled_by=run.requested_by,
            )
            comments_carry_forward(report=report)
            _renderings_refresh(report, csv=True)
            enqueue_pdf_render(report)
            run.status = CompileRun.Status.DONE
            run.report = report
            run.error = ""
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "report", "error", "finished_at"])
            return report
    except Exception as error:
        _compile_failed(run_id=run_id, attempt=attempt, error=error)
        if not is_transient(error):
            raise
        return None


def _compile_failed(*, run_id: int, attempt: int, error: Exception) -> None:
    database = connections["default"]
    if isinstance(error, DATABASE_ERRORS) and not database.in_atomic_block:
        database.close()  # the next query opens a fresh connection
    retry = is_transient(error) and attempt < settings.REPORT_MAX_ATTEMPTS
    reason = plain_reason(error)
    if retry:
        wait = min(settings.REPORT_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1), 3600)
        logger.warning(
            "Compiling report run %s failed on attempt %s, trying again in %ss", run_id, attempt, wait
        )
        CompileRun.objects.filter(pk=run_id, attempts=attempt).update(
            status=CompileRun.Status.QUEUED,
            retry_at=timezone.now() + datetime.timedelta(seconds=wait),
            error=reason,
        )
        compile_enqueue(run_id=run_id, countdown=wait)
        return
    logger.exception("Compiling report run %s failed", run_id)
    CompileRun.objects.filter(pk=run_id, attempts=attempt).update(
        status=CompileRun.Status.FAILED, error=reason, finished_at=timezone.now()
    )


def stuck_runs_requeue(*, older_than: datetime.timedelta | None = None) -> list[int]:
    """Queue again the runs that show no sign of life: queued (or due to try again) for
    longer than ``older_than``, whose message may have been lost or never reached the
    queue, and running ones whose heartbeat stopped that long ago (their worker died).
    It looks at the runs' state, not at when it last ran, so a missed tick is caught up."""
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS)
    now = timezone.now()
    cutoff = now - older_than
    queued = CompileRun.objects.filter(status=CompileRun.Status.QUEUED).filter(
        Q(retry_at__isnull=True, requested_at__lte=cutoff) | Q(retry_at__lte=cutoff)
    )
    stuck = list(queued.values_list("pk", flat=True)) + [
        run.pk
        for run in CompileRun.objects.filter(status=CompileRun.Status.RUNNING)
        if _is_lost(run, now, older_than)
    ]
    for run_id in stuck:
        if not compile_enqueue(run_id=run_id):
            break  # the queue is away: the next tick tries again
    return stuck


def _indicators(strategy: Strategy):
    return PerformanceIndicator.objects.filter(objective__strategy=strategy).select_related(
        "objective", "owner"
    )


# How each kind of fingerprint was made, by its prefix: whether PostgreSQL digested it, and whether
# it covers only the periods the report reads (REPORT_PERIODS) rather than three years of them.
# The unprefixed ones were the first; a stored fingerprint is always compared with one made its way.
DIGESTS = {"v3:": (True, True), "p3:": (False, True), "v2:": (True, False), "": (False, False)}
DIGESTED_IN_DATABASE = "v3:"


def data_fingerprint(*, strategy: Strategy, period: Period, like: str | None = None) -> str:
    """A digest of every figure, target, action and published source the report draws on.

    Read in one query (a union of the five), since each visit to a report page checks it. On
    PostgreSQL the database digests the rows and sends one line; ``like`` (a stored fingerprint)
    asks for a digest made the way that one was, so reports compiled before keep comparing.
    """
    on_postgresql = connection.vendor == "postgresql"
    if like is None:
        prefix = DIGESTED_IN_DATABASE if on_postgresql else "p3:"
    else:
        prefix = next((known for known in DIGESTS if known and like.startswith(known)), "")
    in_database, only_report_periods = DIGESTS[prefix]
    in_database = in_database and on_postgresql
    indicators = _indicators(strategy).values("pk")
    drawn_on = in_shown_periods(
        period.end + datetime.timedelta(days=1), REPORT_PERIODS if only_report_periods else None
    ) & Q(period_end__lte=period.end)

    def tagged(queryset, kind: str, *columns):
        cells = [Cast(column, CharField()) for column in columns] + [Value("")] * (3 - len(columns))
        named = {f"c{i}": cell for i, cell in enumerate(cells)}
        return queryset.order_by().annotate(kind=Value(kind), **named).values_list("kind", *named)

    rows = (
        tagged(Figure.objects.filter(drawn_on, indicator__in=indicators), "figure", "pk", "version")
        .union(
            # Targets as text straight from the database: building a Decimal for each was most of the time.
            tagged(Target.objects.filter(drawn_on, indicator__in=indicators), "target", "pk", "value"),
            tagged(Action.objects.filter(objective__strategy=strategy), "action", "pk", "status"),
            tagged(ActionUpdate.objects.filter(action__objective__strategy=strategy), "update", "pk"),
            tagged(published_sources(), "published", "measure_id", "time_period", "source_file_id"),
            all=True,
        )
        .order_by()
    )
    if in_database:
        sql, params = rows.query.sql_with_params()
        line = "concat_ws(':', drawn.kind, drawn.c0, drawn.c1, drawn.c2)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(DISTINCT {line}, ',' ORDER BY {line}), '')) "  # noqa: S608
                f"FROM ({sql}) AS drawn (kind, c0, c1, c2)",
                params,
            )
            return prefix + cursor.fetchone()[0]
    read = defaultdict(list)
    for kind, *cells in rows:
        read[kind].append(cells)
    parts = {
        "figures": sorted((int(pk), int(version)) for pk, version, _ in read["figure"]),
        "targets": sorted(((int(pk), value) for pk, value, _ in read["target"]), key=lambda row: row[0]),
        "actions": sorted(((int(pk), status) for pk, status, _ in read["action"]), key=lambda row: row[0]),
        "updates": len(read["update"]),
        "published": sorted({tuple(int(cell) for cell in row) for row in read["published"]}),
    }
    encoded = json.dumps(parts, default=str).encode()
    if prefix:  # a shorter digest, so that it fits the field with its prefix
        return prefix + hashlib.blake2b(encoded, digest_size=30).hexdigest()
    return hashlib.sha256(encoded).hexdigest()


def data_changed_since(report: EvaluationReport) -> bool:
    """Whether the figures, targets, actions or published sources changed since the version was compiled."""
    current = data_fingerprint(
        strategy=report.strategy, period=half_year(report.period_start), like=report.data_fingerprint
    )
    return current != report.data_fingerprint


def _number(value) -> str | None:
    return None if value is None else str(value)


# How far back each report chart reaches: eight quarters' worth, or five years.
CHART_PERIODS = {
    Frequency.MONTHLY: 24,
    Frequency.QUARTERLY: 8,
    Frequency.HALF_YEARLY: 4,
    Frequency.ANNUAL: 5,
}


# The periods a report reads of each indicator: its chart's, which hold the half-year, the
# period before it and the year earlier too.
REPORT_PERIODS = {frequency: max(count, 4) for frequency, count in CHART_PERIODS.items()}


def _figure_row(row) -> FigureRow:
    return FigureRow(
        period=row.period.label,
        code=row.period.code,
        value=_number(row.verified_value),
        numerator=_number(row.figure.numerator if row.figure else None),
        denominator=_number(row.figure.denominator if row.figure else None),
        target=_number(row.target),
        rag=row.rag.label,
    )


def _freeze_breakdowns(objectives: list[ObjectiveEntry], frozen: dict, *, references: dict[int, str]) -> None:
    """Give each indicator entry its reporting figure's groups (``frozen`` by indicator id)."""
    by_reference = {references[pk]: breakdowns for pk, breakdowns in frozen.items()}
    for objective in objectives:
        for index, entry in enumerate(objective.indicators):
            if entry.reference in by_reference:
                objective.indicators[index] = dataclasses.replace(
                    entry,
                    breakdowns=[
                        Breakdown(
                            dimension=item.dimension,
                            period=item.period,
                            total=item.total,
                            groups=[GroupFigure(**dataclasses.asdict(group)) for group in item.groups],
                        )
                        for item in by_reference[entry.reference]
                    ],
                )


def build_snapshot(*, strategy: Strategy, period: Period) -> dict:
    """Everything the report shows, frozen at compile time, in the stored shape of `ReportSnapshot`."""
    return snapshot_build(strategy=strategy, period=period).to_stored()


def snapshot_build(*, strategy: Strategy, period: Period) -> ReportSnapshot:
    """Everything the report shows, as typed data frozen at compile time."""
    as_of = period.end + datetime.timedelta(days=1)
    indicators = list(_indicators(strategy))
    statuses = {
        status.indicator.pk: status
        for status in indicator_statuses(indicators, user=None, today=as_of, period_counts=REPORT_PERIODS)
    }
    actions = list(Action.objects.filter(objective__strategy=strategy).select_related("objective", "lead"))
    latest_updates = {}
    for update in ActionUpdate.objects.filter(action__in=actions, as_of__lte=period.end).order_by(
        "as_of", "pk"
    ):
        latest_updates[update.action_id] = update
    # Published comparisons (DfE), for the years ending by the half-year's end.
    compared = comparison_snapshot(indicators, up_to=period.end.year)
    objectives = []
    reporting_figures = []
    completeness = defaultdict(lambda: {"due": 0, "verified": 0})
    headline = defaultdict(int)
    for objective in strategy.objectives.all():
        entries = []
        for indicator in [i for i in indicators if i.objective_id == objective.pk]:
            status = statuses[indicator.pk]
            rows = [row for row in status.rows if period.start <= row.period.end <= period.end]
            if not rows and status.reporting_row:
                rows = [status.reporting_row]  # an annual indicator: its latest year
            reporting = rows[0] if rows else None
            if (
                reporting
                and reporting.figure is not None
                and reporting.figure.pk
                and reporting.figure.is_verified
            ):
                reporting.figure.indicator = indicator  # read again by the breakdowns: no query
                reporting_figures.append(reporting.figure)
            if reporting and reporting.figure:
                data_status = reporting.figure.get_status_display()
            else:
                data_status = "Counted by the portal" if indicator.is_computed else "Not entered"
            if reporting and indicator.owner and not indicator.is_computed:
                completeness[indicator.owner.name]["due"] += 1
                completeness[indicator.owner.name]["verified"] += reporting.verified_value is not None
            latest = status.latest_verified
            rag = status.rag
            rating = latest.rag if latest else RagStatus.NO_DATA
            # The indicator page's words: a submitted figure is "Awaiting verification" and a
            # returned one "Sent back", even once its due date has passed.
            timeliness = status.timeliness
            headline[rag.value] += 1
            comparison = compared.get(indicator.pk)
            entries.append(
                IndicatorEntry(
                    reference=indicator.reference,
                    title=indicator.title,
                    unit=indicator.unit,
                    polarity=indicator.get_polarity_display(),
                    owner=str(indicator.owner or ""),
                    counts_children=indicator.counts_children,
                    rag=rag.value,
                    rag_label=rag.label,
                    trend_previous=status.trend_from_previous.label,
                    trend_year=status.trend_from_year_earlier.label,
                    data_status=data_status,
                    latest_period=latest.period.label if latest else "",
                    rows=[_figure_row(row) for row in reversed(rows)],
                    comparison=Comparison(**comparison) if comparison else None,
                    owner_id=indicator.owner_id,
                    rating=rating.value,
                    rating_label=rating.label,
                    timeliness=timeliness,
                    # Only the chart's periods become rows: building every period's was most of the time.
                    history=[
                        _figure_row(row)
                        for row in [row for row in reversed(status.rows) if row.period.end <= period.end][
                            -CHART_PERIODS.get(indicator.frequency, 8) :
                        ]
                    ],
                )
            )
        action_entries = []
        for action in [a for a in actions if a.objective_id == objective.pk]:
            update = latest_updates.get(action.pk)
            headline["actions"] += 1
            headline["actions_complete"] += action.status == Action.Status.COMPLETE
            action_entries.append(
                ActionEntry(
                    reference=action.reference,
                    text=action.text,
                    lead=str(action.lead or ""),
                    status=action.get_status_display(),
                    due_date=action.due_date.isoformat() if action.due_date else None,
                    overdue=action.is_overdue(today=as_of),
                    latest_update=LatestUpdate(as_of=update.as_of.isoformat(), note=update.note)
                    if update
                    else None,
                )
            )
        objectives.append(
            ObjectiveEntry(
                number=objective.number,
                title=objective.title,
                statement=objective.statement,
                indicators=entries,
                actions=action_entries,
            )
        )
    _freeze_breakdowns(
        objectives,
        report_breakdowns(reporting_figures),
        references={indicator.pk: indicator.reference for indicator in indicators},
    )
    known = {f.name for f in dataclasses.fields(Headline)}
    return ReportSnapshot(
        strategy=str(strategy),
        council=strategy.council,
        period=SnapshotPeriod(
            code=period.code, label=period.label, start=period.start.isoformat(), end=period.end.isoformat()
        ),
        headline=Headline(**{key: value for key, value in headline.items() if key in known}),
        objectives=objectives,
        completeness=[
            Completeness(
                organisation=name,
                due=counts["due"],
                verified=counts["verified"],
                percent=round(100 * counts["verified"] / counts["due"]) if counts["due"] else None,
            )
            for name, counts in sorted(completeness.items())
        ],
    )


REVIEW_STEPS = {
    EvaluationReport.Status.DRAFT: EvaluationReport.Status.SUBMITTED,
    EvaluationReport.Status.SUBMITTED: EvaluationReport.Status.APPROVED,
    EvaluationReport.Status.APPROVED: EvaluationReport.Status.PUBLISHED,
}


class CommentConflict(Exception):
    """Someone else saved this comment since the person opened it."""

    def __init__(self, current_text: str, current_version: int):
        super().__init__("The comment was changed by someone else")
        self.current_text = current_text
        self.current_version = current_version


def missing_exception_comments(report: EvaluationReport) -> list[IndicatorEntry]:
    """The exceptions (off target or worsening) that have no comment yet."""
    written = set(report.indicator_comments.written().values_list("reference", flat=True))
    return [entry for entry in report.data.exceptions if entry.reference not in written]


def _exception_reason(entry: IndicatorEntry) -> str:
    if entry.is_off_target and entry.is_worsening:
        return "off target and worsening"
    return "off target" if entry.is_off_target else "worsening"


def report_authors(report: EvaluationReport) -> set[int]:
    """Everyone who compiled, wrote or submitted the report: none of them may approve it."""
    authors = {report.compiled_by_id, report.commentary_by_id, report.submitted_by_id}
    authors |= set(report.indicator_comments.written().values_list("written_by_id", flat=True))
    return {pk for pk in authors if pk is not None}


def may_approve(user, report: EvaluationReport) -> bool:
    """Another officer, or whoever holds the chair of the Board."""
    if user.has_perm("board.change_evaluationreport"):
        return True
    return BoardSeat.objects.current().filter(strategy=report.strategy, is_chair=True, person=user).exists()


@transaction.atomic
def report_advance(*, report: EvaluationReport, to_status: str, meeting=None, user=None) -> EvaluationReport:
    """Move a report one step along draft → submitted → approved → published."""
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    if REVIEW_STEPS.get(report.status) != to_status:
        raise ValidationError(
            f"This report is {report.get_status_display().lower()}: it cannot be "
            f"{EvaluationReport.Status(to_status).label.lower()} next"
        )
    if to_status == EvaluationReport.Status.SUBMITTED:
        if not report.executive_summary.strip():
            raise ValidationError("Write the executive summary before submitting the report")
        missing = missing_exception_comments(report)
        if missing:
            raise ValidationError(
                "Write a comment on each exception before submitting the report: "
                + "; ".join(
                    f"{entry.reference} {entry.title} ({_exception_reason(entry)})" for entry in missing
                )
            )
        report.submitted_by = user
    if to_status == EvaluationReport.Status.APPROVED:
        if user is not None and not may_approve(user, report):
            raise ValidationError("Only an officer or the Board's chair can approve a report")
        is_author = user is not None and user.pk in report_authors(report)
        if is_author and settings.REPORT_FOUR_EYES:
            raise ValidationError(
                "You compiled or wrote this report, so another officer or the Board's chair approves it"
            )
        report.approved_by = user
        report.approved_by_author = is_author
    report.status = to_status
    if to_status == EvaluationReport.Status.PUBLISHED:
        report.published_at = timezone.now()
        report.meeting = meeting
    report.save()
    _renderings_refresh(report)  # the officer's body offers comment links on a draft only
    if to_status == EvaluationReport.Status.PUBLISHED:
        enqueue_pdf_render(report)
    return report


def _check_version(expected: int | None, current: int, text: str) -> None:
    if expected is not None and expected != current:
        raise CommentConflict(current_text=text, current_version=current)


@transaction.atomic
def report_commentary_save(
    *,
    report: EvaluationReport,
    executive_summary: str,
    commentary: dict,
    user=None,
    expected_version: int | None = None,
) -> EvaluationReport:
    """Save the executive summary and each objective's commentary of a draft report.

    EditConflict if someone saved it since ``expected_version``.
    """
    current = version_claim(report, expected_version=expected_version)
    if current.status not in (EvaluationReport.Status.DRAFT,):
        raise ValidationError("Only a draft report's commentary can be changed")
    report.executive_summary = executive_summary.strip()
    report.commentary = {str(number): text.strip() for number, text in commentary.items() if text.strip()}
    report.commentary_by = user
    report.save(update_fields=["executive_summary", "commentary", "commentary_by", "edit_version"])
    _renderings_refresh(report)
    return report


def may_comment(user, report: EvaluationReport, entry: IndicatorEntry) -> bool:
    """The officer, or a contributor of the owning organisation once the officer has invited them."""
    if not report.is_draft:
        return False
    if user.has_perm("board.change_evaluationreport"):
        return True
    return (
        report.contributors_invited
        and entry.owner_id is not None
        and getattr(user, "organisation_id", None) == entry.owner_id
        and Role.CONTRIBUTOR in user.roles
    )


@transaction.atomic
def indicator_comment_save(
    *, report: EvaluationReport, reference: str, text: str, user, expected_version: int | None
) -> IndicatorComment:
    """Save the comment on one indicator's row, refusing a concurrent edit."""
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    entry = next((entry for entry in report.data.indicators if entry.reference == reference), None)
    if entry is None:
        raise ValidationError("This report has no such indicator")
    if not may_comment(user, report, entry):
        raise ValidationError("Only a draft report's comments can be changed")
    comment = IndicatorComment.objects.select_for_update().filter(report=report, reference=reference).first()
    if comment is None:
        if expected_version not in (None, 0):
            raise CommentConflict(current_text="", current_version=0)
        comment = IndicatorComment(report=report, reference=reference, version=0)
    else:
        _check_version(expected_version, comment.version, comment.text)
    comment.text = text.strip()
    comment.written_by = user
    comment.updated_at = timezone.now()
    comment.version += 1
    comment.full_clean()
    comment.save()
    _renderings_refresh(report)
    return comment


def report_invite_contributors(*, report: EvaluationReport, invited: bool) -> EvaluationReport:
    """Let (or stop) the owning organisations' contributors comment on their indicators' rows."""
    if not report.is_draft:
        raise ValidationError("Only a draft report's comments can be changed")
    report.contributors_invited = invited
    report.save(update_fields=["contributors_invited"])
    return report


def comments_carry_forward(*, report: EvaluationReport) -> None:
    """Start a new version from the previous version's words, as a draft to revise."""
    previous = (
        EvaluationReport.objects.filter(
            strategy=report.strategy, period_start=report.period_start, version__lt=report.version
        )
        .order_by("-version")
        .defer("snapshot")  # its words are carried forward, not its figures
        .first()
    )
    if previous is None:
        return
    references = {entry.reference for entry in report.data.indicators}
    IndicatorComment.objects.bulk_create(
        [
            IndicatorComment(
                report=report, reference=comment.reference, text=comment.text, written_by=comment.written_by
            )
            for comment in previous.indicator_comments.written()
            if comment.reference in references
        ]
    )
    report.executive_summary = previous.executive_summary
    report.commentary = previous.commentary
    report.commentary_by = previous.commentary_by
    report.contributors_invited = previous.contributors_invited
    report.save(update_fields=["executive_summary", "commentary", "commentary_by", "contributors_invited"])

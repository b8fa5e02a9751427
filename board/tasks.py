from celery import shared_task

from .reports import latest_ended_half_year, report_compile, report_request, stuck_runs_requeue


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_evaluation_report(*, run_id: int) -> int | None:
    report = report_compile(run_id=run_id)
    return report.pk if report else None


@shared_task
def requeue_stuck_reports() -> list[int]:
    return stuck_runs_requeue()


@shared_task
def request_half_year_report() -> int | None:
    """After each half-year ends, ask for its report (once: a done report is not compiled again)."""
    from objectives.models import Strategy

    from .models import EvaluationReport

    strategy = Strategy.objects.current()
    period = latest_ended_half_year()
    if (
        strategy is None
        or EvaluationReport.objects.filter(strategy=strategy, period_start=period.start).exists()
    ):
        return None
    return report_request(strategy=strategy, period=period).pk


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300)
def render_report_pdf(*, report_id: int) -> int:
    from .papers import report_pdf_render

    return report_pdf_render(report_id=report_id).pk

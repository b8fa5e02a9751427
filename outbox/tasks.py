from celery import shared_task

from .services import job_run, jobs_reconcile


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_outbox_job(*, job_id: int) -> str:
    return job_run(job_id=job_id)


@shared_task
def reconcile_outbox() -> list[int]:
    return jobs_reconcile()

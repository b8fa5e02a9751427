from celery import shared_task

from .imports import import_failed, import_run
from .reminders import overdue_reminders_send


@shared_task(acks_late=True)
def send_overdue_reminders() -> int:
    return overdue_reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600)
def import_figures(*, upload_id: int) -> str:
    try:
        return import_run(upload_id=upload_id).state
    except Exception:
        import_failed(upload_id=upload_id)
        raise

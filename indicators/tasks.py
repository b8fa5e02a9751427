from smtplib import SMTPException

from celery import shared_task

from .imports import import_failed, import_run
from .notifications import organisation_reminder_send, reopen_request_notify, sent_back_notify
from .reminders import overdue_reminders_send
from .states import indicator_states_refresh_all


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


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=60, max_retries=5)
def notify_sent_back(*, change_id: int) -> int:
    return sent_back_notify(change_id=change_id)


@shared_task(acks_late=True)
def send_organisation_reminder(*, reminder_id: int) -> int:
    return organisation_reminder_send(reminder_id=reminder_id)


@shared_task(acks_late=True, time_limit=900)
def refresh_indicator_states() -> int:
    """Idempotent: a second run the same day finds the states already current."""
    return indicator_states_refresh_all()


@shared_task(acks_late=True)
def notify_reopen_request(*, request_id: int) -> int:
    return reopen_request_notify(request_id=request_id)

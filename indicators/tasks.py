from celery import shared_task

from .reminders import overdue_reminders_send


@shared_task(acks_late=True)
def send_overdue_reminders() -> int:
    return overdue_reminders_send()

from smtplib import SMTPException

from celery import shared_task

from .services import due_newsletters_publish, feedback_contacts_erase, newsletter_deliver


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def deliver_newsletter(*, newsletter_id: int) -> int:
    return newsletter_deliver(newsletter_id=newsletter_id)


@shared_task
def publish_due_newsletters() -> list[int]:
    return due_newsletters_publish()


@shared_task
def erase_expired_feedback_contacts() -> int:
    return feedback_contacts_erase()

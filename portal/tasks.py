from celery import shared_task

from .services import password_reset_email_send


@shared_task(acks_late=True)
def send_password_reset_email(*, user_id: int, domain: str, use_https: bool) -> None:
    password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)

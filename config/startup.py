"""Checks made when a process that serves people starts: the web server, a worker, beat."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MESSAGE = (
    "Set the SECRET_KEY environment variable to a random value of at least 50 characters "
    '(for example the output of: python -c "import secrets; print(secrets.token_urlsafe(50))"), '
    "or set DEBUG=true for local development."
)


def is_insecure_secret_key(key: str) -> bool:
    """Mirror Django's own deploy check: long, varied and not a generated placeholder."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def require_secure_secret_key() -> None:
    """With DEBUG off, refuse to start on a missing or insecure secret key."""
    if not settings.DEBUG and is_insecure_secret_key(settings.SECRET_KEY):
        raise ImproperlyConfigured(SECRET_KEY_MESSAGE)

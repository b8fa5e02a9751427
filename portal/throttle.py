"""Limits on failed sign-ins, per account and per network address.

Counts live in the database (limits app), so every web server shares them and a
Redis outage does not stop anyone signing in. The message never says whether the
account exists.
"""

import hashlib

from django.conf import settings

from limits.services import count_add, count_clear, count_current

TOO_MANY_ATTEMPTS = (
    "Too many failed attempts to sign in. Wait {minutes} minutes and try again, or reset your password."
)


def _keys(username: str, address: str) -> list[str]:
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return [f"sign-in-failures:account:{account}", f"sign-in-failures:address:{address}"]


def is_locked(*, username: str, address: str) -> bool:
    return any(count_current(key=key) >= settings.SIGN_IN_MAX_FAILURES for key in _keys(username, address))


def record_failure(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        count_add(key=key, window_seconds=settings.SIGN_IN_LOCKOUT_SECONDS)


def clear_account(*, username: str) -> None:
    count_clear(key=_keys(username, "")[0])


def lockout_message() -> str:
    return TOO_MANY_ATTEMPTS.format(minutes=settings.SIGN_IN_LOCKOUT_SECONDS // 60)

"""Which failures are worth another try, and how to say what failed in plain words."""

import smtplib

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# The broker could not be reached, so a message could not be queued.
BROKER_ERRORS = (
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)
DATABASE_ERRORS = (DatabaseOperationalError, DatabaseInterfaceError)
MAIL_ERRORS = (smtplib.SMTPException,)
# A later try may well work: the database, the broker or the mail service was away.
TRANSIENT_ERRORS = DATABASE_ERRORS + BROKER_ERRORS + MAIL_ERRORS + (OSError,)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT_ERRORS)


def plain_reason(error: BaseException) -> str:
    """What failed, for the people who read the run's page: never the driver's own text."""
    if isinstance(error, DATABASE_ERRORS):
        return "The connection to the database was lost."
    if isinstance(error, BROKER_ERRORS):
        return "The job queue (Redis) could not be reached."
    if isinstance(error, MAIL_ERRORS):
        return "The mail service refused or dropped the email."
    if isinstance(error, OSError):
        return "A network connection failed."
    return f"An unexpected error in the portal ({type(error).__name__})."

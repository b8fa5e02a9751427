"""The data version: moved on by every committed write, read once by each page that keeps parts.

Each database connection gets an execute wrapper that notices statements which change data
(INSERT, UPDATE, DELETE, TRUNCATE). Inside a transaction the version moves when it commits;
outside one, straight after the statement. A rolled-back transaction moves nothing, and no
page keeps a part rendered while its own connection holds writes not yet committed.

Writes to sessions are left out: every signed-in request renews its session, and no page shows one.
While migrations run, nothing is watched (the version's own table may not exist yet); the version
moves when they finish, if any were applied.
"""

import logging
import re
import uuid

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

UNWATCHED_TABLES = ("django_session", "caching_dataversion")
ROW_ID = 1


class Watching:
    paused_for_migrations = False


def migrations_started(**kwargs) -> None:
    Watching.paused_for_migrations = True


def migrations_finished(*, using: str = "default", plan=None, **kwargs) -> None:
    Watching.paused_for_migrations = False
    if plan:  # a `migrate` with nothing to apply changes nothing
        version_move(using=using)


def watch_for_writes(sender, connection, **kwargs) -> None:
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(connection.alias))


WRITTEN_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def is_write(sql: str) -> bool:
    """Whether the statement changes data a page may show. Emptying tables (as a test's flush
    does) always counts, whatever tables it names."""
    if sql.lstrip()[:8].upper() == "TRUNCATE":
        return True
    written = WRITTEN_TABLE.match(sql)
    return written is not None and written.group(1) not in UNWATCHED_TABLES


class WriteWatcher:
    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and not Watching.paused_for_migrations and is_write(sql):
            connection = connections[self.alias]
            if connection.in_atomic_block:
                if not has_uncommitted_writes(self.alias):
                    transaction.on_commit(_version_move_after_commit, using=self.alias)
            else:
                version_move(using=self.alias)
        return result


def _version_move_after_commit() -> None:
    version_move()


def has_uncommitted_writes(using: str = "default") -> bool:
    """True while this connection's open transaction has written and not yet committed."""
    pending = connections[using].run_on_commit
    return any(callback is _version_move_after_commit for _, callback, _ in pending)


def version_move(*, using: str = "default") -> None:
    token = uuid.uuid4().hex
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "INSERT INTO caching_dataversion (id, token, changed_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET token = excluded.token, changed_at = excluded.changed_at",
                [ROW_ID, token, timezone.now()],
            )
    except DatabaseError:
        # Without the table (before its migration) nothing can be kept either: see version_current.
        logger.warning("The data version could not be moved on", exc_info=True)


def version_current(*, using: str = "default") -> str | None:
    """The token parts are kept under now, or None when no part may be kept or served: the
    connection holds uncommitted writes, or the version is not known."""
    if has_uncommitted_writes(using):
        return None
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT token FROM caching_dataversion WHERE id = %s", [ROW_ID])
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("The data version could not be read", exc_info=True)
        return None
    return row[0] if row else None

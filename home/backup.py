"""Back up everything the portal holds into one file, and restore it into an empty database.

The file is a zip: ``manifest.json`` (when, which migrations, how many rows of
each model), ``data.json`` (every table, primary keys kept, so links, history and
the audit log come back exactly) and ``media/`` (uploaded board papers). Sessions
are left out: people sign in again after a restore.

On PostgreSQL the backup also holds each table in PostgreSQL's COPY format
(``tables/<table>.copy``), and a restore into PostgreSQL loads those in bulk,
streamed from the zip in bounded memory, at the database's own speed; a restore
into SQLite reads ``data.json``.
"""

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit import context as audit

# Sessions (people sign in again) and the data version, which a restore moves on (see caching).
LEFT_OUT = ["sessions", "caching"]
# JSON that keeps times to the microsecond (home/backup_format.py, registered in settings).
FORMAT = "backupjson"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def copied_tables() -> dict[str, list[str]]:
    """Every table the backup copies, many-to-many tables included, with its columns."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in LEFT_OUT or not model._meta.managed or model._meta.proxy:
            continue
        tables[model._meta.db_table] = [field.column for field in model._meta.local_concrete_fields]
    return dict(sorted(tables.items()))


def _copy_statement(connection, table: str, columns: list[str], direction: str) -> str:
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(table)} ({column_list}) {direction}"


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in LEFT_OUT and model._meta.managed and not model._meta.proxy
    }


def stored_files() -> list[str]:
    def walk(folder: str):
        directories, files = default_storage.listdir(folder)
        for name in files:
            yield f"{folder}/{name}" if folder else name
        for directory in directories:
            yield from walk(f"{folder}/{directory}" if folder else directory)

    try:
        return sorted(walk(""))
    except FileNotFoundError:
        return []


def backup_write(*, path: Path) -> dict:
    """Write a backup of the whole portal to ``path``; return its manifest."""
    with tempfile.NamedTemporaryFile(suffix=f".{FORMAT}") as dump, transaction.atomic():
        # One snapshot for every table and count, however busy the portal is meanwhile.
        one_snapshot()
        call_command(
            "dumpdata", exclude=LEFT_OUT, format=FORMAT, natural_foreign=False, output=dump.name, verbosity=0
        )
        files = stored_files()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "migrations": applied_migrations(),
            "rows": row_counts(),
            "files": files,
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump.name, "data.json")
            if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
                manifest["tables"] = tables_copy_out(archive)
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
            for name in files:
                with default_storage.open(name) as stored:
                    archive.writestr(f"media/{name}", stored.read())
    return manifest


def tables_copy_out(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Write each table in COPY format into the zip, streamed, in the current snapshot."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = copied_tables()
    with connection.cursor() as cursor:
        for table, columns in tables.items():
            with archive.open(f"tables/{table}.copy", "w", force_zip64=True) as stream:
                cursor.cursor.copy_expert(_copy_statement(connection, table, columns, "TO STDOUT"), stream)
    return tables


def tables_copy_in(archive: zipfile.ZipFile, tables: dict[str, list[str]]) -> None:
    """Load each table from the zip with COPY, streamed. Foreign keys are checked when the
    transaction commits (Django makes them deferrable), so the order does not matter."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for table, columns in tables.items():
            with archive.open(f"tables/{table}.copy") as stream:
                cursor.cursor.copy_expert(_copy_statement(connection, table, columns, "FROM STDIN"), stream)
        # Sequences carry on after the restored keys.
        models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def one_snapshot() -> None:
    """Make the current transaction read a single snapshot of the database.

    PostgreSQL's default (read committed) lets each query see rows committed since
    the last, so a sign-in during a backup would make the counts disagree with the
    rows. SQLite's transactions already read one snapshot.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def holds_records() -> bool:
    User = apps.get_model("portal", "User")
    Strategy = apps.get_model("objectives", "Strategy")
    return User.objects.exists() or Strategy.objects.exists()


def backup_restore(*, path: Path, replace: bool = False) -> dict:
    """Restore a backup. The database must hold no people or strategy unless ``replace``."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{path} is not a portal backup: {error}") from None
    with archive:
        names = set(archive.namelist())
        if not {"manifest.json", "data.json"} <= names:
            raise BackupError(f"{path} is not a portal backup: it has no manifest.json and data.json")
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"This backup's format ({manifest.get('format')}) is not one this portal reads")
        if manifest["migrations"] != applied_migrations():
            raise BackupError(
                "The backup was made by a different version of the portal: its database migrations differ. "
                "Restore it with the version that made it, then upgrade."
            )
        if holds_records() and not replace:
            raise BackupError(
                "The database already holds people or a strategy: restore only into an empty one"
            )
        in_bulk = connections[DEFAULT_DB_ALIAS].vendor == "postgresql" and manifest.get("tables")
        if in_bulk and manifest["tables"] != copied_tables():
            raise BackupError(
                "The backup's tables differ from this portal's: restore it with the version that made it"
            )
        with tempfile.TemporaryDirectory() as folder, transaction.atomic(), audit.paused():
            # Empty every table, without re-creating the roles and permissions that
            # migrate makes: the backup holds them, with the same keys.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            if in_bulk:
                tables_copy_in(archive, manifest["tables"])
            else:
                data = Path(folder) / f"data.{FORMAT}"
                with archive.open("data.json") as source, data.open("wb") as target:
                    shutil.copyfileobj(source, target)
                call_command("loaddata", str(data), verbosity=0)
            restored = row_counts()
            if restored != manifest["rows"]:
                raise BackupError(f"The restored rows do not match the backup's counts: {restored}")
        for name in manifest["files"]:
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(archive.read(f"media/{name}")))
    return manifest


def backup_summary(manifest: dict) -> str:
    rows = sum(manifest["rows"].values())
    return f"{rows} rows in {len(manifest['rows'])} tables and {len(manifest['files'])} files"

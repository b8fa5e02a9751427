"""Backing up the portal and restoring it into an empty database, with nothing lost."""

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEntry
from board.models import Meeting
from home.backup import LEFT_OUT
from objectives.models import Strategy

from . import factories


def everything() -> dict[str, str]:
    """Every row of every table, serialised, keyed by model."""
    return {
        model._meta.label: serializers.serialize("backupjson", model._base_manager.order_by("pk"))
        for model in apps.get_models()
        if model._meta.app_label not in LEFT_OUT and model._meta.managed and not model._meta.proxy
    }


def first_difference(before: dict, after: dict, label: str) -> str:
    rows_before, rows_after = json.loads(before[label]), json.loads(after[label])
    changed = [(old, new) for old, new in zip(rows_before, rows_after, strict=False) if old != new]
    return f"{label}: {len(rows_before)} rows before, {len(rows_after)} after; first change {changed[:1]}"


def stored_papers() -> dict[str, bytes]:
    from home.backup import stored_files

    return {name: default_storage.open(name).read() for name in stored_files()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_nothing_lost(tmp_path, capsys):
    call_command("load_demo", "--force", verbosity=0)
    meeting = Meeting.objects.order_by("date").first()
    factories.paper_for(meeting)
    factories.authenticator_for(factories.UserFactory(username="otto"))
    before, papers = everything(), stored_papers()
    assert papers and AuditEntry.objects.exists() and Strategy.objects.exists()

    call_command("backup", str(tmp_path / "portal.zip"))
    assert "Backed up" in capsys.readouterr().out

    # A new server: a freshly emptied database (with the roles migrate makes) and no files.
    call_command("flush", interactive=False, verbosity=0)
    for name in papers:
        default_storage.delete(name)
    assert not Strategy.objects.exists() and not stored_papers()

    call_command("restore", str(tmp_path / "portal.zip"))
    after = everything()
    differing = [label for label in before if before[label] != after[label]]
    assert differing == [], first_difference(before, after, differing[0])
    assert stored_papers() == papers

    # The restored portal carries on: new records get new keys, and are audited.
    factories.OrganisationFactory(name="Youth Offending Team", key="yot")
    assert AuditEntry.objects.latest("pk").object_repr == "Youth Offending Team"


@pytest.mark.django_db(transaction=True)
def test_restoring_over_a_portal_in_use_is_refused(tmp_path, officer, demo_strategy):
    call_command("backup", str(tmp_path / "portal.zip"))
    with pytest.raises(CommandError, match="restore only into an empty one"):
        call_command("restore", str(tmp_path / "portal.zip"))
    assert Strategy.objects.count() == 1


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, db):
    not_a_backup = tmp_path / "notes.zip"
    not_a_backup.write_text("just some text")
    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", str(not_a_backup))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite allows one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_records_added_while_a_backup_runs_do_not_spoil_it(tmp_path, officer, demo_strategy):
    from django.db import connections

    from home import backup

    real_row_counts = backup.row_counts

    def a_sign_in_fails_meanwhile():
        # Another connection, as another web server would use, commits a row mid-backup.
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditentry (at, event, actor_name, object_type, object_id, object_repr,"
                " changes, detail) VALUES (CURRENT_TIMESTAMP, 'sign_in_failed', 'anonymous', '', '', '',"
                " '{}', 'meanwhile')"
            )
        other.close()
        return real_row_counts()

    backup.row_counts = a_sign_in_fails_meanwhile
    try:
        call_command("backup", str(tmp_path / "portal.zip"))
    finally:
        backup.row_counts = real_row_counts
    assert AuditEntry.objects.filter(detail="meanwhile").exists()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(tmp_path / "portal.zip"))
    assert Strategy.objects.count() == 1 and not AuditEntry.objects.filter(detail="meanwhile").exists()

"""Migrating a loaded portal to the current layout keeps every row as it was.

The layout of the packages (config, core, home) moved code, never a model: no table is
created, renamed or copied. The test loads the demo into a database at the schema every app
had before the move and proves that `migrate` then changes no row, by comparing every table's
rows, value by value, before and after.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

# The newest migration of each app before the layers were introduced.
SCHEMA_BEFORE_THE_LAYERS = {
    ("portal", "0001_initial"),
    ("objectives", "0002_action_progress"),
    ("indicators", "0008_alter_performanceindicator_computation"),
    ("board", "0004_meeting_records"),
    ("comparisons", "0001_initial"),
    ("audit", "0002_entries_cannot_be_changed_in_postgresql"),
    ("communications", "0002_feedback_counted_as_consultation"),
}


def every_row() -> dict[str, list[tuple]]:
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_the_schema_before_the_layers_is_in_the_migration_history():
    graph = MigrationExecutor(connection).loader.graph
    assert set(graph.nodes) >= SCHEMA_BEFORE_THE_LAYERS


def test_migrating_the_loaded_demo_keeps_every_row():
    call_command("load_demo", password="a-demo-password-for-tests", force=True, verbosity=0)
    executor = MigrationExecutor(connection)
    applied = set(executor.loader.applied_migrations)
    assert applied >= SCHEMA_BEFORE_THE_LAYERS
    before = every_row()
    assert sum(len(rows) for rows in before.values()) > 1000  # the demo is really there

    call_command("migrate", verbosity=0)

    after = every_row()
    assert {table: len(rows) for table, rows in after.items()} == {
        table: len(rows) for table, rows in before.items()
    }
    assert after == before

"""Migrating the test database back to a migration and forward again, for
the tests of the migrations that fill stored columns."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_back(target: list[tuple[str, str]]):
    """Migrate back to ``target``; the models as they stood there."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

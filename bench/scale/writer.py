"""Bulk writes that keep the ids the generator chose.

PostgreSQL gets COPY (psycopg 3); other databases get batched parameterised
INSERTs. Either way rows go in as generated, with explicit primary keys, so
children can point at parents without reading them back, and the same seed
gives the same rows on every backend.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models, transaction

INSERT_BATCH = 2000


class TableWriter:
    def __init__(self, using: str = "default") -> None:
        self.using = using
        self.connection = connections[using]
        self.use_copy = self.connection.vendor == "postgresql"
        self.written: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def write(
        self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Any]
    ) -> int:
        """Write ``rows`` (tuples in the order of ``fields``) in one transaction."""
        meta = model._meta
        concrete = [meta.get_field(name) for name in fields]
        quote = self.connection.ops.quote_name
        table = quote(meta.db_table)
        columns = ", ".join(quote(field.column) for field in concrete)
        count = 0
        started = time.monotonic()
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            if self.use_copy:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                preps = [self._prep(field) for field in concrete]
                marks = ", ".join(["%s"] * len(concrete))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                batch: list[tuple] = []
                for row in rows:
                    batch.append(tuple(p(v) for p, v in zip(preps, row, strict=True)))
                    if len(batch) >= INSERT_BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch.clear()
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.written[meta.db_table] = self.written.get(meta.db_table, 0) + count
        self.seconds[meta.db_table] = self.seconds.get(meta.db_table, 0) + (
            time.monotonic() - started
        )
        return count

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def reset_sequences(self, model_list: Sequence[type[models.Model]]) -> None:
        """Point each table's id sequence past the ids written explicitly."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _prep(self, field: models.Field):
        connection = self.connection

        def prep(value: Any) -> Any:
            if value is None:
                return None
            return field.get_db_prep_value(value, connection, prepared=False)

        return prep

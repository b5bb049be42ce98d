"""Move a whole forum into an empty database (SQLite → PostgreSQL, typically).

Every table is copied row by row in primary-key order with its ids; PostgreSQL's
sequences are then moved past the highest id; at the end each table's row count and
checksum (forum/ops/fingerprint.py) must match the source's, or the command fails.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select, text

from ..errors import ValidationFailed
from ..extensions import db
from .backup import Progress, _noop, refuse_non_empty
from .fingerprint import _order, copied_tables, fingerprints

BATCH = 500


@dataclass
class MigrationDone:
    tables: dict[str, int] = field(default_factory=dict)  # name -> rows copied
    mismatches: list[str] = field(default_factory=list)


def _count(connection, table: Table) -> int:
    return connection.execute(select(func.count()).select_from(table)).scalar()


def _alembic_table(metadata: MetaData) -> Table:
    return Table("alembic_version", metadata,
                 Column("version_num", String(32), primary_key=True, nullable=False))


def migrate_data(source, target_url: str, progress: Progress = _noop,
                 after_copy: Callable | None = None) -> MigrationDone:
    """Copy every row from the `source` engine into the empty database at `target_url`.

    `after_copy(target_engine)` runs before the check (the CLI rebuilds the search index
    there). Raises ValidationFailed when the target is not empty or a table differs.
    """
    target = create_engine(target_url)
    try:
        if target.url == source.url:
            raise ValidationFailed([("to", "The target is the database this forum runs on.")])
        refuse_non_empty(target)
        tables = copied_tables(source)
        db.metadata.create_all(target)
        if any(t.name == "alembic_version" for t in tables):
            _alembic_table(MetaData()).create(target, checkfirst=True)
        with source.connect() as reading:
            total = sum(_count(reading, t) for t in tables)
            done = 0
            progress(done, total)
            with target.begin() as writing:
                for table in tables:
                    rows = reading.execute(select(*table.columns).order_by(*_order(table)))
                    while batch := rows.fetchmany(BATCH):
                        writing.execute(insert(table), [row._asdict() for row in batch])
                        done += len(batch)
                        progress(done, total)
                if target.dialect.name == "postgresql":
                    _move_sequences(writing, tables)
        if after_copy is not None:
            after_copy(target)
        result = MigrationDone()
        before = fingerprints(source, tables)
        after = fingerprints(target, tables)
        for name, (count, _digest) in before.items():
            result.tables[name] = count
            if after.get(name) != before[name]:
                result.mismatches.append(name)
        if result.mismatches:
            raise ValidationFailed([("to", "These tables differ after the copy: "
                                           + ", ".join(result.mismatches))])
        return result
    finally:
        target.dispose()


def _move_sequences(connection, tables: list[Table]) -> None:
    """Next ids continue after the copied ones (inserting explicit ids leaves them at 1)."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": f'"{table.name}"', "c": key[0].name}).scalar()
        if sequence is None:
            continue
        connection.execute(text(
            f'SELECT setval(:s, COALESCE((SELECT MAX("{key[0].name}") FROM "{table.name}"), 1), '
            f'(SELECT COUNT(*) FROM "{table.name}") > 0)'), {"s": sequence})

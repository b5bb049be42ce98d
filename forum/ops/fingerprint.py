"""Row counts and checksums of every table, comparable across SQLite and PostgreSQL."""
import enum
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import MetaData, Table, inspect, select

from ..extensions import db


def normal(value):
    """One spelling per value, whichever database returned it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, enum.Enum):
        return normal(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite keeps no offset; the forum stores UTC only
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def copied_tables(engine) -> list[Table]:
    """The forum's tables (models first, in dependency order) plus alembic_version."""
    tables = list(db.metadata.sorted_tables)
    if inspect(engine).has_table("alembic_version"):
        tables.append(Table("alembic_version", MetaData(), autoload_with=engine))
    return tables


def _order(table: Table):
    return list(table.primary_key.columns) or list(table.columns)


def fingerprint(connection, table: Table) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    result = connection.execute(select(*table.columns).order_by(*_order(table)))
    for row in result:
        digest.update(json.dumps([normal(v) for v in row], default=str).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def fingerprints(engine, tables: list[Table] | None = None) -> dict[str, tuple[int, str]]:
    tables = tables if tables is not None else copied_tables(engine)
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {t.name: fingerprint(connection, t) for t in tables if t.name in present}

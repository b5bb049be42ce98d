"""Backups that restore: a consistent copy while the forum runs, and its way back.

SQLite: the online backup API (a snapshot even while others write). PostgreSQL:
`pg_dump --format=custom`, restored with `pg_restore`. A restore goes only into an empty
database (no rows in any table), so it can never overwrite a forum by mistake.
"""
import re
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, table

from ..errors import ValidationFailed
from ..extensions import db

# progress(done, total): the CLI's progress bar.
Progress = Callable[[int, int], None]
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
PAGES_PER_STEP = 256


@dataclass(frozen=True)
class BackupDone:
    path: Path
    kind: str  # "sqlite" | "postgresql"
    size: int


def _libpq_url(engine) -> str:
    """What pg_dump/pg_restore understand: postgresql://…, without the +driver."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def rows_anywhere(engine) -> list[str]:
    """The forum's tables that hold at least one row (a search index's own bookkeeping,
    such as SQLite FTS5's shadow tables, does not count)."""
    present = set(inspect(engine).get_table_names())
    names = [name for name in db.metadata.tables if name in present]
    with engine.connect() as connection:
        return [name for name in names
                if connection.execute(select(func.count()).select_from(table(name))).scalar()]


def refuse_non_empty(engine) -> None:
    full = rows_anywhere(engine)
    if full:
        raise ValidationFailed([("database", (
            f"The target database is not empty ({', '.join(sorted(full)[:5])}"
            f"{' …' if len(full) > 5 else ''} hold rows): restore only into an empty one, "
            "so that no forum is overwritten by mistake."))])


def _noop(_done: int, _total: int) -> None:
    pass


def backup(engine, path: Path, progress: Progress = _noop) -> BackupDone:
    """A consistent copy of the whole database in `path` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise ValidationFailed([("path", f"{path} exists already: choose a new file name.")])
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_backup(engine, path, progress)
    elif engine.dialect.name == "postgresql":
        _pg_dump(engine, path, progress)
    else:
        raise ValidationFailed([("database", f"No backup for {engine.dialect.name}.")])
    return BackupDone(path=path, kind=engine.dialect.name, size=path.stat().st_size)


def _sqlite_backup(engine, path: Path, progress: Progress) -> None:
    def step(_status, remaining, total):
        progress(total - remaining, total)

    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            raw.driver_connection.backup(target, pages=PAGES_PER_STEP, progress=step)
        finally:
            target.close()
    finally:
        raw.close()


def _run_with_progress(command: list[str], pattern: re.Pattern, total: int,
                       progress: Progress) -> None:
    """Run pg_dump/pg_restore --verbose, counting the tables it reports on stderr."""
    done = 0
    progress(0, total)
    lines = []
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as process:
        for line in process.stderr:
            lines.append(line)
            if pattern.search(line):
                done += 1
                progress(min(done, total), total)
    if process.returncode != 0:
        errors = [line.strip() for line in lines if "error" in line.lower()] or lines[-5:]
        raise ValidationFailed([("database", f"{command[0]} failed: " + " ".join(errors)[:2000])])
    progress(total, total)


def _pg_dump(engine, path: Path, progress: Progress) -> None:
    total = max(len(inspect(engine).get_table_names()), 1)
    _run_with_progress(
        ["pg_dump", "--format=custom", "--verbose", "--no-owner", "--no-privileges",
         f"--file={path}", f"--dbname={_libpq_url(engine)}"],
        re.compile(r"dumping contents of table"), total, progress)


def backup_kind(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise ValidationFailed([("path", f"{path} is not a forum backup (SQLite file or "
                                     "pg_dump custom format).")])


def restore(engine, path: Path, progress: Progress = _noop) -> str:
    """Put the backup in `path` into the (empty) database of `engine`."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed([("path", f"No backup at {path}.")])
    kind = backup_kind(path)
    if kind != engine.dialect.name:
        raise ValidationFailed([("path", (
            f"{path} is a {kind} backup but this forum runs on {engine.dialect.name}. "
            "Restore it into a forum on the same database, then move it with "
            "`flask --app forum migrate-data --to URL`."))])
    refuse_non_empty(engine)
    if kind == "sqlite":
        _sqlite_restore(engine, path, progress)
    else:
        _pg_restore(engine, path, progress)
    return kind


def _sqlite_restore(engine, path: Path, progress: Progress) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ValidationFailed([("path", f"{path} is damaged (SQLite quick_check).")])
        raw = engine.raw_connection()
        try:
            source.backup(raw.driver_connection, pages=PAGES_PER_STEP,
                          progress=lambda _s, remaining, total: progress(total - remaining, total))
        finally:
            raw.close()
    finally:
        source.close()


def _pg_restore(engine, path: Path, progress: Progress) -> None:
    listing = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True,
                             text=True, check=False)
    if listing.returncode != 0:
        raise ValidationFailed([("path", f"{path} is unreadable: {listing.stderr.strip()}")])
    total = max(sum(" TABLE DATA " in line for line in listing.stdout.splitlines()), 1)
    # --clean: the empty tables a fresh `db upgrade` may have made give way to the backup's.
    _run_with_progress(
        ["pg_restore", "--verbose", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--exit-on-error", "--single-transaction", f"--dbname={_libpq_url(engine)}", str(path)],
        re.compile(r"processing data for table"), total, progress)
    engine.dispose()  # pooled connections may have cached the tables that were replaced

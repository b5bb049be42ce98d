"""`flask --app forum backup PATH`, `restore PATH` and `migrate-data --to URL`."""
from pathlib import Path

import click
from flask import current_app

from ..errors import ValidationFailed
from ..extensions import db
from .backup import backup, restore
from .migrate import migrate_data


class _ProgressBar:
    """A click progress bar driven by a service's progress(done, total) callback."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        if isinstance(exc_info[1], ValidationFailed):
            for _, message in exc_info[1].errors:
                click.echo(message, err=True)
            raise SystemExit(1)
        return False


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """Write a consistent copy of the database to PATH (while the forum runs)."""
    with _ProgressBar("Backing up") as progress:
        done = backup(db.engine, path, progress=progress)
    click.echo(f"Backed up the {done.kind} database to {done.path} ({done.size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path):
    """Restore the backup at PATH into this forum's database, which must be empty."""
    with _ProgressBar("Restoring") as progress:
        restore(db.engine, path, progress=progress)
    click.echo(f"Restored {path}.")


@click.command("migrate-data")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The empty database to copy into, e.g. postgresql+psycopg://user@host/forum")
def migrate_data_command(target_url):
    """Copy the whole forum into an empty database, then check every table."""
    with _ProgressBar("Copying rows") as progress:
        done = migrate_data(db.engine, target_url, progress=progress,
                            after_copy=lambda _target: _reindex_search(target_url))
    for name, count in done.tables.items():
        click.echo(f"{name}: {count} rows, checksum equal")
    click.echo(f"Copied {sum(done.tables.values())} rows in {len(done.tables)} tables; "
               "counts and checksums match. Point FORUM_DATABASE_URL at the new database.")


def _reindex_search(target_url: str) -> None:
    """Run this forum's `search reindex` command (when it has one) against the copy."""
    app = current_app._get_current_object()
    context = click.get_current_context()
    group = app.cli.get_command(context, "search")
    reindex = group.get_command(context, "reindex") if group is not None else None
    if reindex is None:
        return
    from .. import create_app  # late: the package imports this module

    copy = create_app(_ConfigOf(app), SQLALCHEMY_DATABASE_URI=target_url,
                      DATABASE_URL=target_url)
    with copy.app_context():
        context.invoke(reindex)
        db.session.remove()
        db.engine.dispose()


class _ConfigOf:
    """The running app's configuration, as a config object for create_app."""

    def __init__(self, app):
        for key, value in app.config.items():
            if key.isupper():
                setattr(self, key, value)


COMMANDS = (backup_command, restore_command, migrate_data_command)

"""Extension objects, created unbound and attached to the app in `init_app`."""
from flask import Flask, current_app, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names, so Alembic migrations can drop and alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine)


def _tune_sqlite(engine) -> None:
    """WAL, foreign keys and a busy timeout; writers take the lock when they begin.

    A deferred transaction that reads and then writes can fail at once with
    "database is locked" when another process wrote in between, whatever the busy
    timeout. So a transaction begun while handling a POST (or outside any request,
    e.g. the CLI) starts with BEGIN IMMEDIATE and simply waits its turn.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _takes_write_lock() else "BEGIN")


def _takes_write_lock() -> bool:
    if not has_request_context():
        return True  # the CLI, tests, background work: write at once
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if g.get("forum_writing"):
        return True
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "reads_before_writing", False)


def reads_before_writing(view):
    """Mark a POST view whose service does slow work (rendering markdown) before it writes.

    On SQLite such a request reads in an ordinary deferred transaction, so other writers
    are not kept waiting while it renders; the service calls `begin_writing()` when it has
    everything ready, and only then takes the database's single write lock.
    """
    view.reads_before_writing = True
    return view


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _writing_done(_session) -> None:
    # Whatever this request reads after its write (the redirect's page number) reads again.
    if has_request_context():
        g.pop("forum_writing", None)


def begin_writing() -> None:
    """From here on this request writes: on SQLite, end the read transaction (keeping the
    objects it loaded) so the next statement begins with BEGIN IMMEDIATE.

    Why not just write in the read transaction: SQLite refuses (at once, whatever the
    busy timeout) to turn a read transaction into a write one when another connection has
    written since it began. Elsewhere (PostgreSQL) this does nothing: its row locks
    already let readers and writers overlap.
    """
    if not has_request_context() or g.get("forum_writing"):
        return
    session = db.session()
    if (session.get_bind().dialect.name == "sqlite" and session.in_transaction()
            and not (session.new or session.dirty or session.deleted)):
        session.expire_on_commit = False
        try:
            session.commit()  # the read transaction (its objects stay loaded)
        finally:
            session.expire_on_commit = True
    g.forum_writing = True  # after the commit above, whose listener clears it

import os
from contextlib import contextmanager

import pytest
from flask import g, has_app_context
from flask_login import FlaskLoginClient
from sqlalchemy import event, inspect, text

from forum import create_app
from forum.extensions import db, limiter
from forum.models import Profession, Role

from . import factories

USING_POSTGRES = os.environ.get("FORUM_TEST_DATABASE_URL", "").startswith("postgresql")


class ForumClient(FlaskLoginClient):
    """Each request starts as it would in production: nothing cached from the last one.

    The tests keep an app context pushed (so factories and assertions can use the
    database), and a request reuses a pushed context: without this, Flask-Login's
    cached user in `g` and the session's identity map would outlive a request.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
            db.session.expire_all()
        return super().open(*args, **kwargs)


def _reset_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _fresh_schema() -> None:
    """Empty tables matching the models. On PostgreSQL, emptying with TRUNCATE is several
    times faster than dropping and creating the schema for every test."""
    if db.engine.dialect.name != "postgresql":
        _reset_database()
        db.create_all()
        return
    existing = set(inspect(db.engine).get_table_names())
    if existing - {"alembic_version"} != set(db.metadata.tables):
        _reset_database()
        db.create_all()
        return
    names = ", ".join(f'"{table}"' for table in db.metadata.tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_factory():
    """Build an app on a fresh database; extra config as keyword arguments."""
    made = []

    def build(reset_limits=True, **overrides):
        if made:  # a second app in one test: the first one's session must not hold locks
            db.session.remove()
        app = create_app("config.TestConfig", **overrides)
        if reset_limits:
            limiter.reset()  # every test starts with clean counters (in Redis too)
        app.test_client_class = ForumClient
        ctx = app.app_context()
        ctx.push()
        _fresh_schema()
        made.append(ctx)
        return app

    yield build
    for ctx in reversed(made):
        db.session.remove()
        if db.engine.dialect.name != "postgresql":
            _reset_database()
        db.engine.dispose()
        ctx.pop()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """login(user) -> a test client logged in as `user` (Flask-Login's shortcut)."""
    def as_user(user):
        return app.test_client(user=user)
    return as_user


@pytest.fixture
def category(app):
    return factories.make_category()


# The cast (STYLE.md): every permission test should try Fred.
@pytest.fixture
def alice(app):
    return factories.make_user("alice")


@pytest.fixture
def bob(app):
    return factories.make_user("bob")


@pytest.fixture
def tess(app):
    """A member with a verified therapist's badge: a label of trust, not a permission."""
    user = factories.make_user("tess")
    user.verified_profession = Profession.THERAPIST
    db.session.commit()
    return user


@pytest.fixture
def mia(app):
    return factories.make_user("mia", role=Role.MODERATOR)


@pytest.fixture
def ada(app):
    return factories.make_user("ada", role=Role.ADMIN)


@pytest.fixture
def fred(app):
    return factories.make_user("fred", suspended=True)


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; len(queries) is the statements run."""
    @contextmanager
    def counting():
        statements = []

        def record(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK",
                                                          "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return counting

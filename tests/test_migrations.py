"""The migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from forum.extensions import db
from forum.search.index import is_index_structure


def _empty_database():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_matches_the_models(app):
    _empty_database()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # The search index's own structures come from DDL, not from the models.
            "include_name": lambda name, type_, parents: not is_index_structure(name or "")})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_nothing_and_back(app):
    _empty_database()
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "threads", "posts"} <= set(inspect(db.engine).get_table_names())


def test_migrated_check_constraints_match_the_models(app):
    """Autogenerate cannot compare CHECK constraints: prove the migrated ones behave
    like the models' (a resource is a valid target; two targets are not)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from forum.models import ModerationAction, Resource, User

    _empty_database()
    upgrade()
    user = User(username="mia", username_key="mia", email="m@example.org",
                email_key="m@example.org", password_hash="x", role="moderator")
    resource = Resource(section="research", title="A paper", evidence_type="rct")
    db.session.add_all([user, resource])
    db.session.commit()
    db.session.add(ModerationAction(actor_id=user.id, action="add_resource", reason="r",
                                    resource_id=resource.id))
    db.session.commit()
    db.session.add(ModerationAction(actor_id=user.id, action="pin_resource", reason="r",
                                    resource_id=resource.id, target_user_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(ModerationAction(actor_id=user.id, action="made_up", reason="r",
                                    target_user_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

"""Admin commands: seed and user create."""
from sqlalchemy import select

from forum.extensions import db
from forum.models import Category, User
from forum.seed import CATEGORIES


def test_seed_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "added category experiences" in first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0 and "Nothing to add." in second.output
    names = list(db.session.scalars(select(Category.name).order_by(Category.position)))
    assert names == [name for _, name, _ in CATEGORIES]
    assert names == ["Introductions", "Experiences with baclofen", "Side effects & safety",
                     "For therapists & clinicians", "Family & friends", "Research & resources"]


def test_user_create_with_password_on_stdin(app):
    result = app.test_cli_runner().invoke(
        args=["user", "create", "mia", "--email", "mia@example.org", "--role", "moderator",
              "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "mia"))
    assert user.role == "moderator" and user.is_moderator


def test_user_create_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["user", "create", "ada", "--email", "ada@example.org", "--role", "admin"],
        input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "ada")).is_admin


def test_user_create_reports_problems(app):
    result = app.test_cli_runner().invoke(
        args=["user", "create", "admin", "--email", "nope", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert "username:" in result.output and "email:" in result.output
    assert "password:" in result.output
    assert db.session.query(User).count() == 0

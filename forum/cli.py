"""`flask --app forum ...` commands: thin wrappers over the services."""
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.services import find_user_by_name, register_user
from .errors import ValidationFailed
from .models import Role
from .moderation.sanctions import change_role
from .seed import seed

user_cli = AppGroup("user", help="Manage accounts.")


@user_cli.command("create")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value,
              show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(name, email, role, password_stdin):
    """Create an account NAME (asks for the password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = register_user(name, email, password, role=role)
    except ValidationFailed as failure:
        for field, message in failure.errors:
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@user_cli.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--reason", default="Changed by an administrator on the server.",
              show_default=True, help="Shown in the moderation log.")
def set_role(name, role, reason):
    """Give account NAME the ROLE member, moderator or admin (logged)."""
    user = find_user_by_name(name)
    if user is None:
        click.echo(f"No account named {name!r}.", err=True)
        raise SystemExit(1)
    try:
        change_role(None, user, role, reason=reason)
    except ValidationFailed as failure:
        for _, message in failure.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    click.echo(f"{user.username} is now a {role}.")


@click.command("seed")
def seed_command():
    """Add the starting categories (safe to run again)."""
    added = seed()
    click.echo("\n".join(f"added {item}" for item in added) if added else "Nothing to add.")


def init_app(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(seed_command)

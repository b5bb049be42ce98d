"""`flask --app forum ...` commands: thin wrappers over the services."""
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.services import find_user_by_name, register_user
from .errors import ValidationFailed
from .mail.cli import mail_cli
from .models import Role
from .moderation.sanctions import change_role
from .ops.cli import COMMANDS as OPS_COMMANDS
from .seed import seed
from .pages.helplines import helplines_cli

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
        # The administrator typed the address: no confirmation link needed.
        user = register_user(name, email, password, role=role, verified=True)
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
    from .accounts.cli import erase_command, export_command
    user_cli.add_command(export_command)
    user_cli.add_command(erase_command)
    app.cli.add_command(user_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(helplines_cli)
    for command in OPS_COMMANDS:  # backup, restore, migrate-data
        app.cli.add_command(command)

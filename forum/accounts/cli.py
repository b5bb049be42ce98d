"""`flask --app forum user export NAME PATH` and `user erase NAME`."""
import click

from ..auth.services import find_user_by_name
from ..errors import ValidationFailed


def _member(name: str):
    user = find_user_by_name(name)
    if user is None or user.is_erased:
        click.echo(f"No account named {name!r}.", err=True)
        raise SystemExit(1)
    return user


@click.command("export")
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(name, path):
    """Write everything stored about account NAME to PATH (a zip)."""
    from .export import export_to_path
    size = export_to_path(_member(name), path)
    click.echo(f"Wrote {path} ({size} bytes).")


@click.command("erase")
@click.argument("name")
@click.option("--posts", type=click.Choice(["remove", "keep"]), required=True,
              help="remove: erase their text everywhere; keep: attribute them to "
                   "\"a former member\".")
@click.option("--reason", default="Erased by an administrator on the server, on request.",
              show_default=True, help="Kept in the moderators' log.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(name, posts, reason, yes):
    """Erase account NAME entirely, as its owner asked (cannot be undone)."""
    from .erasure import erase_account
    member = _member(name)
    if not yes:
        click.confirm(f"Erase {member.username} for good?", abort=True)
    try:
        erase_account(member, remove_posts=posts == "remove", actor=None, reason=reason)
    except ValidationFailed as failure:
        for _, message in failure.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    click.echo(f"Erased account {member.id}.")

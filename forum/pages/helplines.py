"""Helplines, kept by admins on the server (`flask --app forum helplines ...`); moderators
can also correct them on /mod/resources. Each change is logged like any curation."""
import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Action, Evidence, Resource, Section, utcnow
from ..modlog import log_action
from ..resources.queries import get_resource, list_helplines
from ..resources.services import _clean

helplines_cli = AppGroup("helplines", help="List, add and remove the crisis helplines.")


def add_helpline(*, country: str, title: str, url: str = "", summary: str = "") -> Resource:
    """A new helpline at the end of the list (the system adds it: actor None)."""
    clean = _clean(dict(section=Section.HELPLINES, evidence_type=Evidence.HELPLINE,
                        title=title, url=url, summary=summary, country=country))
    last = db.session.scalar(select(func.max(Resource.position))
                             .where(Resource.section == Section.HELPLINES))
    resource = Resource(**clean, position=(last or 0) + 1)
    db.session.add(resource)
    db.session.flush()
    log_action(None, Action.ADD_RESOURCE, resource=resource, details=resource.title[:200],
               reason="Added on the server by an administrator.")
    db.session.commit()
    return resource


def remove_helpline(resource: Resource, *, reason: str) -> None:
    if resource.section != Section.HELPLINES:
        raise ValidationFailed([("id", "That entry is not a helpline.")])
    resource.removed_at = utcnow()
    log_action(None, Action.REMOVE_RESOURCE, resource=resource, reason=reason)
    db.session.commit()


@helplines_cli.command("list")
def list_command():
    """Show the helplines, by country, with their ids."""
    for line in sorted(list_helplines(), key=lambda r: (r.country, r.position)):
        click.echo(f"{line.id:>5}  {line.country or '(anywhere)'}: {line.title}"
                   f"{' <' + line.url + '>' if line.url else ''}")


@helplines_cli.command("add")
@click.option("--country", required=True, help="The country it serves, e.g. Ireland.")
@click.option("--title", required=True)
@click.option("--phone", default="", help="A number to call, e.g. 116123 (becomes tel:).")
@click.option("--url", default="", help="Or a web address (https://...).")
@click.option("--summary", default="", help="When to call, hours, cost.")
def add_command(country, title, phone, url, summary):
    """Add a helpline."""
    if phone:
        url = "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    try:
        line = add_helpline(country=country, title=title, url=url, summary=summary)
    except ValidationFailed as failure:
        for field, message in failure.errors:
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Added helpline {line.id}: {line.country}: {line.title}.")


@helplines_cli.command("remove")
@click.argument("helpline_id", type=int)
@click.option("--reason", default="Removed on the server by an administrator.",
              show_default=True)
def remove_command(helpline_id, reason):
    """Remove a helpline (kept in the log)."""
    try:
        remove_helpline(get_resource(helpline_id), reason=reason)
    except (NotFound, ValidationFailed):
        click.echo(f"No helpline with id {helpline_id}.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Removed helpline {helpline_id}.")

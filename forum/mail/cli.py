"""`flask --app forum mail send [--loop]`."""
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from ..extensions import db
from .sender import MailNotConfigured, forget_sent, send_all_due, waiting

mail_cli = AppGroup("mail", help="Send the queued e-mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending new mail as it is queued.")
@click.option("--interval", default=10.0, show_default=True,
              help="Seconds between rounds with --loop.")
def send_command(loop, interval):
    """Send every message that is due (safe from cron, and from several hosts at once)."""
    while True:
        try:
            report = send_all_due()
            forget_sent()
        except MailNotConfigured as error:
            click.echo(str(error), err=True)
            raise SystemExit(2) from None
        except OperationalError as error:  # the database went away: try again next round
            db.session.rollback()
            if not loop:
                raise
            click.echo(f"database unavailable ({type(error).__name__}); retrying", err=True)
        else:
            if report or not loop:
                click.echo(f"sent {len(report.sent)}, failed {len(report.failed)} "
                           f"(will be retried), waiting {waiting()}")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)

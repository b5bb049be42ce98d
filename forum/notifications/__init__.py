"""Notifications, following conversations (watches, follows, mentions, quotes), reading
state, and e-mail about them."""
from flask import Blueprint

from . import following

bp = Blueprint("notifications", __name__, cli_group="notifications")

# Listen to the post lifecycle from the moment this package is imported (once per
# process: events.subscribe ignores a listener it already has), for every app.
following.listen()

from . import routes  # noqa: E402,F401  (registers the views on bp)

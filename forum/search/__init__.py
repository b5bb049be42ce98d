"""Full-text search over what the viewer may read, and the index that follows the posts."""
from flask import Blueprint

from . import index

bp = Blueprint("search", __name__, cli_group="search")

# The index follows the post lifecycle from the moment this package is imported (once per
# process: events.subscribe ignores a listener it already has), for every app.
index.listen()

from . import routes  # noqa: E402,F401  (registers the views and the command on bp)

"""Private conversations between the moderators (as a team) and one member."""
from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/messages")

from . import routes  # noqa: E402,F401  (registers the views on bp)

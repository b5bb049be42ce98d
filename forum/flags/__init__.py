"""Members flag posts for the moderators: /p/<id>/flag."""
from flask import Blueprint

bp = Blueprint("flags", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)

""""This helped": one reaction, on published posts, with who gave it shown to members."""
from flask import Blueprint

bp = Blueprint("reactions", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)

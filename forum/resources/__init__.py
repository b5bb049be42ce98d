from flask import Blueprint

bp = Blueprint("resources", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)

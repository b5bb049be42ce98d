"""The public moderation log, /modlog: accountability without private details."""
from flask import Blueprint, render_template, request

from . import queries

public_bp = Blueprint("modlog", __name__)


@public_bp.get("/modlog")
def index():
    raw = request.args.get("before", "")
    before = int(raw) if raw.isdigit() and len(raw) <= 18 else None
    return render_template("moderation/public_log.html",
                           entries=queries.list_log(public=True, before=before))

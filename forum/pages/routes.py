from flask import render_template
from sqlalchemy import text

from ..extensions import db
from ..resources import queries as resource_queries
from ..threads import queries
from . import bp


@bp.get("/")
def home():
    return render_template("pages/home.html", categories=queries.list_categories(),
                           pinned=queries.list_site_pinned(),
                           pinned_resources=resource_queries.list_pinned(),
                           latest=queries.list_latest_threads())


@bp.get("/help")
def help_page():
    return render_template("pages/help.html", helplines=resource_queries.list_helplines())


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 once the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}

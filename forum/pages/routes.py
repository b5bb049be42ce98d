from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..resources import queries as resource_queries
from ..threads import queries
from . import bp


@bp.get("/")
def home():
    return render_template("pages/home.html",
                           categories=queries.list_categories(viewer=current_user),
                           pinned=queries.list_site_pinned(viewer=current_user),
                           pinned_resources=resource_queries.list_pinned(),
                           latest=queries.list_latest_threads(viewer=current_user))


@bp.get("/help")
def help_page():
    return render_template("pages/help.html", helplines=resource_queries.list_helplines())


@bp.get("/privacy")
def privacy():
    config = current_app.config
    return render_template("pages/privacy.html", policy_version=config["PRIVACY_POLICY_VERSION"],
                           keep_sent_days=config["MAIL_KEEP_SENT_DAYS"])


@bp.get("/guidelines")
def guidelines():
    return render_template("pages/guidelines.html")


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 once the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}

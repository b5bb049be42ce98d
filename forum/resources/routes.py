from flask import render_template

from . import bp, queries


@bp.get("/resources")
def index():
    return render_template("resources/index.html", sections=queries.list_by_section())

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ..forms import ConfirmForm
from . import bp, services


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html",
                           notifications=services.list_notifications(current_user),
                           form=ConfirmForm())


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))

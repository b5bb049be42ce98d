"""Moderators' pages for the resources section and professional verification."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import ValidationFailed
from ..forms import populate_errors

from ..resources import queries as resource_queries
from ..resources import services as resource_services
from . import bp, queries, verification
from .forms import ReasonForm, ResourceForm
from .routes import _run

RESOURCE_FIELDS = ("section", "title", "authors", "year", "source", "doi", "url",
                   "evidence_type", "summary", "country")


@bp.get("/resources")
def resources():
    return render_template("moderation/resources.html",
                           sections=resource_queries.list_by_section(), form=ReasonForm())


def _resource_values(form: ResourceForm) -> dict:
    return {name: getattr(form, name).data for name in RESOURCE_FIELDS}


@bp.route("/resources/new", methods=["GET", "POST"])
def add_resource():
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            resource = resource_services.add_resource(current_user, reason=form.reason.data,
                                                      **_resource_values(form))
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Added.", "success")
            return redirect(url_for(".resources", _anchor=f"r{resource.id}"))
    return render_template("moderation/resource_form.html", form=form, resource=None), \
        (422 if form.errors else 200)


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
def edit_resource(resource_id):
    resource = resource_queries.get_resource(resource_id)
    form = ResourceForm(obj=resource if request.method == "GET" else None)
    if request.method == "GET":
        form.year.data = str(resource.year or "")
        form.reason.data = ""
    elif form.validate_on_submit():
        try:
            resource_services.edit_resource(current_user, resource, reason=form.reason.data,
                                            **_resource_values(form))
        except ValidationFailed as failure:
            populate_errors(form, failure)
        else:
            flash("Saved.", "success")
            return redirect(url_for(".resources", _anchor=f"r{resource.id}"))
    return render_template("moderation/resource_form.html", form=form, resource=resource), \
        (422 if form.errors else 200)


@bp.post("/resources/<int:resource_id>/<any(up, down, pin, unpin, remove):verb>")
def resource_action(resource_id, verb):
    resource = resource_queries.get_resource(resource_id)
    form = ReasonForm()
    back = url_for(".resources", _anchor=f"r{resource.id}")
    if not form.validate_on_submit():
        flash("That form had expired; try again.", "error")
        return redirect(back)
    reason = form.reason.data
    actions = {
        "up": lambda: resource_services.move_resource(current_user, resource, direction="up"),
        "down": lambda: resource_services.move_resource(current_user, resource,
                                                        direction="down"),
        "pin": lambda: resource_services.set_pinned(current_user, resource, True, reason=reason),
        "unpin": lambda: resource_services.set_pinned(current_user, resource, False,
                                                      reason=reason),
        "remove": lambda: resource_services.remove_resource(current_user, resource,
                                                            reason=reason),
    }
    done = {"up": "Moved up.", "down": "Moved down.", "pin": "Pinned.", "unpin": "Unpinned.",
            "remove": "Removed."}[verb]
    return _run(actions[verb], done, back)


@bp.post("/applications/<int:application_id>/<any(approve, decline):verb>")
def application_action(application_id, verb):
    application = queries.get_application(application_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("That form had expired; try again.", "error")
        return redirect(url_for(".queue"))
    if verb == "approve":
        action = lambda: verification.approve_application(  # noqa: E731
            current_user, application, reason=form.reason.data)
        done = f"{application.user.username} is now marked as a verified {application.profession_label}."
    else:
        action = lambda: verification.decline_application(  # noqa: E731
            current_user, application, reason=form.reason.data)
        done = "Declined; the member has been told why."
    return _run(action, done, url_for(".queue"))


@bp.post("/users/<int:user_id>/revoke")
def revoke_badge(user_id):
    member = queries.get_member(user_id)
    form = ReasonForm()
    back = url_for(".member", user_id=member.id)
    if not form.validate_on_submit():
        flash("That form had expired; try again.", "error")
        return redirect(back)
    return _run(lambda: verification.revoke_verification(current_user, member,
                                                         reason=form.reason.data),
                "Badge revoked.", back)




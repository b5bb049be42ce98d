from flask import Blueprint, abort
from flask_login import current_user

from ..permissions import can_moderate

bp = Blueprint("moderation", __name__, url_prefix="/mod")


@bp.before_request
def moderators_only():
    """The whole area is invisible to everyone else: the same 404 as a missing page."""
    if not can_moderate(current_user):
        abort(404)


from . import curation, routes  # noqa: E402,F401  (register the views on bp)

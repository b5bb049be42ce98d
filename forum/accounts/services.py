"""A member's own profile."""
from ..errors import ValidationFailed
from ..extensions import db
from ..markup import render_markdown
from ..models import User
from .forms import BIO_MAX


def update_profile(user: User, *, bio: str, hide_activity: bool) -> None:
    """Set the short bio (markdown, sanitised when rendered here) and activity privacy."""
    bio = bio.replace("\r\n", "\n").strip()
    if len(bio) > BIO_MAX:
        raise ValidationFailed([("bio", f"Keep it to {BIO_MAX} characters "
                                        f"(this is {len(bio)}).")])
    user.bio = bio
    user.bio_html = render_markdown(bio) if bio else ""
    user.hide_activity = bool(hide_activity)
    db.session.commit()

"""Reading "This helped": who gave it."""
from sqlalchemy import select

from ..extensions import db
from ..models import HelpedMark, User


def list_helpers(post) -> list[User]:
    return list(db.session.scalars(
        select(User).join(HelpedMark, HelpedMark.user_id == User.id)
        .where(HelpedMark.post_id == post.id).order_by(HelpedMark.created_at)))

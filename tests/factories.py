"""Small builders for test data; they go through the services so the rules hold."""
from datetime import timedelta
from itertools import count

from flask import current_app

from forum.auth.services import register_user
from forum.extensions import db
from forum.models import Category, Role, utcnow
from forum.threads import services

PASSWORD = "correct horse battery staple"
_serial = count(1)


def make_user(name: str | None = None, *, role: str = Role.MEMBER, suspended: bool = False,
              silenced: bool = False, email: str | None = None, new: bool = False):
    """An established member (posts without review) unless `new`."""
    name = name or f"member{next(_serial)}"
    # Confirmed address and consent given, as a member who finished registering.
    user = register_user(name, email or f"{name.lower()}@example.org", PASSWORD, role=role,
                         verified=True,
                         consent_version=current_app.config["PRIVACY_POLICY_VERSION"])
    if not new:
        user.approved_post_count = 1
        user.created_at = utcnow() - timedelta(days=30)
    if suspended:
        user.suspended_until = utcnow() + timedelta(days=7)
    if silenced:
        user.silenced_until = utcnow() + timedelta(days=7)
    db.session.commit()
    return user


def make_category(slug: str = "experiences", name: str = "Experiences with baclofen"):
    category = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if category is None:
        category = Category(slug=slug, name=name, description=f"About {name}.")
        db.session.add(category)
        db.session.commit()
    return category


def make_thread(author, category=None, *, title: str = "Three months at 90 mg",
                body: str = "Cravings are **much** lower.", replies: int = 0, replier=None):
    """A thread; `replies` more posts by `replier` (default: the author)."""
    post = services.create_thread(author, category or make_category(), title=title,
                                  body=body).post
    for n in range(replies):
        services.reply(replier or author, post.thread, body=f"Reply number {n + 1}.")
    return post.thread


def make_post(author, thread, body: str = "Thank you for sharing this."):
    return services.reply(author, thread, body=body).post

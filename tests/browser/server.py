"""The forum served for real on 127.0.0.1, and helpers that write through its services."""
import itertools
import threading
import uuid
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler

from forum.extensions import db
from forum.models import Category, User
from forum.threads import services

from .. import factories

# Every browser test comes from 127.0.0.1; the real limits have their own unit tests.
# Not RATELIMIT_ENABLED=False: Flask-Limiter's one `limiter` object would carry "disabled"
# into every app created after this one, and the unit tests' limits would stop applying.
GENEROUS_LIMITS = {
    "LOGIN_LIMITS_PER_IP": "1000/minute",
    "LOGIN_LIMITS_PER_ACCOUNT": "1000/minute",
    "REGISTER_LIMITS_PER_IP": "1000/minute",
    "FLAG_LIMITS": "1000/minute",
    "NEW_MEMBER_FLAG_LIMITS": "1000/minute",
    "POST_LIMITS": "1000/minute",
    "NEW_MEMBER_POST_LIMITS": "1000/minute",
    "EDIT_LIMITS": "1000/minute",
    "NEW_MEMBER_EDIT_LIMITS": "1000/minute",
}


@dataclass
class LiveServer:
    app: object
    url: str
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self, prefix: str) -> str:
        """A fresh name: tests never share an account or a thread."""
        return f"{prefix}{next(self._serial)}{uuid.uuid4().hex[:5]}"

    def make_member(self, prefix: str = "member", **options):
        """An established member (or `role=...`), made by the factories: (name, password)."""
        name = self.unique(prefix)
        with self.app.app_context():
            factories.make_user(name, **options)
        return name, factories.PASSWORD

    def make_thread(self, author: str, *, title: str | None = None,
                    body: str = "Cravings are **much** lower.", replies: int = 0,
                    category_slug: str = "experiences") -> int:
        """A thread with `replies` more posts by its author; returns the thread id."""
        with self.app.app_context():
            user = db.session.query(User).filter_by(username=author).one()
            category = db.session.query(Category).filter_by(slug=category_slug).one()
            post = services.create_thread(user, category,
                                          title=title or self.unique("Thread "), body=body).post
            for n in range(replies):
                services.reply(user, post.thread, body=f"Reply number {n + 1}.")
            return post.thread_id

    def make_category(self, prefix: str = "busy") -> str:
        slug_ = self.unique(prefix).lower()
        with self.app.app_context():
            factories.make_category(slug=slug_, name=f"Category {slug_}")
        return slug_


def boom():
    raise RuntimeError("a deliberate failure, to show the 500 page")


# Werkzeug's development server (3.1) drains the socket before it closes the response
# iterable; when the browser has reset the connection (a page closed while its icon was
# still loading), the drain raises ConnectionResetError first, the iterable is never
# closed, and a file opened by send_file leaks (a ResourceWarning, so an error under
# filterwarnings=error). The server runs one thread per request: remember what the app
# returned in this thread and close it once the request is over, whatever happened.
_responses = threading.local()


def closing(wsgi_app):
    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        _responses.open = iterable
        return iterable
    return app


class ClosingRequestHandler(WSGIRequestHandler):
    def run_wsgi(self):
        _responses.open = None
        try:
            super().run_wsgi()
        finally:
            iterable, _responses.open = _responses.open, None
            if hasattr(iterable, "close"):
                iterable.close()  # closing twice is harmless

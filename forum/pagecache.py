"""Finished pages for readers who are not logged in: served from a cache, never stale.

Most page views are people (and crawlers) without a session. Their home, category and
thread pages are the same for everyone, so the finished response is kept (in process by
default, in Redis with FORUM_CACHE_URL) under a key that includes *version numbers*:
one for the whole site, and one for the page's thread, category or the home page. A write
bumps the versions it touches right after it commits, so the very next anonymous request
asks for a key that does not exist yet and renders the page afresh. Nothing waits for a
time-out to expire; the short page lifetime only keeps "3 minutes ago" honest.

What bumps which version:
- the post lifecycle's announcements (forum/events.py): the post's thread, its category
  and the home page;
- any other row written through the session (a lock, pin, move or rename of a thread, a
  category, a resource, a member's public name or badge, anything that belongs to a post
  or thread such as a reaction): found after each flush;
- bulk UPDATE statements on those tables (counters), found as they run.

Never personal: only requests that carry no session or "remember me" cookie are served
from the cache, and a response is stored only if it is a 200 that set no cookie and left
the session untouched (a flash message or a CSRF token would have written to it).
Members never get a cached page. ETag / If-None-Match answers 304 for unchanged pages.
"""
import hashlib
import time

from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_caching import Cache
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from .events import PostEvent, subscribe
from .extensions import db
from .models import Category, Post, Resource, Thread, User

SITE = "site"
HOME = "home"

# The pages kept, and the version (besides the site's) each depends on.
CACHED_VIEWS = {
    "pages.home": lambda args: HOME,
    "threads.show_category": lambda args: f"category:{args['slug']}",
    "threads.show_thread": lambda args: f"thread:{args['thread_id']}",
}
# Any other query argument (?quote=, tracking junk) is served uncached rather than letting
# arbitrary strings fill the cache.
ALLOWED_ARGS = frozenset({"page"})
# Columns of a member that appear on public pages (name and badge beside each post).
PUBLIC_USER_COLUMNS = frozenset({"username", "verified_profession"})


def init_app(app: Flask) -> None:
    cache = _make_cache(app)
    app.extensions["forum_pagecache"] = cache
    if cache is None:
        return
    app.before_request(_serve_from_cache)
    app.after_request(_store)


def _make_cache(app: Flask) -> Cache | None:
    if not app.config.get("PAGE_CACHE", True):
        return None
    url = app.config.get("CACHE_URL")
    options = {"CACHE_DEFAULT_TIMEOUT": 0, "CACHE_KEY_PREFIX": app.config["PAGE_CACHE_PREFIX"]}
    if url:
        options.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
    else:
        from .security import configured_workers, running_under_gunicorn
        if running_under_gunicorn() and configured_workers() > 1:
            # Each worker would keep its own versions: a write in one would leave the
            # others serving the old page. Correct or nothing.
            app.logger.warning("page cache off: several workers and no FORUM_CACHE_URL "
                               "(set it to a Redis URL to cache pages for readers)")
            return None
        options.update(CACHE_TYPE="SimpleCache",
                       CACHE_THRESHOLD=app.config["PAGE_CACHE_ENTRIES"])
    cache = Cache()
    cache.init_app(app, config=options)
    return cache


def _cache() -> Cache | None:
    return current_app.extensions.get("forum_pagecache") if has_app_context() else None


# --- serving ---------------------------------------------------------------------------

def _is_anonymous_request() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.cookies
    if current_app.config["SESSION_COOKIE_NAME"] in cookies:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
        return False
    return "Authorization" not in request.headers


def _page_key(cache: Cache) -> str | None:
    scope_of = CACHED_VIEWS.get(request.endpoint)
    if scope_of is None or not _is_anonymous_request():
        return None
    if not set(request.args) <= ALLOWED_ARGS:
        return None
    scope = scope_of(request.view_args or {})
    site, local = _versions(cache, SITE, scope)
    query = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
    return f"page:{request.path}?{query}:{site}:{local}"


def _versions(cache: Cache, *names: str) -> list[int]:
    keys = [f"v:{name}" for name in names]
    values = cache.get_many(*keys)
    missing = [key for key, value in zip(keys, values) if value is None]
    if missing:
        # A version never starts again from 0 (after an eviction or a Redis restart): a
        # page kept under an old number must not match again.
        for key in missing:
            cache.add(key, time.time_ns())
        values = cache.get_many(*keys)
    return values


def _serve_from_cache():
    cache = _cache()
    if cache is None:
        return None
    key = _page_key(cache)
    if key is None:
        return None
    g.pagecache_key = key
    kept = cache.get(key)
    if kept is None:
        return None
    body, mimetype, etag = kept
    response = Response(body, mimetype=mimetype)
    response.headers["X-Forum-Cache"] = "hit"
    return _conditional(response, etag)


def _conditional(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # proxies and browsers: ask again
    response.vary.add("Cookie")
    return response.make_conditional(request)


def _store(response: Response) -> Response:
    key = g.pop("pagecache_key", None)
    if key is None or response.headers.get("X-Forum-Cache") == "hit":
        return response
    if response.status_code != 200 or response.direct_passthrough:
        return response
    if session.modified or len(session) or "Set-Cookie" in response.headers:
        return response  # something personal happened: a flash, a token, a cookie
    body = response.get_data()
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    _cache().set(key, (body, response.mimetype, etag),
                 timeout=current_app.config["PAGE_CACHE_SECONDS"])
    response.headers["X-Forum-Cache"] = "miss"
    return _conditional(response, etag)


# --- invalidation ----------------------------------------------------------------------

def _pending(session_: Session) -> set[str]:
    return session_.info.setdefault("pagecache_bumps", set())


def _touch_thread(session_: Session, thread: "Thread | int | None", bumps: set[str]) -> None:
    """The thread's page, its category's page and the home page change."""
    if thread is None:
        return
    if not isinstance(thread, Thread):
        thread = session_.get(Thread, thread)  # almost always in the identity map already
        if thread is None:
            bumps.add(SITE)
            return
    bumps.update({f"thread:{thread.id}", HOME})
    category = thread.__dict__.get("category") or session_.get(Category, thread.category_id)
    if category is not None:
        bumps.add(f"category:{category.slug}")


def _thread_of(post: Post):
    """The post's thread without a query when it is loaded (new posts carry it)."""
    return post.__dict__.get("thread") or post.thread_id


def _on_post_event(announcement) -> None:
    if _cache() is None:
        return
    session_ = db.session()
    _touch_thread(session_, _thread_of(announcement.post), _pending(session_))


for _event in PostEvent:
    subscribe(_event, _on_post_event)


@event.listens_for(Session, "after_flush")
def _after_flush(session_: Session, _context) -> None:
    if _cache() is None:
        return
    bumps = _pending(session_)
    for obj in (*session_.new, *session_.dirty, *session_.deleted):
        if isinstance(obj, Thread):
            _touch_thread(session_, obj, bumps)
            old_category = inspect(obj).attrs.category_id.history.deleted
            for category_id in old_category or ():
                category = session_.get(Category, category_id)
                if category is not None:
                    bumps.add(f"category:{category.slug}")
        elif isinstance(obj, Post):
            _touch_thread(session_, _thread_of(obj), bumps)
        elif isinstance(obj, (Category, Resource)):
            bumps.add(SITE)
        elif isinstance(obj, User):
            state = inspect(obj)
            if obj in session_.deleted or any(state.attrs[name].history.has_changes()
                                              for name in PUBLIC_USER_COLUMNS):
                bumps.add(SITE)
        elif getattr(obj, "thread_id", None) is not None:
            _touch_thread(session_, obj.thread_id, bumps)
        elif getattr(obj, "post_id", None) is not None:
            post = session_.get(Post, obj.post_id)
            if post is not None:
                _touch_thread(session_, _thread_of(post), bumps)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_write(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert) or _cache() is None:
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    session_ = state.session
    bumps = _pending(session_)
    if state.is_insert:
        if name in ("threads", "posts", "categories", "resources"):
            bumps.add(SITE)  # rows written in bulk (imports, the bench's seed)
        return
    if name == "threads":
        ids = _ids_in(state.statement, table)
        if ids is None:
            bumps.add(SITE)
        for thread_id in ids or ():
            _touch_thread(session_, thread_id, bumps)
    elif name == "posts":
        ids = _ids_in(state.statement, table)
        if ids is None:
            bumps.add(SITE)
        for post_id in ids or ():
            post = session_.get(Post, post_id)
            if post is None:
                bumps.add(SITE)
            else:
                _touch_thread(session_, _thread_of(post), bumps)
    elif name in ("categories", "resources"):
        bumps.add(SITE)
    elif name == "users" and state.is_update:
        columns = {getattr(key, "key", str(key)) for key in
                   getattr(state.statement, "_values", None) or {}}
        if columns & PUBLIC_USER_COLUMNS or not columns:
            bumps.add(SITE)


def _ids_in(statement, table) -> list[int] | None:
    """The ids a WHERE clause pins down with `table.id = :value`, or None if it does not."""
    ids = []

    def visit(clause):
        if isinstance(clause, BinaryExpression) and clause.operator is operators.eq:
            left, right = clause.left, clause.right
            if getattr(getattr(left, "table", None), "name", None) == table.name \
                    and getattr(left, "key", None) == "id" \
                    and isinstance(right, BindParameter) and right.value is not None:
                ids.append(right.value)
        for child in clause.get_children():
            visit(child)

    where = statement.whereclause
    if where is None:
        return None
    visit(where)
    return ids or None


@event.listens_for(Session, "after_commit")
def _after_commit(session_: Session) -> None:
    bumps = session_.info.pop("pagecache_bumps", None)
    cache = _cache()
    if not bumps or cache is None:
        return
    for name in bumps:
        key = f"v:{name}"
        # A missing version starts from the clock, never from 0 or 1 (see _versions);
        # an existing one goes up by one, atomically in Redis.
        if not cache.add(key, time.time_ns()):
            cache.cache.inc(key)  # the backend: RedisCache uses INCR


@event.listens_for(Session, "after_rollback")
def _after_rollback(session_: Session) -> None:
    session_.info.pop("pagecache_bumps", None)

"""Configuration: defaults here, overridden by FORUM_* environment variables.

`create_app` loads one of these classes, then `app.config.from_prefixed_env("FORUM")`,
so `FORUM_DATABASE_URL=postgresql+psycopg://...` or `FORUM_SECRET_KEY=...` win.
"""
import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = DEV_SECRET_KEY
    # A relative SQLite path resolves inside the instance folder (kept out of git).
    DATABASE_URL = "sqlite:///forum.db"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Cookies: never readable by scripts, never sent on cross-site POSTs.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)

    # The CSRF token lives as long as the session: a reply written slowly must not fail.
    WTF_CSRF_TIME_LIMIT = None

    # Largest request body: a 20,000-character post is at most ~80 KB of UTF-8.
    MAX_CONTENT_LENGTH = 256 * 1024

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_KEY_PREFIX = "forum"
    LOGIN_LIMITS_PER_IP = "6/minute;30/hour"
    LOGIN_LIMITS_PER_ACCOUNT = "10/hour"
    REGISTER_LIMITS_PER_IP = "5/hour;20/day"
    # Guesses of the current password on the settings page, per account (failures only).
    PASSWORD_CHANGE_LIMITS_PER_ACCOUNT = "10/hour"
    # memory:// counts per process: refused under gunicorn with several workers, and in
    # production unless this is set (FORUM_ALLOW_MEMORY_RATELIMITS=1, one worker only).
    ALLOW_MEMORY_RATELIMITS = True
    # "Device cookie" (OWASP): a browser that logged in to an account before gets its own
    # login-failure bucket, so strangers guessing cannot lock the owner out.
    DEVICE_COOKIE_NAME = "forum_device"
    DEVICE_COOKIE_DURATION = timedelta(days=365)  # Secure when SESSION_COOKIE_SECURE is

    # Host names this site answers to (FORUM_TRUSTED_HOSTS='["forum.example"]' or
    # "forum.example,www.forum.example"); any other Host header gets 400. A leading dot
    # accepts subdomains.
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    REQUIRE_TRUSTED_HOSTS = False

    # argon2id parameters (RFC 9106 "second recommended" profile, above OWASP's minimum).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 1

    # Strict-Transport-Security only when the site is really served over HTTPS.
    HSTS_SECONDS = 0
    REQUIRE_REAL_SECRET_KEY = False

    # Moderation: a member's posts wait for review until this many were approved;
    # a post flagged by this many different members is hidden until reviewed.
    APPROVAL_THRESHOLD = 1
    AUTO_HIDE_FLAGS = 3
    # Per member (forum/ratelimits.py); new accounts get the NEW_MEMBER_* limits.
    POST_LIMITS = "6/minute;60/hour;300/day"
    NEW_MEMBER_POST_LIMITS = "3/minute;15/hour;40/day"
    EDIT_LIMITS = "10/minute;100/hour"
    NEW_MEMBER_EDIT_LIMITS = "4/minute;30/hour"
    FLAG_LIMITS = "10/hour;30/day"
    NEW_MEMBER_FLAG_LIMITS = "3/hour;10/day"

    # "This helped" given or taken back, per member.
    HELPED_LIMITS = "20/minute;200/day"
    POSTS_PER_PAGE = 20
    THREADS_PER_PAGE = 30

    # Finished pages for readers without a session (forum/pagecache.py): in process by
    # default, shared in Redis with FORUM_CACHE_URL (needed with several workers or
    # hosts; without it, several gunicorn workers turn the cache off rather than serve a
    # stale page). Writes invalidate at once; the lifetime only keeps "3 minutes ago"
    # honest.
    PAGE_CACHE = True
    CACHE_URL = None
    PAGE_CACHE_SECONDS = 60
    PAGE_CACHE_ENTRIES = 2000
    PAGE_CACHE_PREFIX = "forum-page:"

    # Operations (forum/ops/). Behind N proxies (nginx = 1), trust exactly N
    # X-Forwarded-* hops: FORUM_PROXY_HOPS=1. 0 = not behind a proxy.
    PROXY_HOPS = 0
    # One line per request (method, route template, status, duration) on stderr;
    # FORUM_LOG_JSON=1 for JSON lines; the client's address only with LOG_CLIENT_IP.
    LOG_REQUESTS = True
    LOG_JSON = False
    LOG_CLIENT_IP = False
    # Redis unreachable: count limits in this process's memory (logged) rather than fail.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # Mail (forum/mail): queued in the database, sent by `flask --app forum mail send`.
    # Without MAIL_SERVER each message is written to <instance>/outbox/ (MAIL_OUTBOX_DIR);
    # MAIL_BACKEND "file" or "smtp" forces one (production: "smtp").
    MAIL_BACKEND = None
    MAIL_SERVER = None
    MAIL_PORT = None  # 25, or 465 with MAIL_USE_SSL; 587 is the usual STARTTLS port
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # TLS from the first byte
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Forum <forum@localhost>"
    MAIL_TIMEOUT = 20
    MAIL_BATCH_SIZE = 20
    MAIL_OUTBOX_DIR = None
    MAIL_KEEP_SENT_DAYS = 30

    # Accounts (forum/auth, forum/accounts).
    # Links in mail are built from this, never from a request's Host header.
    SERVER_NAME_FOR_LINKS = "http://localhost:5000"
    # Posting needs a confirmed e-mail address.
    REQUIRE_VERIFIED_EMAIL = True
    # Moderators and admins must set up two-factor sign-in before doing anything else.
    REQUIRE_2FA_FOR_STAFF = False
    # The "check your e-mail" page shows the link itself (None: when mail goes to files).
    MAIL_SHOW_LINKS_ON_PAGE = None
    # Raise it when the privacy notice changes materially: members are asked again.
    PRIVACY_POLICY_VERSION = "2026-12-01"
    TWO_FACTOR_LIMITS_PER_ACCOUNT = "5/15 minutes;20/day"
    RESET_LIMITS_PER_IP = "5/hour;20/day"
    ACCOUNT_MAIL_LIMITS_PER_ACCOUNT = "5/hour;20/day"


class DevConfig(Config):
    pass


class ProductionConfig(Config):
    # Refuse to start with the development key or without one.
    REQUIRE_REAL_SECRET_KEY = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 31536000
    # Must be set: FORUM_TRUSTED_HOSTS (or FORUM_SERVER_NAME).
    TRUSTED_HOSTS = None
    REQUIRE_TRUSTED_HOSTS = True
    ALLOW_MEMORY_RATELIMITS = False
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = "smtp"
    REQUIRE_2FA_FOR_STAFF = True
    MAIL_SHOW_LINKS_ON_PAGE = False
    SERVER_NAME_FOR_LINKS = None  # required: e.g. FORUM_SERVER_NAME_FOR_LINKS=https://forum.example.org


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    DATABASE_URL = os.environ.get("FORUM_TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = os.environ.get("FORUM_TEST_RATELIMIT_STORAGE_URI", "memory://")
    # Cheap hashing so the suite stays fast; never used outside tests.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    WTF_CSRF_ENABLED = False  # a few tests turn it back on to test it for real
    LOG_REQUESTS = False  # tests/test_ops_logging.py turns it on
    # Tests post fast from one account; tests/test_write_limits.py checks the real limits.
    POST_LIMITS = NEW_MEMBER_POST_LIMITS = "1000/minute"
    EDIT_LIMITS = NEW_MEMBER_EDIT_LIMITS = "1000/minute"

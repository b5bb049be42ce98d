"""gunicorn settings for the forum (an example: copy to /etc/forum/gunicorn.conf.py).

    gunicorn --config /etc/forum/gunicorn.conf.py 'forum:create_app("config.ProductionConfig")'

Sync workers: each request holds one worker, so size `workers` for the requests in
flight, not for the members online. Every worker is a separate process: rate limits must
live in Redis (FORUM_RATELIMIT_STORAGE_URI), which the forum enforces with more than one.
"""
import multiprocessing
import os

# nginx talks to gunicorn over loopback (or a unix socket); never expose gunicorn itself.
bind = os.environ.get("FORUM_BIND", "127.0.0.1:8000")
# (2 x cores) + 1 is gunicorn's rule of thumb; the database's max_connections must cover
# workers x hosts x SQLAlchemy's pool (5 + 10 overflow by default).
workers = int(os.environ.get("FORUM_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer than this is killed and answered 502 by nginx; the forum's
# slowest page is well under a second, so 30 s only catches a stuck worker.
timeout = 30
graceful_timeout = 30
keepalive = 5            # nginx keeps connections to gunicorn open this long
# Recycle workers now and then (a slow leak in a dependency cannot grow forever).
max_requests = 2000
max_requests_jitter = 200
# The forum writes its own request log (one line per request, no query strings, no
# addresses: forum/ops/requestlog.py); gunicorn's access log would repeat both.
accesslog = None
errorlog = "-"
loglevel = "info"
# nginx is the only proxy in front: addresses come from X-Forwarded-For via the forum's
# FORUM_PROXY_HOPS=1 (ProxyFix), not from gunicorn.
forwarded_allow_ips = "127.0.0.1"

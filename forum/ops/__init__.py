"""Running the forum in production: the proxy in front, request logs, backups, moving data.

`init_app` wires in what every request needs (ProxyFix, the request log); the backup,
restore and migrate-data services live in `backup.py` and `migrate.py`, the CLI calls them.
"""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import requestlog


def proxy_hops(app: Flask) -> int:
    raw = str(app.config.get("PROXY_HOPS") or 0).strip()
    if not raw.isdigit():
        raise ValueError(f"FORUM_PROXY_HOPS must be a whole number of proxies, not {raw!r}")
    return int(raw)


def init_app(app: Flask) -> None:
    hops = proxy_hops(app)
    if hops:
        # Exactly `hops` proxies are trusted: X-Forwarded-For entries added by the client
        # itself (left of theirs) are ignored, so a forged header cannot change the
        # address rate limits count. Outermost, so the Host check sees the real host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)
    requestlog.init_app(app)

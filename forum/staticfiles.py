"""Static files that a browser fetches once: every URL carries the file's digest.

`url_for('static', filename='css/forum.css')` becomes `/static/css/forum.css?v=<digest>`
(the digest of the file's bytes, computed once at start). A request that names the current
digest is answered with a year-long, immutable Cache-Control, so repeat visits fetch
nothing; a change to the file changes the digest, hence the URL, so nobody keeps an old
stylesheet. A request without the right digest (an old page, a hand-typed URL) still gets
the file, with a short lifetime.
"""
import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600


def digests(folder: Path) -> dict[str, str]:
    """filename (relative, with /) -> a short digest of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()
            found[path.relative_to(folder).as_posix()] = digest
    return found


def init_app(app: Flask) -> None:
    table = digests(Path(app.static_folder)) if app.static_folder else {}
    app.extensions["forum_static_digests"] = table

    @app.url_defaults
    def add_digest(endpoint, values):
        if endpoint == "static" and "v" not in values:
            digest = table.get(values.get("filename", ""))
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_static(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if table.get(filename) and request.args.get("v") == table[filename]:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.max_age = 300
        return response

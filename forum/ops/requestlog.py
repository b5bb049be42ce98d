"""One log line per request, for a log shipper.

Each line says the method, the route's *template* (`/t/<int:thread_id>`, never the
address itself, so no query string, title or name reaches the log), the status and the
duration. Nothing a person wrote is logged, nor their address unless LOG_CLIENT_IP is set.
`FORUM_LOG_JSON=1` writes one JSON object per line.
"""
import json
import logging
import sys
import time
from datetime import datetime, timezone

from flask import Flask, g, request, request_finished

logger = logging.getLogger("forum.requests")


def _configure_logger() -> None:
    if any(getattr(h, "forum_request_log", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.forum_request_log = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line, not repeated by the root logger's handlers


def request_record(app: Flask, response) -> dict:
    began = g.get("forum_request_began")
    record = {
        "method": request.method,
        "path": request.url_rule.rule if request.url_rule is not None else "<unmatched>",
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - began) * 1000, 1) if began else None,
    }
    if app.config.get("LOG_CLIENT_IP"):
        record["client"] = request.remote_addr
    return record


def format_record(record: dict, as_json: bool) -> str:
    if as_json:
        stamped = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                   **record}
        return json.dumps(stamped, separators=(",", ":"))
    line = f'{record["method"]} {record["path"]} {record["status"]} {record["duration_ms"]}ms'
    if "client" in record:
        line += f' client={record["client"]}'
    return line


def init_app(app: Flask) -> None:
    if not app.config.get("LOG_REQUESTS", True):
        return
    _configure_logger()
    as_json = str(app.config.get("LOG_JSON", "")).lower() in ("1", "true", "yes", "on")

    def start_clock():
        g.forum_request_began = time.perf_counter()

    # First of all hooks, so the duration covers the guards and the rate limiter too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_clock)

    def log_request(sender, response, **_extra):
        logger.info(format_record(request_record(sender, response), as_json))

    request_finished.connect(log_request, app, weak=False)

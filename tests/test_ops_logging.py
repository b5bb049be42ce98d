"""The request log and the proxy in front (issue #13): one parseable line per request
with no personal data, and FORUM_PROXY_HOPS trusting exactly that many proxies."""
import json
import logging

import pytest

from forum.ops import requestlog

from .factories import PASSWORD, make_thread, make_user


@pytest.fixture
def request_lines():
    """The request log's lines, as the log shipper would read them."""
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Keep()
    requestlog.logger.addHandler(handler)
    yield lines
    requestlog.logger.removeHandler(handler)


def test_one_json_line_per_request_with_the_route_template(app_factory, request_lines):
    app = app_factory(LOG_REQUESTS=True, LOG_JSON=True)
    thread = make_thread(make_user("tess"), title="My relapse, day 3")
    alice = make_user("alice")
    member = app.test_client(user=alice)
    member.get(f"/t/{thread.id}?page=1&q=alice@example.org")
    member.post(f"/t/{thread.id}/reply", data={"body": "Secret words about my dose"})
    records = [json.loads(line) for line in request_lines]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [
        ("GET", "/t/<int(signed=True):thread_id>", 200),
        ("POST", "/t/<int(signed=True):thread_id>/reply", 302)]
    assert all(isinstance(r["duration_ms"], float) and r["time"] for r in records)
    everything = "\n".join(request_lines)
    for private in ("alice", "relapse", "Secret words", "page=1", "127.0.0.1",
                    f"/t/{thread.id}"):
        assert private not in everything


def test_plain_lines_and_the_address_only_when_asked(app_factory, request_lines):
    app = app_factory(LOG_REQUESTS=True, LOG_CLIENT_IP=True)
    app.test_client().get("/nowhere/at/all?email=someone@example.org")
    app.test_client().get("/help")
    assert request_lines[0].startswith("GET <unmatched> 404 ")
    assert "nowhere" not in request_lines[0] and "someone" not in request_lines[0]
    assert request_lines[1].startswith("GET /help 200 ") and "client=127.0.0.1" in request_lines[1]


def test_logging_can_be_switched_off(app_factory, request_lines):
    app = app_factory(LOG_REQUESTS=False)
    app.test_client().get("/help")
    assert request_lines == []


def _wrong_login(client, forwarded_for):
    return client.post("/login", data={"username": "alice", "password": "not it"},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_behind_one_proxy_a_forged_forwarded_for_cannot_dodge_the_login_limit(app_factory):
    app = app_factory(PROXY_HOPS=1)
    make_user("alice")
    client = app.test_client()
    # The proxy appends the real address; what the client put before it is ignored.
    answers = [_wrong_login(client, f"10.0.0.{n}, 198.51.100.7") for n in range(7)]
    assert answers == [200] * 6 + [429]
    # Another real client behind the same proxy has its own allowance.
    assert _wrong_login(client, "198.51.100.8") == 200


def test_the_real_client_address_is_the_one_the_proxy_saw(app_factory):
    app = app_factory(PROXY_HOPS=1)
    seen = {}

    def probe(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return [b""]

    app.wsgi_app.app = probe  # ProxyFix is outermost: look at what it hands inward
    app.test_client().get("/", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.5",
                                        "X-Forwarded-Proto": "https"})
    assert seen["REMOTE_ADDR"] == "203.0.113.5" and seen["wsgi.url_scheme"] == "https"


def test_without_a_proxy_forwarded_headers_are_ignored(app_factory):
    app = app_factory()
    make_user("alice")
    client = app.test_client()
    answers = [_wrong_login(client, f"198.51.100.{n}") for n in range(7)]
    assert answers[-1] == 429  # every attempt counted against the one real address


def test_proxy_hops_must_be_a_number(app_factory):
    with pytest.raises(ValueError, match="FORUM_PROXY_HOPS"):
        app_factory(PROXY_HOPS="two")


def test_a_real_login_still_works_behind_the_proxy(app_factory):
    app = app_factory(PROXY_HOPS=1)
    make_user("alice")
    answer = app.test_client().post("/login", data={"username": "alice", "password": PASSWORD},
                                    headers={"X-Forwarded-For": "198.51.100.9"})
    assert answer.status_code == 302

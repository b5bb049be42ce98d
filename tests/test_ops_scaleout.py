"""Two app hosts on one PostgreSQL and one Redis (issue #13): the app keeps no state in
its processes, so whichever host answers, the member sees the same forum."""
import re

import pytest
import redis

from .factories import PASSWORD
from .ops_support import (Client, build_schema, forum_env, free_port, fresh_pg_database,
                          redis_url, start_gunicorn, stop)

PREFIX = "ops-scaleout"


def forget_limits():
    store = redis.Redis.from_url(redis_url())
    for key in store.scan_iter(f"*{PREFIX}*"):
        store.delete(key)


@pytest.fixture(autouse=True)
def clean_limits():
    """Every test logs in from 127.0.0.1: each starts with a fresh login allowance."""
    forget_limits()


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    database = fresh_pg_database("ops_scaleout")
    build_schema(database)
    logs = tmp_path_factory.mktemp("hosts")
    ports = [free_port(), free_port()]
    processes = [start_gunicorn(forum_env(database, FORUM_RATELIMIT_KEY_PREFIX=PREFIX),
                                port, logs / f"host{n}.log")
                 for n, port in enumerate(ports)]
    yield ports
    for process in processes:
        stop(process)


def test_a_member_logged_in_on_one_host_is_logged_in_on_the_other(two_hosts):
    first, second = two_hosts
    member = Client(first)
    assert member.log_in("alice", PASSWORD).status == 302
    member.port = second
    page = member.request("GET", "/settings")
    assert page.status == 200 and "alice" in page.text


def test_a_post_written_on_one_host_appears_on_the_other(two_hosts):
    first, second = two_hosts
    member = Client(first)
    member.log_in("bob", PASSWORD)
    home = member.request("GET", "/").text
    thread = re.search(r'href="/t/(\d+)"', home).group(1)
    sent = member.post_form(f"/t/{thread}/reply", f"/t/{thread}",
                            {"body": "Written through the first host, read on the second."})
    assert sent.status == 302
    reader = Client(second)
    assert "Written through the first host" in reader.request("GET", f"/t/{thread}").text


def test_a_login_throttle_triggered_through_one_host_holds_on_the_other(two_hosts):
    first, second = two_hosts
    guesser = Client(first)
    answers = [guesser.log_in("tess", "not her password").status for _ in range(6)]
    assert 429 not in answers  # six per minute are allowed from one address
    guesser.port = second
    assert guesser.log_in("tess", "not her password").status == 429


def test_log_out_everywhere_on_one_host_ends_the_session_on_both(two_hosts):
    first, second = two_hosts
    laptop, phone = Client(first), Client(second)
    laptop.log_in("alice", PASSWORD)
    phone.log_in("alice", PASSWORD)
    assert phone.request("GET", "/settings").status == 200
    assert laptop.post_form("/settings/logout-everywhere", "/settings", {}).status == 302
    for device, port in ((laptop, first), (phone, second), (phone, first)):
        device.port = port
        assert device.request("GET", "/settings").status == 302  # to the login page

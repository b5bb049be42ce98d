"""With Redis as storage, throttling holds across workers (processes) and restarts."""
import os

import pytest
import redis

from forum.extensions import limiter

from .factories import make_user

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_app_factory(app_factory):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not running at {REDIS_URL} ({error}); `make test` starts it.")
    return lambda **kw: app_factory(RATELIMIT_STORAGE_URI=REDIS_URL, **kw)


def test_login_limit_is_shared_by_two_workers(redis_app_factory):
    first_worker = redis_app_factory()
    make_user("alice")
    for _ in range(6):
        first_worker.test_client().post("/login", data={"username": "alice", "password": "wrong-password"})
    # A second worker process starts with empty memory but the same Redis.
    second_worker = redis_app_factory(reset_limits=False)
    make_user("alice")
    response = second_worker.test_client().post("/login", data={"username": "alice",
                                                              "password": "wrong-password"})
    assert response.status_code == 429
    assert any(key.startswith(b"LIMITS:") for key in redis.Redis.from_url(REDIS_URL).keys())
    limiter.reset()

"""Rate limits counted in Redis are shared by every app process: two app instances (two gunicorn
workers, or two machines) together allow no more than the limit. With memory:// each would
allow it in full, which is why production sets RATELIMIT_STORAGE_URI=redis://….

Needs the local Redis on 127.0.0.1:6379 (database 15; the test client comes from an address of
its own, whose keys are deleted afterwards). Skipped with a message when it is not running,
except in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app import create_app
from config import TestConfig
from tests.app.conftest import FreshContextClient, csrf_token_from

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}): shared rate-limit storage not tested"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    address = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])  # the keys are per client address
    yield REDIS_URL, address
    for key in client.scan_iter(f"*/{address}/*"):
        client.delete(key)
    client.close()


# Another process: Flask-Limiter keeps one storage per process, so "another worker" has to be
# another process for the test to mean anything.
OTHER_WORKER = """
import json, sys
from app import create_app
from config import TestConfig
from tests.app.web.test_rate_limits_shared import _wrong_password
app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2])
from tests.app.conftest import FreshContextClient
app.test_client_class = FreshContextClient
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = sys.argv[3]
print(json.dumps([_wrong_password(client) for _ in range(int(sys.argv[4]))]))
"""
ROOT = Path(__file__).resolve().parents[3]


def _client(database_url: str, redis_url: str, address: str):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=redis_url)
    app.test_client_class = FreshContextClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _wrong_password(client) -> int:
    token = csrf_token_from(client.get("/connexion").get_data(as_text=True))
    return client.post("/connexion", data={"email": "nobody@example.org", "password": "wrong",
                                           "csrf_token": token}).status_code


def _other_worker(database_url: str, redis_url: str, address: str, attempts: int) -> list[int]:
    done = subprocess.run([sys.executable, "-c", OTHER_WORKER, database_url, redis_url, address, str(attempts)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_app_processes_share_one_login_limit(database_url, redis_url):
    """The sign-in form allows 10 attempts a minute from one address, whichever worker answers."""
    url, address = redis_url
    here = _client(database_url, url, address)
    assert [_wrong_password(here) for _ in range(6)] == [200] * 6
    assert _other_worker(database_url, url, address, 5) == [200] * 4 + [429]
    assert _wrong_password(here) == 429

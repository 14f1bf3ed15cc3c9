"""Several servers count one allowance together when their rate limits live in Redis."""
import json
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from widget_server.models import Site

from .helpers import ORIGIN
from .live import LiveServer, free_port, wait_for_port

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def redis_url():
    if not shutil.which(REDIS):
        pytest.fail("redis-server is missing: install it with `apt-get install -y redis-server`")
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, process)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def answer(server, site_key, number):
    body = json.dumps({"site": site_key, "id": f"shared-{number:013d}", "touchpoint": "kb-article",
                       "scale": "ease5", "score": 4}).encode()
    request = urllib.request.Request(f"{server.url}/api/v1/answers", data=body, method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": ORIGIN})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


def test_two_servers_share_one_site_allowance_through_redis(tmp_path, redis_url):
    first = LiveServer(tmp_path / "one", RATELIMIT_STORAGE_URI=redis_url, RATE_LIMIT_PER_SITE="4 per minute")
    (tmp_path / "one").mkdir()
    site_key = first.in_app(lambda: Site.create_with_key("Shared", [ORIGIN]).key)
    # The second server uses the same database and the same Redis, as behind a load balancer.
    second = LiveServer(tmp_path / "two", RATELIMIT_STORAGE_URI=redis_url, RATE_LIMIT_PER_SITE="4 per minute")
    second.env["DATABASE_URL"] = first.env["DATABASE_URL"]
    servers = [first, second]
    for server in servers:
        server.start()
    try:
        results = [answer(servers[number % 2], site_key, number) for number in range(6)]
    finally:
        for server in servers:
            server.stop()

    assert [status for status, _ in results] == [201, 201, 201, 201, 429, 429]
    assert all(int(retry_after) > 0 for _, retry_after in results[4:])

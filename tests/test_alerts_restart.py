"""Alerts survive a crash: a real server, killed between a failed attempt and its retry,
delivers the alert after it starts again, exactly once."""
import json
import time
import urllib.request

from widget_server import webhooks
from widget_server.models import Site

from .helpers import ORIGIN
from .live import LiveServer
from .receiver import Receiver


def wait_until(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_an_alert_queued_before_a_crash_is_delivered_once_after_the_restart(tmp_path):
    receiver = Receiver(statuses=[500])
    server = LiveServer(tmp_path, ALERT_ALLOWED_NETWORKS="127.0.0.1/32")
    try:
        site_key = server.in_app(lambda: Site.create_with_key("Help", [ORIGIN]).key)
        server.in_app(lambda: webhooks.create_webhook(Site.get(Site.key == site_key), receiver.url, "difficult",
                                                      allowed_networks=("127.0.0.1/32",), grace_seconds=0))
        server.start()
        body = json.dumps({"site": site_key, "id": "r" * 20, "touchpoint": "kb-article", "scale": "agreement7",
                           "score": 1}).encode()
        request = urllib.request.Request(f"{server.url}/api/v1/answers", data=body, method="POST",
                                         headers={"Content-Type": "text/plain", "Origin": ORIGIN})
        assert urllib.request.urlopen(request, timeout=5).status == 201

        wait_until(lambda: server.rows("SELECT attempts FROM delivery") == [{"attempts": 1}])
        server.kill()
        # The retry's pause passes while the server is down.
        server.rows("UPDATE delivery SET next_attempt_at = '2000-01-01 00:00:00'")
        server.start()
        wait_until(lambda: server.rows("SELECT status FROM delivery") == [{"status": "delivered"}])
        # One delivery row, done: no worker round has anything more to send.

        assert [status for status, _, _ in receiver.received] == [500, 200]
        first, second = (headers["webhook-id"] for _, headers, _ in receiver.received)
        assert first == second
        assert len(receiver.successes()) == 1
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
        receiver.close()

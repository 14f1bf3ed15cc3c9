"""An alert for a new answer waits for the customer's follow-up, up to its target's grace
period, so it carries the reasons and the comment that say what went wrong; it then goes
with what it has. One alert per answer and target either way, across restarts. Checked
against a running server with its own alert worker."""
import json
import time
import urllib.request

import pytest

from widget_server import webhooks

from .helpers import ORIGIN
from .live import LiveServer
from .receiver import Receiver

SECRET = "grace-period-answer-secret-" + "g" * 8


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path, ALERT_ALLOWED_NETWORKS="127.0.0.0/8")
    live.start()
    yield live
    live.stop()


def post(server, path, body):
    request = urllib.request.Request(f"{server.url}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": ORIGIN})
    return urllib.request.urlopen(request, timeout=5).status


def site_with_target(server, receiver, grace_seconds):
    def work():
        from widget_server.models import Site

        site = Site.create_with_key("Grace", [ORIGIN])
        webhooks.create_webhook(site, receiver.url, "difficult", grace_seconds=grace_seconds,
                                allowed_networks=("127.0.0.0/8",))
        return site.key
    return server.in_app(work)


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_alert_waits_for_the_follow_up_and_carries_its_reasons(server, receiver):
    key = site_with_target(server, receiver, grace_seconds=60)
    post(server, "/api/v1/answers", {"site": key, "id": "w" * 20, "secret": SECRET, "touchpoint": "kb-article",
                                     "scale": "agreement7", "score": 2})
    # Queued, due only when the grace period ends: no worker round can send it before.
    (due,) = server.rows("SELECT status, attempts, next_attempt_at > created_at AS later FROM delivery")
    assert (due["status"], due["attempts"], bool(due["later"])) == ("pending", 0, True)
    assert receiver.received == []

    post(server, f"/api/v1/answers/{'w' * 20}/follow-up",
         {"site": key, "secret": SECRET, "reasons": ["not-found"], "comment": "The steps were for the old app"})

    assert wait_for(lambda: receiver.received, 10), "the follow-up did not send the alert"
    answer = json.loads(receiver.received[0][2])["answer"]
    assert (answer["reasons"], answer["comment"]) == (["not-found"], "The steps were for the old app")
    # One delivery for the answer and target, and it is done: nothing else can be sent.
    assert server.wait_for_rows("SELECT 1 FROM delivery WHERE status = 'delivered'")
    assert server.rows("SELECT count(*) AS n FROM delivery") == [{"n": 1}]


def test_without_a_follow_up_the_alert_goes_when_the_grace_period_ends(server, receiver):
    key = site_with_target(server, receiver, grace_seconds=2)
    sent_at = time.monotonic()
    post(server, "/api/v1/answers", {"site": key, "id": "n" * 20, "secret": SECRET, "touchpoint": "kb-article",
                                     "scale": "agreement7", "score": 1})

    assert wait_for(lambda: receiver.received, 15)
    assert time.monotonic() - sent_at >= 2
    answer = json.loads(receiver.received[0][2])["answer"]
    assert (answer["reasons"], answer["comment"]) == ([], "")
    # A follow-up after the alert went changes nothing: one alert per answer and target.
    assert server.wait_for_rows("SELECT 1 FROM delivery WHERE status = 'delivered'")
    post(server, f"/api/v1/answers/{'n' * 20}/follow-up", {"site": key, "secret": SECRET, "comment": "Too late"})
    # The follow-up queued nothing more: the one delivery is the one already sent.
    assert server.rows("SELECT status, attempts FROM delivery") == [{"status": "delivered", "attempts": 1}]


def test_an_alert_waiting_through_a_restart_goes_once_with_its_reasons(server, receiver):
    key = site_with_target(server, receiver, grace_seconds=60)
    post(server, "/api/v1/answers", {"site": key, "id": "k" * 20, "secret": SECRET, "touchpoint": "kb-article",
                                     "scale": "agreement7", "score": 1})
    # Queued, and not due before the grace period ends.
    assert server.rows("SELECT status, attempts FROM delivery") == [{"status": "pending", "attempts": 0}]
    server.kill()
    server.start()

    post(server, f"/api/v1/answers/{'k' * 20}/follow-up", {"site": key, "secret": SECRET, "reasons": ["repeat"]})

    assert server.wait_for_rows("SELECT 1 FROM delivery WHERE status = 'delivered'")
    # One queued delivery for the answer and target, so nothing else can follow it.
    assert server.rows("SELECT count(*) AS n FROM delivery") == [{"n": 1}]
    (_, _, body), = receiver.received
    assert json.loads(body)["answer"]["reasons"] == ["repeat"]

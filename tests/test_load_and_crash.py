"""Several gunicorn processes on one database (a SQLite file by default): a burst of answers loses none and
stores none twice, also when the servers are killed with SIGKILL in the middle of it."""
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from widget_server import create_app
from widget_server.db import flask_db
from widget_server.models import Site

from . import databases
from .helpers import ORIGIN
from .live import free_port, wait_for_port

WORKERS = 3


class Gunicorn:
    """The production server as the README runs it, in its own process group."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = databases.fresh_url(tmp_path, "load")
        self.env = dict(os.environ, DATABASE_URL=self.database_url, INSTANCE_PATH=str(tmp_path / "instance"),
                        SECRET_KEY="load-test", ALERT_WORKER="0", RATE_LIMIT_PER_CLIENT="1000000 per minute",
                        RATE_LIMIT_PER_SITE="1000000 per minute")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}", "--log-level",
             "warning", "widget_server:create_app()"],
            env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port, self.process, timeout=20)

    def kill(self):
        """SIGKILL the master and every worker at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)

    def site(self):
        app = create_app({"DATABASE_URL": self.env["DATABASE_URL"], "INSTANCE_PATH": self.env["INSTANCE_PATH"],
                          "SECRET_KEY": "load-test"})
        with app.app_context():
            key = Site.create_with_key("Load", [ORIGIN]).key
        flask_db.database.close()
        return key


def send(url, site_key, number):
    # As the widget does: a retry carries the answer's secret, so the server knows it for one.
    body = json.dumps({"site": site_key, "id": f"burst-{number:014d}", "secret": f"burst-secret-{number:020d}",
                       "touchpoint": "kb-article", "scale": "agreement7", "score": 1 + number % 7}).encode()
    request = urllib.request.Request(f"{url}/api/v1/answers", data=body, method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": ORIGIN})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def servers(tmp_path):
    gunicorn = Gunicorn(tmp_path)
    yield gunicorn
    gunicorn.stop()


def stored(database_url):
    return [row["key"] for row in databases.rows(database_url, "SELECT key FROM answer")]


def test_a_burst_on_several_processes_stores_every_acknowledged_answer_once(servers):
    site_key = servers.site()
    servers.start()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda number: send(servers.url, site_key, number), range(600)))

    statuses = [status for status, _ in results]
    assert [status for status in statuses if status >= 500] == []
    assert not any(b"locked" in body for _, body in results)
    assert statuses.count(201) == 600
    keys = stored(servers.database_url)
    assert len(keys) == len(set(keys)) == 600


def test_killed_mid_burst_loses_nothing_acknowledged_and_retries_store_no_duplicates(servers):
    site_key = servers.site()
    servers.start()
    acknowledged = set()
    interrupted = []
    lock = threading.Lock()

    def answer_until_acknowledged(number):
        # What the widget does: the same id again until the server says it has it.
        for _ in range(200):
            try:
                status, _ = send(servers.url, site_key, number)
            except (OSError, http.client.HTTPException):
                # Cut off by the kill, before or while the answer came back: try again.
                status = None
                interrupted.append(number)
            if status in (200, 201):
                with lock:
                    acknowledged.add(number)
                return status
            assert status is None or status == 503 or status < 500, status
            time.sleep(0.05)
        raise AssertionError(f"answer {number} never acknowledged")

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(answer_until_acknowledged, number) for number in range(800)]
        while len(acknowledged) < 200:
            time.sleep(0.01)
        before_crash = set(acknowledged)
        servers.kill()
        # Everything acknowledged before the crash is on disk, before any restart.
        assert before_crash <= {int(key.removeprefix("burst-")) for key in stored(servers.database_url)}
        servers.start()
        for future in futures:
            future.result()

    # The kill really landed in the middle of traffic.
    assert interrupted

    keys = stored(servers.database_url)
    assert len(keys) == len(set(keys)) == 800
    if not databases.ON_POSTGRESQL:
        assert databases.rows(servers.database_url, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    # The summary's counts were written in the same transactions: none half-done.
    assert databases.rows(servers.database_url, "SELECT SUM(answers) AS total FROM scorecount") == [{"total": 800}]

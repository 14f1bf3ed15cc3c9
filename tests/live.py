"""The real server in its own process, and helpers to wait for it: shared by the browser
tests, the tests that restart a server, and the benchmarks."""
import os
import socket
import subprocess
import sys
import time

from widget_server import create_app
from widget_server.db import flask_db
from widget_server.models import Site

from . import databases


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = " ".join(text for text in process.communicate() if text)
            raise RuntimeError(f"server exited early: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


class LiveServer:
    """The app in its own process, as `widget-server run` serves it."""

    def __init__(self, tmp_path, **settings):
        self.port = free_port()
        # The server logs every request: to a file, since a pipe nobody reads fills up and
        # then blocks the server mid-request.
        self.log = tmp_path / f"server-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            DATABASE_URL=databases.fresh_url(tmp_path, "live"),
            INSTANCE_PATH=str(tmp_path / "instance"),
            SECRET_KEY="browser-test-secret",
            PUBLIC_URL=self.url,
            # Every test page comes from 127.0.0.1: one "client" doing a whole module's work.
            RATE_LIMIT_PER_CLIENT="100000 per minute",
            **settings,
        )
        self.process = None

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "widget_server.cli", "run", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, text=True,
            )
        try:
            wait_for_port(self.port, self.process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{self.log.read_text()[-4000:]}") from None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def kill(self):
        """Stop the server the hard way, as a crash or a power cut would."""
        self.process.kill()
        self.process.wait(timeout=10)

    def add_site(self, origins, **settings):
        """Create a site in the server's database and return its key."""
        return self.in_app(lambda: Site.create_with_key("Browser test", origins, **settings).key)

    def in_app(self, work):
        """Run `work` against the server's database, from this process."""
        app = create_app({key: self.env[key] for key in ("DATABASE_URL", "INSTANCE_PATH", "SECRET_KEY")})
        try:
            with app.app_context():
                return work()
        finally:
            flask_db.database.close()

    def answers(self, site_key, where="1 = 1", count=1):
        """Wait for and return a site's answers matching `where` (the server writes async)."""
        return self.wait_for_rows(
            f"SELECT * FROM answer WHERE site_id = (SELECT id FROM site WHERE key = ?) AND {where} ORDER BY id",
            site_key, count=count)

    def impressions(self, site_key, count=1):
        return self.wait_for_rows(
            "SELECT * FROM impression WHERE site_id = (SELECT id FROM site WHERE key = ?) ORDER BY id",
            site_key, count=count)

    def rows(self, sql, *params):
        """Run SQL on the server's database from this process: for reading, and for the rare
        test that must change a row behind the server's back."""
        return databases.rows(self.env["DATABASE_URL"], sql, *params)

    def wait_for_rows(self, sql, *params, count=1, timeout=10):
        """Poll until the query returns `count` rows; the widget writes asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.rows(sql, *params)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)



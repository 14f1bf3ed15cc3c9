"""Real-browser fixtures: Debian's Chromium driven by Playwright, the real server in its own
process, and host pages served from another origin, the way customers meet the widget."""
import html
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from widget_server import create_app
from widget_server.db import flask_db
from widget_server.models import Site

CHROMIUM = os.environ.get("CES_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps calling Google services this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = Path(__file__).parent / "pages"
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """The app in its own process, as `widget-server run` serves it."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = tmp_path / "live.sqlite3"
        self.env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{self.db_path}",
            INSTANCE_PATH=str(tmp_path / "instance"),
            SECRET_KEY="browser-test-secret",
            PUBLIC_URL=self.url,
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "widget_server.cli", "run", "--port", str(self.port)],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        wait_for_port(self.port, self.process)

    def stop(self):
        self.process.terminate()
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

    def answers(self, site_key, where="1", count=1):
        """Wait for and return a site's answers matching `where` (the server writes async)."""
        return self.wait_for_rows(
            f"SELECT * FROM answer WHERE site_id = (SELECT id FROM site WHERE key = ?) AND {where} ORDER BY id",
            site_key, count=count)

    def impressions(self, site_key, count=1):
        return self.wait_for_rows(
            "SELECT * FROM impression WHERE site_id = (SELECT id FROM site WHERE key = ?) ORDER BY id",
            site_key, count=count)

    def rows(self, sql, *params):
        with sqlite3.connect(self.db_path) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql, params)]

    def wait_for_rows(self, sql, *params, count=1, timeout=10):
        """Poll until the query returns `count` rows; the widget writes asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.rows(sql, *params)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


class HostPages(BaseHTTPRequestHandler):
    """Serves tests/browser/pages/NAME.html with __API__, __SCRIPT__, __SITE__ and __LANG__ filled in
    from the query string; with csp=strict, under a Content-Security-Policy that allows
    scripts and connections only from the page itself and the widget's origin."""

    def do_GET(self):
        parts = urlsplit(self.path)
        path = PAGES / parts.path.lstrip("/")
        if not path.is_file() or PAGES not in path.resolve().parents:
            self.send_error(404)
            return
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        body = path.read_text(encoding="utf-8")
        for name in ("API", "SCRIPT", "SITE", "LANG"):
            body = body.replace(f"__{name}__", html.escape(query.get(name.lower(), "")))
        self.send_response(200)
        content_type = "text/html" if path.suffix == ".html" else "text/javascript"
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        if query.get("csp") == "strict":
            widget_origin = query.get("api", "")
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; script-src 'self' {widget_origin}; connect-src {widget_origin}; "
                "style-src 'self'; img-src 'self'",
            )
        self.end_headers()
        self.wfile.write(body.encode("utf-8"))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def host_origin():
    """Host pages live on localhost, the API on 127.0.0.1: two different origins."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


class Visit:
    """One browser context and page, with every page error and request recorded."""

    def __init__(self, browser, live_server, host_origin, **context_options):
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.live_server = live_server
        self.host_origin = host_origin
        self.errors = []
        self.console = []
        self.requests = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("request", lambda request: self.requests.append(f"{request.method} {request.url}"))

    def open(self, page_name, site, api=None, script=None, lang="en", csp=None):
        api = api or self.live_server.url
        script = script or f"{self.live_server.url}/widget.js"
        query = urlencode({"site": site, "api": api, "script": script, "lang": lang, "csp": csp or ""})
        self.page.goto(f"{self.host_origin}/{page_name}?{query}")
        return self.page

    def prompt(self, nth=0):
        return self.page.locator("ces-prompt").nth(nth)

    def api_requests(self, path):
        return [request for request in self.requests if f"/api/v1/{path}" in request]


@pytest.fixture
def visit(browser, live_server, host_origin, request):
    visits = []

    def start(**context_options):
        context_options.setdefault("viewport", {"width": 1000, "height": 800})
        new_visit = Visit(browser, live_server, host_origin, **context_options)
        visits.append(new_visit)
        return new_visit

    yield start
    call = getattr(request.node, "rep_call", None)
    for each in visits:
        if call is not None and call.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            each.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
        each.context.close()
        # The widget must never throw into the host page.
        assert each.errors == [], each.errors


@pytest.fixture
def site_key(live_server, host_origin):
    return live_server.add_site([host_origin])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)

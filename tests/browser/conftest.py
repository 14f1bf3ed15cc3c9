"""Real-browser fixtures: Debian's Chromium driven by Playwright, the real server in its own
process, and host pages served from another origin, the way customers meet the widget."""
import datetime
import html
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from widget_server.build import served_selector as served
from widget_server.models import AdminUser, Site

from ..helpers import store

from ..live import LiveServer, free_port, wait_for_port  # noqa: F401 - tests import them from here

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


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


class HostPages(BaseHTTPRequestHandler):
    """Serves tests/browser/pages/NAME.html with __API__, __SCRIPT__, __SITE__, __LANG__ and __TO__ filled in
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
        for name in ("API", "SCRIPT", "SITE", "LANG", "TO"):
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


# Every prompt's host element in page order, as JavaScript: a floating prompt's is in the
# page, an inline prompt's in its container's shadow root (or, where the container allows
# none, its child).
PROMPT_HOSTS = """[...document.querySelectorAll('ces-prompt, [data-ces-touchpoint]')].flatMap((el) =>
  el.localName == 'ces-prompt' ? [el] : [...(el.shadowRoot?.querySelectorAll('ces-prompt') ?? [])])"""
# The element that has focus, inside however many shadow roots, as JavaScript.
FOCUSED = """(() => { let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el; })()"""


# The page's fetch calls as "METHOD URL", recorded in the page as each call is made: a
# request that must not be sent is ruled out as soon as what would send it has run (the
# browser reports requests to Playwright on a schedule of its own).
RECORD_FETCHES = """
  const pageFetch = window.fetch;
  window.fetchesMade = [];
  window.fetch = function (resource, options) {
    window.fetchesMade.push(`${(options && options.method) || 'GET'} ${resource}`);
    return pageFetch.apply(this, arguments);
  };
"""

# Whether a resource whose URL contains each of the parts has arrived.
ARRIVED = """(parts) => parts.every((part) => performance.getEntriesByType('resource')
  .some((entry) => entry.name.includes(part) && entry.responseEnd > 0))"""
AFTER_A_TASK_AND_A_FRAME = "() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => done())))"


class Visit:
    """One browser context and page, with every page error and request recorded."""

    def __init__(self, browser, live_server, host_origin, **context_options):
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(RECORD_FETCHES)
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
        """The nth prompt as Playwright finds them (its selectors reach into shadow roots):
        inline and floating prompts may not come in page order, so tests with both on a page
        find the floating one by its role."""
        return self.page.locator("ces-prompt").nth(nth)

    def scale(self, nth=0):
        """The buttons of the nth prompt's scale."""
        return self.prompt(nth).locator(served(".scale button"))

    def api_requests(self, path):
        return [request for request in self.requests if f"/api/v1/{path}" in request]

    def fetched(self, path):
        """The page's fetch calls so far to the API's `path`, as they were made."""
        return [call for call in self.page.evaluate("window.fetchesMade") if f"/api/v1/{path}" in call]

    def settled(self, *responses):
        """Wait until the widget has done all it does on its own with these responses (each
        named by a part of its URL, such as "/config" or "/widget-overlay."): it acts on a
        response at once or in a 0 ms timer, so a macrotask and an animation frame after its
        arrival it is done. Then whatever it did not do, it will not do: a test can assert
        that no prompt, or no request, came."""
        self.page.wait_for_function(ARRIVED, arg=list(responses))
        self.page.evaluate(AFTER_A_TASK_AND_A_FRAME)


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


@pytest.fixture(scope="module")
def seeded_site(live_server):
    """A site with a clearly hardest article and answers in two touchpoints; its key."""
    def work():
        site = Site.create_with_key("Northwind Help", ["https://help.example.com"])
        admin = AdminUser(username="olivia")
        admin.set_password("correct horse battery")
        admin.save()
        today = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        plan = [("kb-reset-password", "kb-article", [1, 2, 2, 3, 1, 6, 7, 2, 1, 5, 2, 1]),
                ("kb-shipping", "kb-article", [7, 6, 7, 5, 6, 7, 7, 6, 2, 7, 6, 7]),
                ("/orders/track", "self-service", [6, 5, 4, 7, 3, 6, 5, 7, 6, 7, 2, 6])]
        number = 0
        for ref, touchpoint, scores in plan:
            for day, score in enumerate(scores):
                number += 1
                store(site, {
                    "key": f"admin-browser-{number:06d}", "touchpoint": touchpoint, "scale": "agreement7",
                    "score": score, "ref": ref, "created_at": today - datetime.timedelta(days=day),
                    "reasons": ["not-found", "unclear"] if score <= 3 else [],
                    "comment": f"Step {number} did not match the screen" if score <= 2 else ""})
        return site.key
    return live_server.in_app(work)


@pytest.fixture
def site_key(live_server, host_origin):
    return live_server.add_site([host_origin])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)

"""What the widget costs the page it is pasted into, measured in headless Chromium.

    python bench/widget_runtime.py [--runs 7]

Starts the real server (a new SQLite file, one site) and a host page on another origin,
then loads, with Playwright driving Debian's Chromium (/usr/bin/chromium):

- the baseline: the same host page with a 200-byte script, also from another origin, that
  fetches the same configuration and then puts one plain button into the same box (the
  least any prompt that needs its settings can do);
- the widget, inline in a reserved box (a knowledge-base article);
- the widget as an overlay (a self-service page, data-ces-auto with no delay);
- CES.ask on a page with the widget loaded: the time from the call to its dialog on
  screen, the first time (its placement module fetched then) and on the next page view of
  the same browser (the module in the browser's cache).

For each it prints the median over --runs fresh page loads of: time from the script's
first statement to a rating button in the page (the config's round trip included); long
tasks (over 50 ms), and frames whose tasks and rendering blocked the page over 50 ms with
the widget's own code among their scripts (Chromium's long animation frame timings, which
count the rendering that long task timings leave out); cumulative layout shift; requests
made before the prompt showed; and, after a click on a rating, whether any preflight
(OPTIONS) was sent. The interactive time is also given as a ratio to the baseline's.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widget_server import create_app  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import Site  # noqa: E402
from tests.live import free_port, wait_for_port  # noqa: E402
from widget_server.build import served_selector  # noqa: E402

CHROMIUM = os.environ.get("CES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Recorded from the first moment of the page: long tasks, layout shifts, and the moment a
# rating button is first on screen (in a ces-prompt's shadow root, or the baseline's button).
PROBE = """
<script>
  window.probe = {longTasks: [], shift: 0, shownAt: null, paintedAt: null, ranAt: null};
  // A script's first statement reads document.currentScript: that moment is when it runs.
  const currentScript = Object.getOwnPropertyDescriptor(Document.prototype, "currentScript").get;
  Object.defineProperty(Document.prototype, "currentScript", {configurable: true, get() {
    if (probe.ranAt === null) probe.ranAt = performance.now();
    return currentScript.call(this);
  }});
  new PerformanceObserver(list => list.getEntries().forEach(entry => probe.longTasks.push(entry.duration)))
    .observe({type: "longtask", buffered: true});
  // Frames that blocked the page over 50 ms (rendering included), with the scripts that ran
  // in them: on a shared machine the browser has long tasks of its own (parsing, a stalled
  // layout) with no script in them.
  probe.longFrames = [];
  new PerformanceObserver(list => list.getEntries().forEach(entry => {
    if (entry.blockingDuration > 0) probe.longFrames.push({duration: entry.duration,
      scripts: entry.scripts.map(script => ({url: script.sourceURL, duration: script.duration}))});
  })).observe({type: "long-animation-frame", buffered: true});
  new PerformanceObserver(list => list.getEntries().forEach(entry => {
    if (!entry.hadRecentInput) probe.shift += entry.value;
  })).observe({type: "layout-shift", buffered: true});
  const check = () => {
    if (probe.shownAt !== null) return;
    // A floating prompt's host is in the page, an inline one's in its container's shadow root.
    const host = document.querySelector("ces-prompt") || [...document.querySelectorAll("[data-ces-touchpoint]")]
      .map((container) => container.shadowRoot?.querySelector("ces-prompt")).find(Boolean);
    // A floating card stays hidden until it is placed: watch inside it for that too.
    if (host && !host.watched) {
      host.watched = true;
      new MutationObserver(check).observe(host.shadowRoot, {childList: true, subtree: true, attributes: true});
    }
    const card = host && host.shadowRoot.querySelector("__CARD__");
    const ready = host ? card && card.querySelector("button") && getComputedStyle(card).visibility != "hidden"
                       : document.querySelector("#baseline-button");
    if (!ready) return;
    probe.shownAt = performance.now();
    // Painted: the frame after the one that draws it has begun (a task queued from the
    // next animation frame runs once that frame is out).
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { probe.paintedAt = performance.now(); };
      channel.port2.postMessage(0);
    });
  };
  new MutationObserver(check).observe(document.documentElement, {childList: true, subtree: true});
  // What goes into shadow roots (an inline prompt's, in its container's) is not seen from
  // the document: each new shadow root is watched too.
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    new MutationObserver(check).observe(root, {childList: true, subtree: true});
    return root;
  };
</script>
""".replace("__CARD__", served_selector(".card"))
# Styled as help centres are, with the system's sans-serif font: an unstyled page would
# leave the widget to pay for the page's first font look-up.
ARTICLE = "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto}</style>" \
    "<h1>How do I reset my password?</h1>" + "<p>Open Settings, then Security, and choose Reset.</p>" * 12
PAGES = {
    "baseline": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{PROBE}</head><body>{ARTICLE}
<div id="box" style="min-height: 150px"></div>
<script async src="__BASELINE__/bench-baseline.js" data-config="__API__/api/v1/sites/__SITE__/config?lang=en"></script></body></html>""",
    "inline": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{PROBE}</head><body>{ARTICLE}
<div id="box" style="min-height: 150px" data-ces-touchpoint="kb-article" data-ces-ref="kb-reset"></div>
<script async src="__API__/widget.js" data-site="__SITE__"></script></body></html>""",
    "ask": f"""<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>{ARTICLE}
<script async src="__API__/widget.js" data-site="__SITE__"></script></body></html>""",
    "overlay": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{PROBE}</head><body>{ARTICLE}
<script async src="__API__/widget.js" data-site="__SITE__" data-ces-auto="self-service"></script></body></html>""",
}
BASELINE_SCRIPT = (b'(()=>{let s=document.currentScript;fetch(s.dataset.config).then(r=>r.json()).then(()=>{'
                   b'let b=document.createElement("button");b.id="baseline-button";b.textContent="1";'
                   b'document.getElementById("box").append(b)})})();')


class Server:
    """The real app in its own process (`widget-server run`), on a new SQLite file."""

    def __init__(self, folder, host_origin):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        database_url = f"sqlite:///{folder}/runtime.sqlite3"
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": folder, "SECRET_KEY": "benchmark"})
        with app.app_context():
            # Shown to every visitor, at once: the overlay opens without waiting.
            self.site_key = Site.create_with_key("Runtime benchmark", [host_origin], sample_percent=100,
                                                 auto_delay_seconds=0).key
        flask_db.database.close()
        env = dict(os.environ, DATABASE_URL=database_url, INSTANCE_PATH=folder, SECRET_KEY="benchmark",
                   RATE_LIMIT_PER_CLIENT="100000 per minute")
        self.process = subprocess.Popen([sys.executable, "-m", "widget_server.cli", "run", "--port", str(self.port)],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, timeout=20)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class HostPages:
    """Serves the pages on http://localhost:PORT, and the baseline's script on
    http://127.0.0.1:PORT: another origin, as the widget's server is."""

    def __init__(self):
        self.api = self.site_key = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        port = self.server.server_address[1]
        self.origin, self.script_origin = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handler(self):
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.strip("/").split("?")[0]
                if name == "bench-baseline.js":
                    self.reply("text/javascript", BASELINE_SCRIPT)
                elif name in PAGES:
                    body = (PAGES[name].replace("__API__", pages.api).replace("__SITE__", pages.site_key)
                            .replace("__BASELINE__", pages.script_origin))
                    self.reply("text/html; charset=utf-8", body.encode())
                else:
                    self.send_error(404)

            def reply(self, content_type, body):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def load(browser, url, script_name, script_origin):
    """Load one page in a fresh context; return its figures."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append((time.monotonic(), request.method, request.url)))
    page.goto(url)
    page.wait_for_function("probe.paintedAt !== null", timeout=10_000)
    page.wait_for_timeout(300)  # layout shifts and long tasks that follow the prompt
    figures = page.evaluate(f"""() => {{
        const script = performance.getEntriesByType("resource").find(entry => entry.name.includes("{script_name}"));
        const before = performance.getEntriesByType("resource").filter(entry => entry.startTime <= probe.shownAt);
        const config = performance.getEntriesByType("resource").find(entry => entry.name.includes("/config"));
        return {{interactive: probe.shownAt - probe.ranAt, painted: probe.paintedAt - probe.ranAt, arrivedToRun: probe.ranAt - script.responseEnd,
                 afterConfig: config ? probe.shownAt - config.responseEnd : 0,
                 configFetch: config ? config.responseEnd - config.startTime : 0,
                 configAsked: config ? config.startTime - probe.ranAt : 0, longTasks: probe.longTasks,
                 shift: probe.shift, requestsBefore: before.length, longFrames: probe.longFrames}};
    }}""")
    # The blocking frames in which a script from the widget's (or baseline's) origin ran.
    figures["ownLongFrames"] = []
    for frame in figures.pop("longFrames"):
        own = [script["duration"] for script in frame["scripts"] if script["url"].startswith(script_origin)]
        if own:
            figures["ownLongFrames"].append({"duration": frame["duration"], "script": sum(own)})
    clicked = len(requests)
    host = page.locator("ces-prompt")
    if host.count():
        host.locator("button", has_text="2").first.click()
        page.wait_for_timeout(300)
    after_click = [method for _, method, _ in requests[clicked:]]
    figures["preflights"] = after_click.count("OPTIONS")
    figures["writes"] = after_click.count("POST")
    context.close()
    return figures


# From CES.ask() to its dialog on screen: a button in a card that is placed and shown.
ASK = """() => new Promise((shown) => {
  const start = performance.now();
  CES.ask({touchpoint: "chatbot-exit", ref: "bench-" + Math.random()});
  const check = () => {
    const card = document.querySelector("ces-prompt")?.shadowRoot?.querySelector("__CARD__");
    if (card && card.querySelector("button") && getComputedStyle(card).visibility == "visible") shown(performance.now() - start);
    else requestAnimationFrame(check);
  };
  new MutationObserver(check).observe(document.documentElement, {childList: true, subtree: true});
  check();
})""".replace("__CARD__", served_selector(".card"))


def ask_times(browser, url):
    """CES.ask's time to a dialog on a first page view and on the next one (cached modules)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    times = []
    for _ in range(2):
        page.goto(url)
        page.wait_for_function("window.CES && window.CES.v")
        times.append(page.evaluate(ASK))
    context.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")

    pages = HostPages()
    with tempfile.TemporaryDirectory(prefix="ces-bench-") as folder:
        server = Server(folder, pages.origin)
        pages.api, pages.site_key = server.url, server.site_key
        results = {}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ask_url = f"{pages.origin}/ask"
                ask_times(browser, ask_url)  # warm the servers
                asked = [ask_times(browser, ask_url) for _ in range(options.runs)]
                for name in PAGES:
                    if name == "ask":
                        continue
                    script = "bench-baseline.js" if name == "baseline" else "widget.js"
                    origin = pages.script_origin if name == "baseline" else server.url
                    load(browser, f"{pages.origin}/{name}", script, origin)  # warm the servers; each load is a new context
                    results[name] = [load(browser, f"{pages.origin}/{name}", script, origin)
                                     for _ in range(options.runs)]
                browser.close()
        finally:
            server.stop()
            pages.server.shutdown()

    baseline = statistics.median(run["interactive"] for run in results["baseline"])
    baseline_painted = statistics.median(run["painted"] for run in results["baseline"])
    print(f"widget runtime in headless Chromium, median of {options.runs} fresh page loads each, same run")
    for name, runs in results.items():
        interactive = statistics.median(run["interactive"] for run in runs)
        painted = statistics.median(run["painted"] for run in runs)
        longest = max((duration for run in runs for duration in run["longTasks"]), default=0)
        own = [frame for run in runs for frame in run["ownLongFrames"]]
        own_longest = max(own, key=lambda frame: frame["duration"], default=None)
        after_config = statistics.median(run["afterConfig"] for run in runs)
        config_fetch = statistics.median(run["configFetch"] for run in runs)
        config_asked = statistics.median(run["configAsked"] for run in runs)
        arrived_to_run = statistics.median(run["arrivedToRun"] for run in runs)
        line = (f"{name:9} interactive {interactive:6.1f} ms after the script ran"
                f" ({interactive / baseline:.1f}x baseline; it ran {arrived_to_run:4.1f} ms after arriving;"
                f" config asked after {config_asked:4.1f} ms, fetched in {config_fetch:4.1f} ms, prompt drawn {after_config:4.1f} ms after it)\n"
                f"{'':10}painted {painted:6.1f} ms after the script ran ({painted / baseline_painted:.1f}x baseline)\n"
                f"{'':10}long tasks >50 ms: "
                f"{sum(len(run['longTasks']) for run in runs)} (longest {longest:.0f} ms), "
                f"frames blocking > 50 ms with its script in them: {len(own)}"
                + (f" (longest frame {own_longest['duration']:.0f} ms, its script {own_longest['script']:.0f} ms)"
                   if own_longest else "") + "  "
                f"CLS max {max(run['shift'] for run in runs):.3f}  "
                f"requests before prompt: {max(run['requestsBefore'] for run in runs)}")
        if name != "baseline":
            line += (f"  on answer: {max(run['writes'] for run in runs)} POST, "
                     f"{max(run['preflights'] for run in runs)} preflight")
        print(line)
    first, cached = (statistics.median(times[view] for times in asked) for view in (0, 1))
    print(f"CES.ask   dialog on screen {first:5.1f} ms after the call on a first page view (placement module "
          f"fetched), {cached:5.1f} ms with it cached (slowest {max(times[1] for times in asked):.1f} ms)")


if __name__ == "__main__":
    main()

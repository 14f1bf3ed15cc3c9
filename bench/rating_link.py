"""What the rating link's page costs a customer's click, measured in headless Chromium.

    python bench/rating_link.py [--runs 15]

Starts the real server (a new SQLite file, one site) and, with Playwright driving Debian's
Chromium, opens rating links, each for a new ticket, in fresh browser contexts:

- the baseline: the link's page alone (one GET, no script run: what a customer would wait
  for if opening the link stored the rating, the design mail scanners defeat);
- the click as designed: the link opened until its thanks page is on screen (the GET, the
  page's script, the POST that stores the rating and the page it answers with).

It prints the median and the slowest time of each over --runs links, the ratio of the
medians, and checks that the ratings were stored (and none by the baseline's GETs).
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.live import LiveServer  # noqa: E402


def timed_opens(browser, url_of, runs, until, without_script=False):
    times = []
    for number in range(runs):
        context = browser.new_context()
        if without_script:
            context.route("**/rating.js", lambda route: route.abort())
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url_of(number), wait_until="commit")
        until(page)
        times.append((time.perf_counter() - start) * 1000)
        context.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder))
        server.start()
        try:
            site = server.add_site(["https://help.example.com"])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # One load of each first, so neither pays for the browser's first start.
                timed_opens(browser, lambda n: f"{server.url}/r/{site}/2?ref=warm-{n}", 1,
                            lambda page: page.get_by_role("status").filter(has_text="Thank you").wait_for())

                baseline = timed_opens(browser, lambda n: f"{server.url}/r/{site}/2?ref=base-{n}", args.runs,
                                       lambda page: page.get_by_role("button", name="Confirm my rating: 2")
                                       .wait_for(), without_script=True)
                designed = timed_opens(browser, lambda n: f"{server.url}/r/{site}/2?ref=click-{n}", args.runs,
                                       lambda page: page.get_by_role("status").filter(has_text="Thank you")
                                       .wait_for())
                browser.close()
            stored = server.rows("SELECT conversation FROM answer")
        finally:
            server.stop()
    clicks = sum(1 for row in stored if row["conversation"].startswith("click-"))
    scanned = sum(1 for row in stored if row["conversation"].startswith("base-"))
    print(f"link page alone (baseline): median {statistics.median(baseline):.0f} ms, slowest {max(baseline):.0f} ms")
    print(f"click to thanks, as built:  median {statistics.median(designed):.0f} ms, slowest {max(designed):.0f} ms")
    print(f"ratio of medians: {statistics.median(designed) / statistics.median(baseline):.2f}x")
    print(f"ratings stored: {clicks} of {args.runs} clicks, {scanned} by the baseline's opens (must be 0)")


if __name__ == "__main__":
    main()

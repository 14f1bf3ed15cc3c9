"""CES.destroy(): a single-page app leaving its help section takes the widget away, and
nothing of it stays behind: no prompt, no listener, observer, timer or animation frame, no
prompt for containers added later, no corner prompt after scrolling or waiting, and no
request; a CES.ask still waiting resolves, and later ones say the widget is unavailable."""
import json
import re

from playwright.sync_api import expect

# Kept from the page's first script, for what the widget's own scripts (their URLs hold
# "/widget") start: the listeners on the window, the document and the visual viewport; the
# observers watching something; the timers and animation frames not yet run.
# running.now() sums them up.
RUNNING = """
window.running = {listeners: [], observers: new Map(), timers: new Set(), frames: new Set()};
(() => {
  const byWidget = () => /\\/widget[.-]/.test(new Error().stack);
  const shared = (target) => (target === window || target === document || target === window.visualViewport) && byWidget();
  const capture = (options) => (typeof options == 'boolean' ? options : !!(options && options.capture));
  const same = (a, b) => a.target === b.target && a.type === b.type && a.listener === b.listener && a.capture === b.capture;
  const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    const added = {target: this, type, listener, capture: capture(options)};
    if (shared(this) && !running.listeners.some((other) => same(other, added))) running.listeners.push(added);
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const removed = {target: this, type, listener, capture: capture(options)};
    running.listeners = running.listeners.filter((other) => !same(other, removed));
    return remove.call(this, type, listener, options);
  };
  for (const Observer of [MutationObserver, IntersectionObserver, ResizeObserver]) {
    const { observe, disconnect } = Observer.prototype;
    Observer.prototype.observe = function (...args) {
      if (byWidget()) running.observers.set(this, Observer.name);
      return observe.apply(this, args);
    };
    Observer.prototype.disconnect = function () {
      running.observers.delete(this);
      return disconnect.call(this);
    };
  }
  const pending = (set, start, stop) => [
    (callback, ...args) => {
      const id = start((...given) => { set.delete(id); callback(...given); }, ...args);
      if (byWidget()) set.add(id);
      return id;
    },
    (id) => { set.delete(id); stop(id); },
  ];
  [window.setTimeout, window.clearTimeout] = pending(running.timers, setTimeout.bind(window), clearTimeout.bind(window));
  [window.requestAnimationFrame, window.cancelAnimationFrame] = pending(
    running.frames, requestAnimationFrame.bind(window), cancelAnimationFrame.bind(window));
  running.now = () => ({listeners: running.listeners.map((each) => each.type).sort(),
                        observers: [...running.observers.values()].sort(),
                        timers: running.timers.size, frames: running.frames.size});
})();
"""
NOTHING = {"listeners": [], "observers": [], "timers": 0, "frames": 0}


def test_destroy_takes_away_every_prompt_and_all_the_widget_runs(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=3600, auto_scroll_percent=50)
    guest = visit()
    guest.page.add_init_script(RUNNING)
    page = guest.open("leave.html", key)
    expect(guest.scale(0).first).to_be_visible()
    # The corner prompt waits for the visitor to scroll (or for its hour).
    page.wait_for_function("running.listeners.some((each) => each.type == 'scroll')")
    page.click("#end")
    dialog = guest.page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="1 Strongly disagree")).to_be_focused()

    before, after = page.evaluate("""async () => {
        // The page adds something: the dialog is placed again in the next animation frame.
        document.body.append(document.createElement('aside'));
        await null;
        const before = running.now();
        CES.destroy();
        window.fetchesAtDestroy = fetchesMade.length;
        return [before, running.now()];
    }""")

    assert {"resize", "scroll"} <= set(before["listeners"]), before
    assert {"IntersectionObserver", "MutationObserver"} <= set(before["observers"]), before
    assert before["timers"] >= 1 and before["frames"] == 1, before
    assert after == NOTHING
    expect(page.locator("ces-prompt")).to_have_count(0)
    # The dialog's promise resolves, and focus is back on the button that opened it.
    expect(page.locator("#outcome")).to_have_text(json.dumps({"status": "skipped"}, separators=(",", ":")))
    expect(page.locator("#end")).to_be_focused()

    # A container the app adds afterwards gets no prompt.
    page.evaluate("""() => { const later = document.createElement('div'); later.dataset.cesTouchpoint = 'kb-article';
        document.getElementById('app').prepend(later); }""")
    guest.settled()
    assert page.locator("ces-prompt").count() == 0
    # Scrolling past the site's depth, the inline container out of view, opens no corner prompt.
    page.mouse.wheel(0, 2000)
    page.wait_for_function("scrollY > 1000")
    guest.settled()
    assert page.locator("ces-prompt").count() == 0
    # CES.ask is still there and says the widget is gone.
    assert page.evaluate("CES.ask({touchpoint: 'chatbot-exit', ref: 'after-destroy'})") == {"status": "unavailable"}
    guest.settled()
    assert page.locator("ces-prompt").count() == 0
    assert page.evaluate("fetchesMade.length == fetchesAtDestroy")
    assert page.evaluate("running.now()") == NOTHING


def test_the_corner_prompts_delay_passing_after_destroy_opens_nothing(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=2, auto_scroll_percent=100)
    guest = visit()
    guest.page.add_init_script(RUNNING)
    page = guest.open("auto.html", key)
    page.wait_for_function("running.listeners.some((each) => each.type == 'scroll')")
    assert page.locator("ces-prompt").count() == 0

    page.evaluate("CES.destroy()")
    assert page.evaluate("running.now()") == NOTHING

    # The corner prompt's timer was set before this one, for as long: once this one has run,
    # the corner prompt would have opened.
    page.evaluate("() => new Promise((done) => setTimeout(done, 2000))")
    guest.settled()
    assert page.locator("ces-prompt").count() == 0
    assert guest.fetched("impressions") == []


def test_a_prompt_still_waiting_for_its_configuration_resolves_skipped(visit, site_key):
    guest = visit()
    held = []
    guest.context.route(re.compile(r"/config\?"), lambda route: held.append(route))
    page = guest.open("ask.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")
    page.click("#end")
    while not held:  # CES.ask is waiting for its configuration
        page.wait_for_timeout(20)

    page.evaluate("CES.destroy()")
    for route in held:
        route.continue_()

    expect(page.locator("#outcome")).to_have_text(json.dumps({"status": "skipped"}, separators=(",", ":")))
    guest.settled("/config", "/widget-overlay.")
    assert page.locator("ces-prompt").count() == 0
    assert guest.fetched("impressions") == []

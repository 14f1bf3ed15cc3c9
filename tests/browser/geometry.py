"""Where the widget's parts are on screen, read in one go from the page: the checks that
the card stays in the viewport, keeps its scale on one row and lets nothing overlap."""
from .conftest import PROMPT_HOSTS, served

# The widget's parts, as the served widget's class names select them (the build shortens
# the sources' names).
PARTS = {name: served(selector) for name, selector in {
    "card": ".card", "question": ".question", "body": ".body", "close": ".close",
    "scale": ".scale button", "ends": ".ends span"}.items()}

# For the nth prompt: the viewport (without scrollbars), the card, the question, the ×, the
# scale's buttons and its end labels, the focused element, and for each part whether a hit test at its centre
# reaches it (false when something covers it or it is scrolled out of the card).
READ = """({nth, css}) => {
  const host = (__PROMPT_HOSTS__)[nth];
  const root = host.shadowRoot;
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    const hit = root.elementFromPoint(x, y);
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height,
            reached: !!hit && (hit === el || el.contains(hit)), text: el.textContent};
  };
  return {
    viewport: {left: 0, top: 0, right: document.documentElement.clientWidth,
               bottom: document.documentElement.clientHeight},
    card: box(root.querySelector(css.card)),
    question: box(root.querySelector(css.question)),
    close: box(root.querySelector(css.close)),
    buttons: [...root.querySelectorAll(css.scale)].map(box),
    ends: [...root.querySelectorAll(css.ends)].map(box),
    focused: box(root.activeElement),
    focusedTag: root.activeElement && root.activeElement.localName,
  };
}""".replace("__PROMPT_HOSTS__", PROMPT_HOSTS)


def read(page, nth=0):
    return page.evaluate(READ, {"nth": nth, "css": PARTS})


def rect_of(page, selector):
    """The box of an element of the host page."""
    return page.evaluate("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                         " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }", selector)


def inside(inner, outer, slack=0.5):
    """Whether box `inner` lies wholly within `outer` (half a pixel of rounding allowed)."""
    return (inner["left"] >= outer["left"] - slack and inner["right"] <= outer["right"] + slack
            and inner["top"] >= outer["top"] - slack and inner["bottom"] <= outer["bottom"] + slack)


def overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def one_row(buttons):
    return len({round(button["top"]) for button in buttons}) == 1


def check_fits(layout, points):
    """One row of full-height buttons inside the card, ends readable, the × over nothing."""
    card, buttons = layout["card"], layout["buttons"]
    assert len(buttons) == points
    assert one_row(buttons), [button["top"] for button in buttons]
    for button in buttons:
        assert inside(button, card), button
        # WCAG 2.2 AA asks 24 px; the height stays a full 44 px touch target.
        assert button["width"] >= 24 and button["height"] >= 44, button
    for button, neighbour in zip(buttons, buttons[1:]):
        assert not overlap(button, neighbour)
    low, high = layout["ends"]
    assert inside(low, card) and inside(high, card) and not overlap(low, high)
    close = layout["close"]
    assert inside(close, card) and close["width"] >= 44 and close["height"] >= 44
    for button in buttons:
        assert not overlap(close, button), (close, button)
    assert not overlap(close, layout["question"])


def after_frames(page, frames=2):
    """Wait until the page has drawn `frames` more frames: what it was about to do is done."""
    page.evaluate("(n) => new Promise((done) => { const next = () => n-- ? requestAnimationFrame(next) : done(); next(); })",
                  frames)

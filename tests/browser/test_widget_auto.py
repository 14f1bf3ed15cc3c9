"""The floating self-service prompt: shown after the site's delay or scroll depth, never
covering the page's own controls on a 360 px wide phone, and never stealing focus."""
import pytest
from playwright.sync_api import expect

from .conftest import PROMPT_HOSTS, served
from .geometry import after_frames

PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


def rect(page, expression):
    return page.evaluate(f"(() => {{ const r = ({expression}).getBoundingClientRect();"
                         " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()")


def overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


CARD = f"({PROMPT_HOSTS})[0].shadowRoot.querySelector('{served('.card')}')"


def test_phone_prompt_after_the_delay_covers_no_control(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=1, auto_scroll_percent=100)
    guest = visit(**PHONE)
    page = guest.open("auto.html", key)

    expect(guest.scale(0).first).to_be_visible()
    card = rect(page, CARD)
    assert card["left"] >= 0 and card["right"] <= 360
    for control in ("#nav", "#launcher"):
        assert not overlap(card, rect(page, f"document.querySelector('{control}')")), control
    # The page's last control can always be scrolled clear of the prompt.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    assert rect(page, "document.getElementById('last')")["bottom"] <= rect(page, CARD)["top"]
    # Every scale point is a touch target (24 px wide as WCAG 2.2 AA asks, 44 px tall), all
    # on one row.
    boxes = [guest.scale(0).nth(i).bounding_box() for i in range(7)]
    assert all(box["width"] >= 24 and box["height"] >= 44 for box in boxes)
    assert len({box["y"] for box in boxes}) == 1
    # It appeared uninvited, so focus stays where the visitor had it.
    assert page.evaluate("document.activeElement === document.body")

    guest.prompt(0).get_by_role("button", name="2", exact=True).click()
    answer = live_server.answers(key)[0]
    assert (answer["touchpoint"], answer["ref"], answer["effort_class"]) == ("self-service", "order-tracking", "difficult")
    # The taller follow-up stays on screen, scrolling inside the card.
    expect(guest.prompt(0).get_by_role("button", name="Send")).to_be_visible()
    assert rect(page, CARD)["top"] >= 0


# Records the card's box as the first frame showing it was painted (read in the next
# frame, before anything else changes it), and every layout shift: shiftsSoFar() also
# counts those the browser has not yet handed to the observer.
FIRST_PAINTED_BOX = """
  window.shifts = 0;
  const count = (entries) => entries.forEach((entry) => { window.shifts += entry.value; });
  const shifts = new PerformanceObserver((list) => count(list.getEntries()));
  shifts.observe({type: "layout-shift", buffered: true});
  window.shiftsSoFar = () => { count(shifts.takeRecords()); return window.shifts; };
  new MutationObserver((changes, observer) => {
    const card = document.querySelector("ces-prompt")?.shadowRoot?.querySelector("__CARD__");
    if (!card) return;
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const r = card.getBoundingClientRect();
      window.firstPainted = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    }));
  }).observe(document, {childList: true, subtree: true});
""".replace("__CARD__", served(".card"))


def test_phone_prompt_is_first_painted_where_it_stays(visit, live_server, host_origin):
    """The card is moved clear of the page's fixed controls before its first frame is
    painted: it never jumps in front of the visitor."""
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(**PHONE)
    guest.page.add_init_script(FIRST_PAINTED_BOX)
    page = guest.open("auto.html", key)

    page.wait_for_function("window.firstPainted")
    # The overlay places the card again only in an animation frame (after a resize or a
    # change to the page, and none comes): two frames on, it has moved if it ever will.
    after_frames(page)
    assert page.evaluate("window.firstPainted") == rect(page, CARD)
    assert not overlap(rect(page, CARD), rect(page, "document.querySelector('#launcher')"))
    assert page.evaluate("shiftsSoFar()") == 0


def test_scrolling_past_the_depth_shows_it_before_the_delay(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=3600, auto_scroll_percent=50)
    guest = visit(**PHONE)
    page = guest.open("auto.html", key)
    page.wait_for_load_state("networkidle")
    assert page.locator("ces-prompt").count() == 0

    page.mouse.wheel(0, 900)

    expect(guest.scale(0).first).to_be_visible()


def test_dismissed_floating_prompt_stays_away(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit()
    page = guest.open("auto.html", key)
    guest.prompt(0).get_by_role("button", name="Close").click()
    assert live_server.impressions(key)[0]["touchpoint"] == "self-service"

    page.reload()
    # The corner prompt decides as soon as the configuration and its module are in.
    guest.settled("/config", "/widget-overlay.")

    assert page.locator("ces-prompt").count() == 0
    assert guest.fetched("impressions") == []


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_overlay_appears_without_motion(visit, live_server, host_origin, motion):
    """It is placed as it appears; an entrance that moved it would throw that placement off."""
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(reduced_motion=motion)
    page = guest.open("auto.html", key)
    expect(guest.scale(0).first).to_be_visible()

    assert page.evaluate(f"getComputedStyle({CARD}).animationName") == "none"
    assert page.evaluate(f"getComputedStyle({CARD}).transitionDuration") == "0s"

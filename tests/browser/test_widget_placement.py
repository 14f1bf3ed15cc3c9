"""Floating prompts (the corner prompt and CES.ask's dialog) on a help page with a fixed
header, a fixed bottom bar and a chat button: inside the viewport at every zoom and on a
landscape phone, never over the header, above the page's controls where there is room for
the scale, the question and the × always in view, placed again when the screen turns."""
import pytest
from playwright.sync_api import expect

from .conftest import PROMPT_HOSTS
from .geometry import PARTS, after_frames, inside, overlap, read, rect_of

# Browser zoom as Chromium applies it: the CSS viewport shrinks by the zoom factor and each
# CSS pixel takes that many device pixels. With each, the page's controls the card may
# cover because the scale does not fit between the header and them.
SCREENS = {
    "1280x720": ({"viewport": {"width": 1280, "height": 720}}, set()),
    "1280x720 at 250%": ({"viewport": {"width": 512, "height": 288}, "device_scale_factor": 2.5}, {"#launcher"}),
    "1366x768 at 300%": ({"viewport": {"width": 455, "height": 256}, "device_scale_factor": 3},
                         {"#launcher", "#nav"}),
    "1280x720 at 400%": ({"viewport": {"width": 320, "height": 180}, "device_scale_factor": 4},
                         {"#launcher", "#nav"}),
    "640x320 phone, landscape": ({"viewport": {"width": 640, "height": 320}, "device_scale_factor": 2,
                                  "is_mobile": True, "has_touch": True}, {"#launcher"}),
}
CONTROLS = ("#nav", "#launcher")


def check_on_screen(page, may_cover):
    """The card is wholly in the viewport and below the header, its question and × are in
    view and uncovered, and it covers only the controls it has no room above."""
    layout = read(page)
    card = layout["card"]
    assert inside(card, layout["viewport"]), (card, layout["viewport"])
    assert card["top"] >= rect_of(page, "#header")["bottom"] - 0.5, card
    for part in ("question", "close"):
        assert inside(layout[part], card) and layout[part]["reached"], (part, layout[part])
    covered = {control for control in CONTROLS if overlap(card, rect_of(page, control))}
    assert covered <= may_cover, covered
    return layout


@pytest.fixture
def corner_site(live_server, host_origin):
    return live_server.add_site([host_origin], auto_delay_seconds=0)


@pytest.fixture
def chat_site(live_server, host_origin):
    """A site whose corner prompt waits an hour, so only CES.ask shows a prompt."""
    return live_server.add_site([host_origin], auto_delay_seconds=3600, auto_scroll_percent=100)


@pytest.mark.parametrize("screen", SCREENS)
def test_corner_prompt_and_its_follow_up_stay_on_screen_below_the_header(visit, corner_site, screen):
    context, may_cover = SCREENS[screen]
    guest = visit(**context)
    page = guest.open("fixed.html", corner_site)
    prompt = guest.prompt(0)
    expect(guest.scale(0).first).to_be_attached()
    after_frames(page)

    check_on_screen(page, may_cover)
    # It appeared uninvited, so focus stays where the visitor had it.
    assert page.evaluate("document.activeElement === document.body")

    # The taller follow-up grows up to the header, not under it, and scrolls inside the card.
    prompt.get_by_role("button", name="2", exact=True).click()
    heading = prompt.get_by_role("heading", name="What made it hard?")
    expect(heading).to_be_focused()
    layout = check_on_screen(page, may_cover)
    assert layout["focused"]["reached"]
    prompt.get_by_role("button", name="Send").click()
    expect(prompt.get_by_text("Thank you for your feedback!")).to_be_visible()
    check_on_screen(page, may_cover)


@pytest.mark.parametrize("screen", SCREENS)
def test_chat_dialog_stays_on_screen_and_focuses_a_visible_button(visit, chat_site, screen):
    context, may_cover = SCREENS[screen]
    guest = visit(**context)
    page = guest.open("fixed.html", chat_site)
    page.wait_for_function("window.CES && window.CES.v")

    page.evaluate("() => { window.outcome = CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-9'}); }")
    dialog = guest.prompt(0).get_by_role("dialog")
    expect(dialog.get_by_role("button", name="1 Strongly disagree")).to_be_focused()

    layout = check_on_screen(page, may_cover)
    assert layout["focused"]["text"].startswith("1")
    assert inside(layout["focused"], layout["viewport"]) and layout["focused"]["reached"], layout["focused"]


def test_turning_the_phone_places_the_card_again(visit, corner_site):
    guest = visit(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = guest.open("fixed.html", corner_site)
    expect(guest.scale(0).first).to_be_attached()
    after_frames(page)
    check_on_screen(page, set())

    page.set_viewport_size({"width": 640, "height": 320})
    after_frames(page)
    check_on_screen(page, {"#launcher"})

    page.set_viewport_size({"width": 360, "height": 640})
    after_frames(page)
    check_on_screen(page, set())


@pytest.mark.parametrize("screen", ["1280x720", "1280x720 at 250%", "1280x720 at 400%"])
def test_card_stays_below_every_fixed_header(visit, corner_site, screen):
    """A content-managed site's admin bar sits over the site's own fixed header."""
    context, _ = SCREENS[screen]
    guest = visit(**context)
    page = guest.open("two-headers.html", corner_site)
    prompt = guest.prompt(0)
    expect(guest.scale(0).first).to_be_attached()
    after_frames(page)

    prompt.get_by_role("button", name="2", exact=True).click()
    expect(prompt.get_by_role("heading", name="What made it hard?")).to_be_focused()

    layout = read(page)
    assert inside(layout["card"], layout["viewport"])
    assert layout["card"]["top"] >= rect_of(page, "#header")["bottom"] - 0.5
    assert layout["question"]["reached"] and layout["close"]["reached"]


def test_a_bar_the_page_adds_later_is_cleared(visit, corner_site):
    """Cookie banners and chat buttons often arrive after the page: the card moves clear."""
    guest = visit(viewport={"width": 1280, "height": 720})
    page = guest.open("two-headers.html", corner_site)
    expect(guest.scale(0).first).to_be_attached()
    after_frames(page)

    page.evaluate("""() => { const banner = document.createElement('div'); banner.id = 'cookies';
        banner.style = 'position: fixed; left: 0; right: 0; bottom: 0; height: 96px; background: #333';
        document.body.append(banner); }""")
    after_frames(page, 3)

    assert not overlap(read(page)["card"], rect_of(page, "#cookies"))


# Each focusable part with a focus ring's room around it (3 px outline, 1 px offset), and
# the box that would cut it off: the scrolling body for the scale, the card for the ×.
RINGS = """(css) => {
  const root = (__PROMPT_HOSTS__)[0].shadowRoot;
  const box = (el, grow = 0) => { const r = el.getBoundingClientRect();
    return {left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow}; };
  const card = root.querySelector(css.card), body = root.querySelector(css.body);
  const inner = (el) => { const r = box(el); return {left: r.left + el.clientLeft, top: r.top + el.clientTop,
    right: r.left + el.clientLeft + el.clientWidth, bottom: r.top + el.clientTop + el.clientHeight}; };
  return {scale: [...root.querySelectorAll(css.scale)].map((b) => box(b, 4)), body: inner(body),
          close: box(root.querySelector(css.close), 4), card: inner(card)};
}""".replace("__PROMPT_HOSTS__", PROMPT_HOSTS)


def test_focus_rings_in_a_floating_card_are_not_cut_off(visit, chat_site):
    guest = visit(viewport={"width": 1280, "height": 720})
    page = guest.open("fixed.html", chat_site)
    page.wait_for_function("window.CES && window.CES.v")
    page.evaluate("() => { CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-rings'}); }")
    expect(guest.prompt(0).get_by_role("dialog")).to_be_visible()
    after_frames(page)

    rings = page.evaluate(RINGS, PARTS)

    for ring in rings["scale"]:
        assert inside(ring, rings["body"]), (ring, rings["body"])
    assert inside(rings["close"], rings["card"]), rings


def test_app_layout_scrolling_its_main_area_shows_the_corner_prompt_and_keeps_its_footer(visit, live_server,
                                                                                         host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=3600, auto_scroll_percent=50)
    guest = visit(viewport={"width": 1280, "height": 720})
    page = guest.open("app-shell.html", key)
    page.wait_for_load_state("networkidle")
    footer = rect_of(page, "#footer")

    page.locator("#main").evaluate("(main) => { main.scrollTop = main.scrollHeight; }")

    expect(guest.scale(0).first).to_be_visible()
    after_frames(page)
    assert rect_of(page, "#footer") == footer
    assert page.evaluate("document.documentElement.scrollHeight") == 720

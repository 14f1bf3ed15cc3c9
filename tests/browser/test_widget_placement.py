"""Floating prompts (the corner prompt and CES.ask's dialog) on a help page with a fixed
header, a fixed bottom bar and a chat button: inside the viewport at every zoom and on a
landscape phone, never over the header, above the page's controls where there is room for
the scale, the question and the × always in view, placed again when the screen turns."""
import pytest
from playwright.sync_api import expect

from .geometry import after_frames, inside, overlap, read, rect_of

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
    expect(prompt.locator(".s button").first).to_be_attached()
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
    expect(guest.prompt(0).locator(".s button").first).to_be_attached()
    after_frames(page)
    check_on_screen(page, set())

    page.set_viewport_size({"width": 640, "height": 320})
    after_frames(page)
    check_on_screen(page, {"#launcher"})

    page.set_viewport_size({"width": 360, "height": 640})
    after_frames(page)
    check_on_screen(page, set())

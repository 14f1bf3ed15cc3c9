"""Inline prompts in any container a page has: the scale on one row down to 280 px, the ×
beside the question and never over a rating button, and text that grows with the
browser's text size."""
import pytest
from playwright.sync_api import expect

from .conftest import PROMPT_HOSTS
from .geometry import PARTS, check_fits, read, rect_of

CONTAINERS = {"280 px": 0, "320 px": 1, "340 px chat window": 2, "1200 px": 3}


@pytest.mark.parametrize(("scale", "points"), [("agreement7", 7), ("effort5", 5)])
@pytest.mark.parametrize("container", CONTAINERS)
def test_scale_stays_on_one_row_and_the_close_button_covers_nothing(visit, live_server, host_origin, scale, points,
                                                                    container):
    key = live_server.add_site([host_origin], scale=scale)
    guest = visit(viewport={"width": 1280, "height": 900})
    page = guest.open("narrow.html", key)
    expect(page.locator("ces-prompt")).to_have_count(4)
    expect(guest.scale(3).first).to_be_visible()

    check_fits(read(page, CONTAINERS[container]), points)


@pytest.mark.parametrize("width", [280, 320, 360, 1280])
def test_phone_and_desktop_widths_keep_one_row(visit, site_key, width):
    """Every inline prompt on desktop has its question on one line: the × must sit beside it,
    not over the 7."""
    guest = visit(viewport={"width": width, "height": 800})
    page = guest.open("inline.html", site_key)
    expect(guest.scale(1).first).to_be_visible()

    for nth in (0, 1):
        check_fits(read(page, nth), 7)


def set_default_font_size(guest, pixels):
    """The browser's own text size setting (Chromium's "Font size"), not a page style."""
    session = guest.context.new_cdp_session(guest.page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": pixels}})


def font_sizes(page):
    return page.evaluate("""(css) => { const root = (__PROMPT_HOSTS__)[0].shadowRoot;
        const size = (el) => parseFloat(getComputedStyle(el).fontSize);
        return {question: size(root.querySelector(css.question)), button: size(root.querySelector(css.scale)),
                end: size(root.querySelector(css.ends))}; }""".replace("__PROMPT_HOSTS__", PROMPT_HOSTS), PARTS)


def test_text_grows_with_the_browsers_text_size(visit, site_key):
    guest = visit(viewport={"width": 320, "height": 800})
    set_default_font_size(guest, 24)
    page = guest.open("inline.html", site_key)
    expect(guest.scale(0).first).to_be_visible()

    sizes = font_sizes(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 24
    assert sizes["question"] == 24 and sizes["button"] == 24
    assert sizes["end"] >= 18  # the ends' smaller text grows too
    check_fits(read(page, 0), 7)


def test_a_page_that_shrinks_its_root_font_does_not_shrink_the_prompt(visit, site_key):
    guest = visit()
    page = guest.open("small-root.html", site_key)
    expect(guest.scale(0).first).to_be_visible()

    page_text = page.evaluate("parseFloat(getComputedStyle(document.getElementById('text')).fontSize)")
    assert page_text == 16
    assert font_sizes(page)["question"] == 16
    assert rect_of(page, "#slot")["bottom"] > rect_of(page, "#text")["bottom"]
    # In the page's small print the text is small too, but every target stays 44 px tall.
    expect(guest.scale(1).first).to_be_visible()
    check_fits(read(page, 1), 7)

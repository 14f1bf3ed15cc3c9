"""How the prompt fits the page it is in: the direction of the language it speaks (an
English prompt on an Arabic page reads left to right, an Arabic one right to left), the
colour scheme the page declares (not the visitor's OS), the site's theme on top, and one
prompt at a time."""
import pytest
from playwright.sync_api import expect

from .conftest import PROMPT_HOSTS, served
from .geometry import PARTS, after_frames, check_fits, read

CARD = f"({PROMPT_HOSTS})[0].shadowRoot.querySelector('{served('.card')}')"
QUESTION, SCALE = PARTS["question"], PARTS["scale"]


@pytest.mark.parametrize(("lang", "direction", "low"), [
    ("", "rtl", "لا أوافق بشدة"),  # the page's own language, which ships built in
    ("en", "ltr", "Strongly disagree"),  # an English prompt forced onto the Arabic page
])
def test_prompt_on_a_right_to_left_page_reads_in_its_own_direction(visit, site_key, lang, direction, low):
    guest = visit(viewport={"width": 600, "height": 500})
    page = guest.open("rtl.html", site_key, lang=lang)
    prompt = guest.prompt(0)
    expect(prompt.get_by_role("button", name=f"1 {low}")).to_be_visible()

    assert page.evaluate(f"getComputedStyle({CARD}).direction") == direction
    layout = read(page)
    check_fits(layout, 7)
    # The scale runs in reading order: 1 first, at the right in Arabic.
    lefts = [button["left"] for button in layout["buttons"]]
    assert lefts == sorted(lefts, reverse=direction == "rtl")
    # The × sits at the end of the question's line.
    if direction == "rtl":
        assert layout["close"]["right"] <= layout["question"]["left"]
    else:
        assert layout["close"]["left"] >= layout["question"]["right"]
    # The sentence's full stop is drawn at its end, not flipped to its start.
    first, last = page.evaluate(f"""(() => {{
        const text = {CARD}.querySelector('{QUESTION}').firstChild, range = document.createRange();
        const at = (i) => {{ range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left; }};
        return [at(0), at(text.length - 1)]; }})()""")
    assert (last > first) == (direction == "ltr")
    # Every button has the same rounded corners on both sides.
    radii = page.evaluate(f"[...{CARD}.querySelectorAll('{SCALE}')].map((b) => getComputedStyle(b).borderRadius)")
    assert len(set(radii)) == 1


def test_arabic_follow_up_is_right_to_left(visit, live_server, site_key):
    guest = visit(viewport={"width": 600, "height": 700})
    guest.open("rtl.html", site_key, lang="")
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="1 لا أوافق بشدة").click()

    expect(prompt.get_by_role("heading", name="ما الذي جعل الأمر صعبًا؟")).to_be_focused()
    prompt.get_by_role("button", name="لم أجد الإجابة").click()
    prompt.get_by_role("button", name="إرسال").click()
    expect(prompt.get_by_text("شكرًا لك على ملاحظاتك!")).to_be_visible()
    answer = live_server.answers(site_key, "reasons != '[]'")[0]
    assert (answer["locale"], answer["reasons"]) == ("ar", '["not-found"]')


LIGHT = ("rgb(255, 255, 255)", "rgb(27, 31, 36)")
DARK = ("rgb(31, 35, 40)", "rgb(230, 237, 243)")


@pytest.mark.parametrize(("page_name", "os_scheme", "colours"), [
    ("inline.html", "dark", LIGHT),  # a page that declares no scheme is light, on any OS
    ("inline.html", "light", LIGHT),
    ("dark.html", "light", DARK),  # color-scheme: dark is dark, on any OS
    ("dark.html", "dark", DARK),
    ("light-dark.html", "light", LIGHT),  # "light dark" follows the visitor
    ("light-dark.html", "dark", DARK),
])
def test_card_follows_the_pages_colour_scheme(visit, site_key, page_name, os_scheme, colours):
    guest = visit(color_scheme=os_scheme)
    page = guest.open(page_name, site_key)
    expect(guest.scale(0).first).to_be_visible()

    card = page.evaluate(f"(() => {{ const s = getComputedStyle({CARD}); return [s.backgroundColor, s.color]; }})()")
    assert tuple(card) == colours


@pytest.mark.parametrize("os_scheme", ["light", "dark"])
def test_theme_properties_override_the_scheme(visit, site_key, os_scheme):
    guest = visit(color_scheme=os_scheme)
    page = guest.open("light-dark.html", site_key)
    expect(guest.scale(0).first).to_be_visible()

    page.add_style_tag(content=":root { --ces-bg: #fef6e4; --ces-fg: #172c66; --ces-accent: #8b3a00; }")

    card = page.evaluate(f"(() => {{ const s = getComputedStyle({CARD}); return [s.backgroundColor, s.color]; }})()")
    assert card == ["rgb(254, 246, 228)", "rgb(23, 44, 102)"]


def wait_for_the_corner_prompts_turn(page):
    """The corner prompt decides once the configuration and its placement module are in: a
    few frames after the network has gone quiet, it has shown or not."""
    page.wait_for_load_state("networkidle")
    after_frames(page, 3)


def test_corner_prompt_waits_while_an_inline_prompt_is_on_screen(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(viewport={"width": 1000, "height": 700})
    page = guest.open("both.html", key)
    expect(page.locator("#slot ces-prompt")).to_be_visible()
    wait_for_the_corner_prompts_turn(page)
    assert page.locator("ces-prompt").count() == 1

    # Scrolled out of view, the article's prompt leaves the corner to the floating one.
    page.mouse.wheel(0, 800)

    expect(page.locator("body > ces-prompt")).to_have_count(1)
    expect(page.locator("body > ces-prompt").get_by_role("group")).to_contain_text("made it easy for me")


def test_no_corner_prompt_after_the_inline_one_was_answered(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(viewport={"width": 1000, "height": 700})
    page = guest.open("both.html", key)
    guest.prompt(0).get_by_role("button", name="6", exact=True).click()
    wait_for_the_corner_prompts_turn(page)

    page.mouse.wheel(0, 800)
    page.wait_for_function("scrollY > 0")
    after_frames(page, 3)

    assert page.locator("body > ces-prompt").count() == 0
    assert [row["touchpoint"] for row in live_server.answers(key)] == ["kb-article"]


@pytest.mark.parametrize("lang", ["", "en"])
def test_floating_prompt_takes_the_end_corner_of_a_right_to_left_page(visit, site_key, lang):
    guest = visit(viewport={"width": 1280, "height": 720})
    page = guest.open("rtl.html", site_key, lang=lang)
    page.wait_for_function("window.CES && window.CES.v")

    page.evaluate("() => { CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-rtl'}); }")

    expect(page.get_by_role("dialog")).to_be_visible()
    after_frames(page)
    card = read(page, 1)["card"]  # the page's inline prompt comes first
    assert card["left"] == 8 and card["bottom"] == 720 - 8


def test_an_inline_prompt_coming_into_view_takes_over_from_the_corner_prompt(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(viewport={"width": 1000, "height": 700})
    page = guest.open("article-end.html", key)
    expect(page.locator("body > ces-prompt").get_by_role("group")).to_be_visible()

    page.locator("#slot").scroll_into_view_if_needed()

    expect(page.locator("#slot ces-prompt").get_by_role("group")).to_be_in_viewport()
    expect(page.locator("body > ces-prompt")).to_have_count(0)
    # It gave way unanswered: not remembered as dismissed, so it may ask on another visit.
    assert "self-service|help-article" not in (page.evaluate("JSON.parse(localStorage.getItem('ces'))") or {})


def test_a_corner_prompt_the_visitor_answers_stays_when_an_inline_one_comes_into_view(visit, live_server,
                                                                                      host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(viewport={"width": 1000, "height": 700})
    page = guest.open("article-end.html", key)
    corner = page.locator("body > ces-prompt")
    corner.get_by_role("button", name="6", exact=True).click()
    expect(corner.get_by_role("heading", name="What worked well? (optional)")).to_be_visible()

    page.locator("#slot").scroll_into_view_if_needed()
    expect(page.locator("#slot ces-prompt").get_by_role("group")).to_be_in_viewport()
    after_frames(page)

    expect(corner.get_by_role("heading", name="What worked well? (optional)")).to_be_visible()

"""The widget's shadow root keeps host CSS out and its own CSS in, and works under a
Content-Security-Policy that only allows the widget's origin."""
from playwright.sync_api import expect

from .conftest import PROMPT_HOSTS, served

SHADOW_ROOT = f"({PROMPT_HOSTS})[0].shadowRoot"
SHADOW_BUTTON = f"{SHADOW_ROOT}.querySelector('{served('.scale button')}')"


def test_hostile_host_css_does_not_change_the_prompt(visit, live_server, site_key):
    guest = visit()
    page = guest.open("hostile.html", site_key)
    prompt = guest.prompt(0)
    button = prompt.get_by_role("button", name="4", exact=True)

    expect(button).to_be_visible()
    style = page.evaluate(f"(() => {{ const s = getComputedStyle({SHADOW_BUTTON}); "
                          "return [s.color, s.fontFamily, s.backgroundColor, s.display, s.letterSpacing]; })()")
    assert style[0] != "rgb(255, 0, 0)"
    assert style[1] != "serif"  # the size follows the page's text on purpose; the rest is the widget's
    assert style[2] != "rgb(0, 255, 0)"
    assert style[3] != "none"
    assert style[4] == "normal"
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    button.click()
    assert live_server.answers(site_key)[0]["score"] == 4


def test_widget_css_does_not_leak_into_the_host_page(visit, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    expect(guest.scale(0).first).to_be_visible()

    # An element of the page's own with the class the widget's question has, as served.
    question_class = served(".question").lstrip(".")
    page.evaluate(f"document.body.insertAdjacentHTML('beforeend', '<button id=own>Own</button><p class={question_class} id=q>x</p>')")
    own = page.evaluate("(() => { const s = getComputedStyle(document.getElementById('own'));"
                        " return [s.minHeight, s.borderRadius]; })()")
    question = page.evaluate("getComputedStyle(document.getElementById('q')).fontWeight")

    # The widget's buttons are 44 px tall with 8 px corners; the page's own are untouched.
    assert own[0] != "44px" and own[1] != "8px"
    assert question == "400"
    assert page.evaluate("document.styleSheets.length") == 0
    assert page.evaluate("document.adoptedStyleSheets.length") == 0


def test_strict_csp_page_shows_a_styled_prompt_and_stores_the_answer(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key, csp="strict")
    button = guest.prompt(0).get_by_role("button", name="6", exact=True)

    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 44
    assert page.evaluate(f"getComputedStyle({SHADOW_BUTTON}).borderRadius") != "0px"
    button.click()

    assert live_server.answers(site_key)[0]["score"] == 6
    # The follow-up module comes from the widget's origin, which the policy allows; its
    # stylesheet is constructed too, so no style-src exception is needed.
    note = guest.prompt(0).get_by_label("What worked well? (optional)")
    expect(note).to_be_visible()
    textarea = f"({PROMPT_HOSTS})[0].shadowRoot.querySelector('textarea')"
    assert page.evaluate(f"getComputedStyle({textarea}).display") == "block"  # a textarea is inline-block unstyled
    violations = [line for line in guest.console if "Content Security Policy" in line]
    assert violations == []


def test_strict_csp_page_shows_the_chat_dialog_placed_and_styled(visit, live_server, site_key):
    guest = visit(viewport={"width": 360, "height": 640})
    page = guest.open("ask.html", site_key, csp="strict")
    page.wait_for_function("window.CES && window.CES.v")

    page.click("#end")
    dialog = guest.prompt(0).get_by_role("dialog")
    expect(dialog).to_be_visible()
    placement = page.evaluate(f"""(() => {{ const card = {SHADOW_ROOT}.querySelector('{served('.card')}');
        const s = getComputedStyle(card); return [s.position, s.maxHeight, card.getBoundingClientRect().right]; }})()""")
    dialog.get_by_role("button", name="3", exact=True).click()

    assert placement[0] == "fixed" and placement[1] != "none" and placement[2] <= 360
    assert live_server.answers(site_key)[0]["touchpoint"] == "chatbot-exit"
    assert [line for line in guest.console if "Content Security Policy" in line] == []

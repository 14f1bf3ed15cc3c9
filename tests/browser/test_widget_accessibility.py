"""WCAG 2.2 AA rules checked by axe-core inside the widget's shadow root, in each state
a customer meets: the scale, the follow-up after a difficult answer, the chat dialog, the
thank-you, and dark mode."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def violations(page):
    """Return axe's WCAG AA violations inside the widget, one line per rule, or ""."""
    results = Axe().run(page, context="ces-prompt", options=WCAG_AA)
    # Targets inside a shadow root are nested lists, which the library's own report cannot print.
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_inline_prompt_and_follow_up_meet_wcag_aa(visit, site_key, color_scheme):
    guest = visit(color_scheme=color_scheme)
    page = guest.open("inline.html", site_key)
    prompt = guest.prompt(0)
    expect(prompt.locator(".s button").first).to_be_visible()
    assert violations(page) == ""

    prompt.get_by_role("button", name="1 Strongly disagree").click()
    prompt.get_by_role("button", name="I couldn't find the answer").click()
    expect(prompt.get_by_role("button", name="I couldn't find the answer")).to_have_attribute("aria-pressed", "true")
    assert violations(page) == ""

    prompt.get_by_role("button", name="Send").click()
    expect(prompt.get_by_text("Thank you for your feedback!")).to_be_visible()
    assert violations(page) == ""


def test_chat_dialog_meets_wcag_aa(visit, site_key):
    guest = visit()
    page = guest.open("ask.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")
    page.click("#end")
    expect(guest.prompt(0).get_by_role("dialog")).to_be_visible()

    assert violations(page) == ""

"""WCAG 2.2 AA rules checked by axe-core inside the widget's shadow root, in each state
a customer meets (the scale, the follow-up after a difficult and an easy answer, the
thank-you, the chat dialog), on light and dark pages, left to right and right to left."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def violations(page):
    """Return axe's WCAG AA violations inside the widget, one line per rule, or ""."""
    # The inline prompts are inside their containers (in a shadow root of theirs), a floating
    # prompt in the page.
    results = Axe().run(page, context="[data-ces-touchpoint], body > ces-prompt", options=WCAG_AA)
    # Targets inside a shadow root are nested lists, which the library's own report cannot print.
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    )


# (page, the visitor's OS setting, the page's language or "" for its own, the strings' words)
PAGES = {
    "light page": ("inline.html", "light", "en", {}),
    "light page, dark OS": ("inline.html", "dark", "en", {}),
    "dark page": ("dark.html", "light", "en", {}),
    "light and dark page, dark OS": ("light-dark.html", "dark", "en", {}),
    "Arabic page": ("rtl.html", "light", "", {"low": "1 لا أوافق بشدة", "reason": "لم أجد الإجابة",
                                               "send": "إرسال", "thanks": "شكرًا لك على ملاحظاتك!"}),
    "Arabic page, English strings": ("rtl.html", "dark", "en", {}),
}
ENGLISH = {"low": "1 Strongly disagree", "reason": "I couldn't find the answer", "send": "Send",
           "thanks": "Thank you for your feedback!"}


@pytest.mark.parametrize("case", PAGES)
def test_inline_prompt_and_follow_up_meet_wcag_aa(visit, live_server, host_origin, case):
    page_name, os_scheme, lang, words = PAGES[case]
    words = words or ENGLISH
    # With a recovery link, which the difficult answer's follow-up offers first.
    key = live_server.add_site([host_origin], recovery_url="https://help.example.com/contact")
    guest = visit(color_scheme=os_scheme)
    page = guest.open(page_name, key, lang=lang)
    prompt = guest.prompt(0)
    expect(guest.scale(0).first).to_be_visible()
    assert violations(page) == ""

    prompt.get_by_role("button", name=words["low"]).click()
    prompt.get_by_role("button", name=words["reason"]).click()
    expect(prompt.get_by_role("button", name=words["reason"])).to_have_attribute("aria-pressed", "true")
    expect(prompt.get_by_role("link")).to_have_attribute("href", re.compile(r"^https://help\.example\.com/contact\?"))
    assert violations(page) == ""

    prompt.get_by_role("button", name=words["send"]).click()
    expect(prompt.get_by_text(words["thanks"])).to_be_visible()
    assert violations(page) == ""


@pytest.mark.parametrize("os_scheme", ["light", "dark"])
def test_easy_follow_up_meets_wcag_aa(visit, site_key, os_scheme):
    guest = visit(color_scheme=os_scheme)
    page = guest.open("light-dark.html", site_key)
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="7 Strongly agree").click()
    expect(prompt.get_by_label("What worked well? (optional)")).to_be_visible()

    assert violations(page) == ""


@pytest.mark.parametrize("case", ["light page", "light and dark page, dark OS", "Arabic page",
                                  "Arabic page, English strings"])
def test_chat_dialog_and_its_follow_up_meet_wcag_aa(visit, site_key, case):
    page_name, os_scheme, lang, words = PAGES[case]
    words = words or ENGLISH
    guest = visit(color_scheme=os_scheme)
    page = guest.open(page_name, site_key, lang=lang)
    page.wait_for_function("window.CES && window.CES.v")

    page.evaluate("() => { CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-axe'}); }")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name=words["low"])).to_be_focused()
    assert violations(page) == ""

    dialog.get_by_role("button", name=words["low"]).click()
    expect(dialog.get_by_role("button", name=words["send"])).to_be_visible()
    assert violations(page) == ""

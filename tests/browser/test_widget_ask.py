"""CES.ask for chatbot exits: an overlay dialog whose Promise tells the outcome, also when
called before the widget loaded; and containers that a single-page app adds later."""
import json

from playwright.sync_api import expect
from .conftest import FOCUSED


def open_chat(visit, site_key):
    """Open the chat page once the widget is ready for CES.ask."""
    guest = visit()
    page = guest.open("ask.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")
    return guest, page


def outcome_of(page):
    expect(page.locator("#outcome")).not_to_be_empty()
    return json.loads(page.locator("#outcome").text_content())


def test_ask_after_load_shows_a_dialog_and_resolves_with_the_score(visit, live_server, site_key):
    guest, page = open_chat(visit, site_key)

    page.click("#end")
    dialog = guest.prompt(0).get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This chat made it easy for me to handle my issue.")
    # Keyboard users land on the scale.
    assert page.evaluate(f"{FOCUSED}.textContent").startswith("1")
    dialog.get_by_role("button", name="6", exact=True).click()
    # Closed once the follow-up is there, as a person sees it: while it arrives the card is
    # placed again, and a click aimed before that can miss the ×.
    expect(dialog.get_by_role("heading", name="What worked well? (optional)")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()

    assert outcome_of(page) == {"status": "answered", "score": 6, "class": "easy"}
    answer = live_server.answers(site_key)[0]
    assert (answer["touchpoint"], answer["ref"], answer["agent"]) == ("chatbot-exit", "conv-1", "nora-bot")
    assert json.loads(answer["meta"]) == {"flow": "returns"}
    # Focus goes back where it was.
    assert page.evaluate("document.activeElement.id") == "end"


def test_escape_dismisses_and_the_promise_says_so(visit, live_server, site_key):
    guest, page = open_chat(visit, site_key)

    page.click("#end")
    expect(guest.prompt(0).get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    assert outcome_of(page) == {"status": "dismissed"}
    assert page.locator("ces-prompt").count() == 0
    # Dismissed: not asked again about the same conversation.
    page.click("#end")
    page.wait_for_function("document.getElementById('outcome').textContent.includes('skipped')")


def test_a_second_ask_replaces_the_first_dialog_and_focus_still_returns_to_the_opener(visit, site_key):
    guest, page = open_chat(visit, site_key)
    page.click("#end")
    expect(guest.prompt(0).get_by_role("dialog")).to_contain_text("This chat made it easy")

    page.evaluate("() => { CES.ask({touchpoint: 'kb-article', ref: 'kb-next'})"
                  ".then((outcome) => { window.second = outcome; }); }")
    dialog = page.locator("ces-prompt").get_by_role("dialog")
    expect(dialog).to_have_count(1)
    expect(dialog).to_contain_text("This article made it easy")

    # The replaced dialog's promise says so; closing the new one gives focus back to the opener.
    assert outcome_of(page) == {"status": "skipped"}
    page.keyboard.press("Escape")
    page.wait_for_function("window.second && window.second.status == 'dismissed'")
    assert page.evaluate("document.activeElement.id") == "end"


def test_ask_called_before_the_widget_loaded_is_not_lost(visit, live_server, site_key):
    guest = visit()
    page = guest.open("queue.html", site_key)

    dialog = guest.prompt(0).get_by_role("dialog")
    dialog.get_by_role("button", name="2", exact=True).click()
    dialog.get_by_role("button", name="Close").click()

    assert page.evaluate("window.outcome") == {"status": "answered", "score": 2, "class": "difficult"}
    assert live_server.answers(site_key)[0]["ref"] == "conv-early"


def test_ask_with_a_bad_touchpoint_resolves_skipped_without_a_request(visit, site_key):
    guest, page = open_chat(visit, site_key)

    outcome = page.evaluate("CES.ask({touchpoint: 'Not Valid'})")

    assert outcome == {"status": "skipped"}
    assert guest.api_requests("sites/") == []
    # The console names the value given, not the pattern it failed.
    assert any('"Not Valid"' in line and "a-z" in line for line in guest.console), guest.console


def test_follow_up_in_the_overlay_is_stored(visit, live_server, site_key):
    guest, page = open_chat(visit, site_key)
    page.click("#end")
    dialog = guest.prompt(0).get_by_role("dialog")

    dialog.get_by_role("button", name="1 Strongly disagree").click()
    dialog.get_by_role("button", name="I had to explain my problem again").click()
    dialog.get_by_role("button", name="I was passed between people or teams").click()
    dialog.get_by_label("Anything else? (optional)").fill("Three agents!")
    dialog.get_by_role("button", name="Send").click()

    answer = live_server.answers(site_key, "comment != ''")[0]
    assert json.loads(answer["reasons"]) == ["repeat", "transfer"]
    assert answer["comment"] == "Three agents!"
    # The thank-you closes by itself and the Promise resolves.
    assert outcome_of(page)["status"] == "answered"


def test_a_container_added_later_gets_a_prompt(visit, live_server, site_key):
    guest = visit()
    page = guest.open("spa.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")
    guest.settled()
    # No container yet: no prompt, and not even the configuration is asked for.
    assert page.locator("ces-prompt").count() == 0
    assert guest.fetched("sites/") == []

    page.evaluate("""document.getElementById('app').innerHTML =
        '<h1>Article</h1><div><div id="later" data-ces-touchpoint="kb-article" data-ces-ref="kb-spa"></div></div>'""")
    guest.prompt(0).get_by_role("button", name="5", exact=True).click()

    assert live_server.answers(site_key)[0]["ref"] == "kb-spa"
    assert page.locator("#later ces-prompt").count() == 1

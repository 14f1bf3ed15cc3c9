"""The content's revision label travels with each answer: from the script tag for the
floating prompt, from the container for an inline one, and from CES.ask."""
import json

from playwright.sync_api import expect


def test_each_prompt_sends_the_version_its_page_gave(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit(viewport={"width": 1000, "height": 700})
    page = guest.open("versions.html", key)

    corner = page.locator("body > ces-prompt")
    corner.get_by_role("button", name="2", exact=True).click()
    expect(corner.get_by_text("What made it hard?")).to_be_visible()
    corner.get_by_role("button", name="Close").click()
    page.locator("#article").scroll_into_view_if_needed()
    page.locator("#article").get_by_role("button", name="6", exact=True).click()
    page.evaluate("() => { CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-1', version: 'bot-v2'}); }")
    page.get_by_role("dialog").get_by_role("button", name="5", exact=True).click()

    answers = live_server.answers(key, count=3)
    assert [(row["touchpoint"], row["version"]) for row in answers] == [
        ("self-service", "page-r3"), ("kb-article", "2026-11-30"), ("chatbot-exit", "bot-v2")]
    # The version is an answer's own field, not metadata; other data-ces-* still are.
    assert [json.loads(row["meta"]) for row in answers] == [{}, {"plan": "pro"}, {}]

"""Inline prompts on a host page of another origin: rating, scales, keyboard, follow-up,
cooldown and language, checked in the page and in the server's database."""
import pytest
from playwright.sync_api import expect

from .conftest import FOCUSED, served


def scale_buttons(prompt):
    return prompt.locator(served(".scale button"))


def test_a_click_on_another_origin_stores_the_answer_with_its_class(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="2", exact=True).click()

    rows = live_server.answers(site_key)
    assert len(rows) == 1
    answer = rows[0]
    assert (answer["touchpoint"], answer["ref"], answer["customer"]) == ("kb-article", "kb-1", "cust-7")
    assert (answer["scale"], answer["score"], answer["effort_class"]) == ("agreement7", 2, "difficult")
    assert answer["page_url"] == f"{guest.host_origin}/inline.html"
    assert page.evaluate("location.origin") != live_server.url
    assert guest.context.cookies() == []
    # Two prompts on the page, one configuration request.
    assert len(guest.api_requests("sites/")) == 1


@pytest.mark.parametrize(
    ("scale", "points", "low", "high", "score", "effort_class"),
    [
        ("agreement7", 7, "Strongly disagree", "Strongly agree", 6, "easy"),
        ("effort5", 5, "Very low effort", "Very high effort", 5, "difficult"),
        ("ease5", 5, "Very difficult", "Very easy", 3, "neutral"),
    ],
)
def test_each_scale_renders_its_points_and_labels(visit, live_server, host_origin, scale, points, low, high,
                                                  score, effort_class):
    key = live_server.add_site([host_origin], scale=scale)
    guest = visit()
    guest.open("inline.html", key)
    prompt = guest.prompt(0)

    buttons = scale_buttons(prompt)
    expect(buttons).to_have_count(points)
    assert buttons.first.text_content() == f"1 {low}"
    assert buttons.last.text_content() == f"{points} {high}"
    expect(prompt.get_by_role("button", name=f"1 {low}")).to_be_visible()
    box = buttons.nth(1).bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    buttons.nth(score - 1).click()

    rows = live_server.answers(key)
    assert (rows[0]["scale"], rows[0]["score"], rows[0]["effort_class"]) == (scale, score, effort_class)


def test_keyboard_only_answering_with_follow_up(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    guest.scale(0).first.wait_for()

    # Tab from the top of the page to the first scale button, then on to the third.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(f"{FOCUSED}.textContent")
    assert focused.startswith("3")
    focus_ring = page.evaluate(
        f"getComputedStyle({FOCUSED}).outlineStyle")
    assert focus_ring == "solid"
    page.keyboard.press("Enter")

    # The follow-up's heading takes focus (once its file is in; the widget fetched it as
    # focus arrived), then: first reason, toggled with Space; the comment; Send.
    expect(guest.prompt(0).get_by_role("heading", name="What made it hard?")).to_be_focused()
    page.keyboard.press("Tab")
    expect(guest.prompt(0).get_by_role("button", name="I couldn't find the answer")).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(len(["unclear", "channel", "again"]) + 1):
        page.keyboard.press("Tab")
    page.keyboard.type("Steps did not match the screen")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(guest.prompt(0).get_by_text("Thank you for your feedback!")).to_be_visible()
    rows = live_server.answers(site_key, "comment != ''")
    assert (rows[0]["score"], rows[0]["effort_class"]) == (3, "difficult")
    assert rows[0]["reasons"] == '["not-found"]'
    assert rows[0]["comment"] == "Steps did not match the screen"


def test_escape_in_an_inline_prompt_keeps_it_and_what_was_typed(visit, live_server, site_key):
    """Escape closes dialogs; an inline prompt is part of the page, so it stays."""
    guest = visit()
    guest.open("inline.html", site_key)
    prompt = guest.prompt(0)
    prompt.get_by_role("button", name="7 Strongly agree").click()
    note = prompt.get_by_label("What worked well? (optional)")
    note.fill("Clear steps")

    note.press("Escape")

    expect(note).to_have_value("Clear steps")
    prompt.get_by_role("button", name="Send").click()
    expect(prompt.get_by_text("Thank you for your feedback!")).to_be_visible()
    assert live_server.answers(site_key, "comment != ''")[0]["comment"] == "Clear steps"


def test_easy_answer_asks_what_worked_well(visit, live_server, site_key):
    guest = visit()
    guest.open("inline.html", site_key)
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="7 Strongly agree").click()
    prompt.get_by_label("What worked well? (optional)").fill("Clear screenshots")
    # No effort drivers are offered after an easy answer.
    assert prompt.locator("[aria-pressed]").count() == 0
    prompt.get_by_role("button", name="Send").click()

    rows = live_server.answers(site_key, "comment != ''")
    assert (rows[0]["effort_class"], rows[0]["comment"], rows[0]["reasons"]) == ("easy", "Clear screenshots", "[]")


def test_follow_up_form_is_fetched_only_when_a_customer_heads_for_the_prompt(visit, live_server, site_key):
    guest = visit()
    guest.open("inline.html", site_key)
    prompt = guest.prompt(0)
    # All the widget does by itself is done: both prompts shown and counted as seen.
    assert len(live_server.impressions(site_key, count=2)) == 2
    guest.settled("/config", "/impressions")
    follow_up_requests = lambda: [r for r in guest.requests if "/widget-followup." in r]  # noqa: E731

    assert follow_up_requests() == []  # a visitor who only reads never downloads it

    prompt.get_by_role("button", name="6", exact=True).click()

    expect(prompt.get_by_role("heading", name="What worked well? (optional)")).to_be_focused()
    assert len(follow_up_requests()) == 1
    assert follow_up_requests()[0].startswith(f"GET {live_server.url}/widget-followup.")


def test_answer_is_kept_and_thanked_when_the_follow_up_cannot_load(visit, live_server, site_key):
    guest = visit()
    guest.context.route("**/widget-followup.*", lambda route: route.abort())
    guest.open("inline.html", site_key)
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="1 Strongly disagree").click()

    expect(prompt.get_by_text("Thank you for your feedback!")).to_be_visible()
    rows = live_server.answers(site_key)
    assert (rows[0]["score"], rows[0]["effort_class"]) == (1, "difficult")


def test_the_chosen_score_shows_and_is_kept_at_once_while_the_follow_up_is_on_its_way(visit, live_server, site_key):
    # The follow-up module completes the answer (its revision label and journey) before it
    # is sent: while the module is on its way the answer waits in storage, where the next
    # page view would send it from.
    guest = visit()
    held = []
    page = guest.open("inline.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")
    guest.context.route("**/widget-followup.*", lambda route: held.append(route))  # a slow network: held
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name="2", exact=True).click()
    expect(prompt.get_by_role("button", name="2", exact=True)).to_have_attribute("aria-pressed", "true")
    prompt.get_by_role("button", name="5", exact=True).click()  # a second tap changes nothing
    guest.settled()

    assert guest.fetched("answers") == []
    assert [body["score"] for body in page.evaluate("JSON.parse(localStorage.getItem('ces-q'))")] == [2]
    assert prompt.get_by_role("button", name="5", exact=True).get_attribute("aria-pressed") is None
    assert held, "the follow-up form was never asked for"
    for route in held:
        route.continue_()
    expect(prompt.get_by_text("What made it hard?")).to_be_visible()
    # A second answer would have been sent by the tap itself.
    assert [row["score"] for row in live_server.answers(site_key)] == [2]
    guest.settled("/answers")
    assert len(guest.fetched("answers")) == 1
    page.wait_for_function("JSON.parse(localStorage.getItem('ces-q')).length == 0")


def test_answered_and_dismissed_prompts_rest_for_the_cooldown(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    guest.prompt(0).get_by_role("button", name="5", exact=True).click()
    guest.prompt(1).get_by_role("button", name="Close").click()
    assert page.locator("#slot-b ces-prompt").count() == 0
    live_server.answers(site_key)

    page.reload()
    page.wait_for_function("window.CES && window.CES.v")
    page.wait_for_load_state("networkidle")

    assert page.locator("ces-prompt").count() == 0
    stored = page.evaluate("JSON.parse(localStorage.getItem('ces'))")
    assert set(stored) == {"kb-article|kb-1", "self-service|orders"}
    assert all(29 < (until - page.evaluate("Date.now()")) / 864e5 <= 30 for until in stored.values())


def test_a_prompt_shows_again_after_the_cooldown(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], cooldown_days=0)
    guest = visit()
    page = guest.open("inline.html", key)
    guest.prompt(0).get_by_role("button", name="Close").click()

    page.reload()

    page.locator("#slot-a ces-prompt").wait_for()


def test_sampling_at_zero_shows_nothing(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], sample_percent=0)
    guest = visit()
    page = guest.open("inline.html", key)
    page.wait_for_load_state("networkidle")

    assert page.locator("ces-prompt").count() == 0
    assert guest.api_requests("impressions") == []


@pytest.mark.parametrize(
    ("lang", "close", "low"),
    [("nl", "Sluiten", "Helemaal oneens"), ("de-CH", "Schließen", "Stimme überhaupt nicht zu"),
     ("fr", "Fermer", "Pas du tout d’accord"), ("es", "Cerrar", "Totalmente en desacuerdo")],
)
def test_strings_follow_the_page_language(visit, site_key, lang, close, low):
    guest = visit()
    guest.open("inline.html", site_key, lang=lang)
    prompt = guest.prompt(0)

    expect(prompt.get_by_role("button", name=close)).to_be_visible()
    expect(prompt.get_by_role("button", name=f"1 {low}")).to_be_visible()


def test_browser_language_is_used_when_the_page_has_none(visit, site_key):
    guest = visit(locale="de-DE")
    guest.open("inline.html", site_key, lang="")

    expect(guest.prompt(0).get_by_role("button", name="Schließen")).to_be_visible()


def test_a_prompt_on_screen_records_one_impression(visit, live_server, site_key):
    guest = visit()
    guest.open("inline.html", site_key)
    guest.scale(1).first.wait_for()

    rows = live_server.impressions(site_key, count=2)

    assert sorted((row["touchpoint"], row["ref"]) for row in rows) == [("kb-article", "kb-1"), ("self-service", "orders")]


@pytest.mark.parametrize(("score", "heading"), [
    (7, "What worked well? (optional)"), (4, "What could we have made easier? (optional)"),
    (1, "What made it hard?"),
])
def test_follow_up_focuses_its_heading_never_the_text_field(visit, site_key, score, heading):
    """Focus in a text field would open a phone's keyboard over the page unasked."""
    guest = visit(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = guest.open("inline.html", site_key)
    prompt = guest.prompt(0)

    prompt.get_by_role("button", name=str(score), exact=False).first.tap()

    expect(prompt.get_by_role("heading", name=heading)).to_be_focused()
    assert page.evaluate(f"{FOCUSED}.localName") == "h2"
    # After an easy or neutral answer the heading also names the comment field.
    if score != 1:
        expect(prompt.get_by_role("textbox", name=heading)).to_be_visible()


def test_a_chosen_reason_does_not_look_like_the_send_button(visit, site_key):
    guest = visit()
    guest.open("inline.html", site_key)
    prompt = guest.prompt(0)
    prompt.get_by_role("button", name="2", exact=True).click()
    reason = prompt.get_by_role("button", name="I couldn't find the answer")
    reason.click()
    expect(reason).to_have_attribute("aria-pressed", "true")

    look = "(el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; }"
    chosen, send = reason.evaluate(look), prompt.get_by_role("button", name="Send").evaluate(look)
    assert chosen != send, (chosen, send)
    # Chosen is told apart from not chosen by more than colour: a mark (and a thicker border).
    assert "✓" in reason.evaluate("(el) => getComputedStyle(el, '::before').content")

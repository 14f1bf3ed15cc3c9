"""What the widget sends beside the score, in a real browser on another origin: the
content's revision label, the seconds on the page, the help-centre search that led there
(only from a page of the same origin), and the ces:answer event that tells the page."""
import json
from urllib.parse import urlencode



def answer_bodies(guest):
    """The bodies of the answers the page sent, as sent."""
    # Playwright hears of requests when the test next talks to the browser.
    guest.settled("/answers")
    return [json.loads(request.post_data) for request in guest.sent if request.url.endswith("/api/v1/answers")]


def visit_recording(visit):
    guest = visit()
    guest.sent = []
    guest.page.on("request", lambda request: request.method == "POST" and guest.sent.append(request))
    return guest


def test_an_inline_answer_carries_its_version_and_time_and_tells_the_page(visit, live_server, site_key):
    guest = visit_recording(visit)
    page = guest.open("revision.html", site_key)
    prompt = guest.prompt(0)
    prompt.get_by_role("button", name="2", exact=True).wait_for()
    page.wait_for_timeout(1200)  # so the time on the page is more than a second

    prompt.get_by_role("button", name="2", exact=True).click()

    answer = live_server.answers(site_key)[0]
    assert (answer["ref"], answer["version"]) == ("kb-1", "2026-11-30")
    assert "version" not in json.loads(answer["meta"])
    assert 1 <= answer["seconds_on_page"] <= 30 and answer["search"] == ""
    heard = page.evaluate("window.heard")
    assert heard == [{"target": "article", "bubbled": True, "detail": {
        "touchpoint": "kb-article", "ref": "kb-1", "version": "2026-11-30", "score": 2, "class": "difficult",
        "id": answer["key"]}}]


def test_a_label_the_server_would_refuse_is_left_out_and_the_answer_kept(visit, live_server, site_key):
    guest = visit_recording(visit)
    page = guest.open("revision.html", site_key)

    guest.prompt(1).get_by_role("button", name="6", exact=True).click()

    answer = live_server.answers(site_key)[0]
    assert (answer["ref"], answer["version"], answer["score"]) == ("orders", "", 6)
    assert "version" not in answer_bodies(guest)[0]
    assert any("data-ces-version is not" in line for line in guest.console)
    assert page.evaluate("window.heard")[0]["detail"]["version"] == ""


def test_the_search_that_led_here_comes_from_a_same_origin_referrer_only(visit, live_server, host_origin, site_key):
    article = f"{host_origin}/revision.html?" + urlencode({"site": site_key, "script": f"{live_server.url}/widget.js"})
    other_origin = host_origin.replace("localhost", "127.0.0.1")
    guest = visit_recording(visit)

    for origin, query in ((host_origin, "reset password"), (other_origin, "cross origin secret")):
        guest.page.goto(f"{origin}/search.html?" + urlencode({"q": query, "token": "t0ps3cret", "to": article}))
        guest.page.click("#result")
        guest.prompt(0).get_by_role("button", name="2", exact=True).click()
        guest.settled("/answers")
        guest.page.evaluate("localStorage.clear()")  # the cooldown would hide the prompt the second time

    same, cross = live_server.answers(site_key, count=2)
    assert same["search"] == "reset password"
    assert cross["search"] == ""
    bodies = answer_bodies(guest)
    assert bodies[0]["search"] == "reset password" and "search" not in bodies[1]
    assert not any("t0ps3cret" in request.post_data for request in guest.sent)


def test_a_site_that_collects_neither_gets_neither_sent(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], collect_time_on_page=False, search_parameters="")
    article = f"{host_origin}/revision.html?" + urlencode({"site": key, "script": f"{live_server.url}/widget.js"})
    guest = visit_recording(visit)
    guest.page.goto(f"{host_origin}/search.html?" + urlencode({"q": "reset password", "to": article}))
    guest.page.click("#result")

    guest.prompt(0).get_by_role("button", name="2", exact=True).click()

    assert live_server.answers(key)[0]["seconds_on_page"] is None
    body = answer_bodies(guest)[0]
    assert "seconds_on_page" not in body and "search" not in body


def test_ces_ask_and_the_corner_prompt_carry_their_version_and_tell_the_document(visit, live_server, host_origin):
    key = live_server.add_site([host_origin], auto_delay_seconds=0)
    guest = visit_recording(visit)
    page = guest.open("floating-version.html", key)
    corner = page.get_by_role("group")
    corner.get_by_role("button", name="6", exact=True).click()
    corner.get_by_role("button", name="Close").click()

    page.evaluate("() => { CES.ask({touchpoint: 'chatbot-exit', ref: 'conv-9', version: 42}); }")
    page.get_by_role("dialog").get_by_role("button", name="2", exact=True).click()

    corner_answer, asked = live_server.answers(key, count=2)
    assert (corner_answer["ref"], corner_answer["version"]) == ("order-tracking", "r7")
    assert (asked["ref"], asked["version"]) == ("conv-9", "42")
    heard = page.evaluate("window.heard")
    assert [(each["target"], each["detail"]["version"], each["detail"]["score"]) for each in heard] == [
        ("#document", "r7", 6), ("#document", "42", 2)]


def test_a_difficult_answer_offers_the_recovery_link_with_its_context_and_counts_the_click(
        visit, live_server, host_origin):
    key = live_server.add_site([host_origin], recovery_url=f"{host_origin}/search.html?from=widget")
    guest = visit_recording(visit)
    page = guest.open("revision.html", key)

    guest.prompt(1).get_by_role("button", name="6", exact=True).click()
    guest.prompt(0).get_by_role("button", name="2", exact=True).click()
    link = guest.prompt(0).get_by_role("link", name="Still stuck? Contact support")
    link.wait_for()

    assert guest.prompt(1).get_by_role("link").count() == 0
    answer = live_server.answers(key, "score = 2")[0]
    assert answer["recovery_offered"] and answer["recovery_taken_at"] is None
    href = link.get_attribute("href")
    assert href == f"{host_origin}/search.html?from=widget&touchpoint=kb-article&ref=kb-1&answer={answer['key']}"
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener"
    with guest.context.expect_page() as opened:
        link.click()
    assert opened.value.url == href
    assert live_server.answers(key, "recovery_taken_at IS NOT NULL")[0]["key"] == answer["key"]
    assert page.evaluate("window.heard")[1]["detail"]["class"] == "difficult"


def test_an_answer_goes_even_when_the_follow_up_module_breaks(visit, live_server, site_key):
    guest = visit_recording(visit)
    guest.context.route("**/widget-followup.*", lambda route: route.fulfill(
        content_type="text/javascript", body="export default () => { throw new Error('broken module'); };"))
    guest.open("revision.html", site_key)

    guest.prompt(0).get_by_role("button", name="2", exact=True).click()

    answer = live_server.answers(site_key)[0]
    assert (answer["score"], answer["ref"]) == (2, "kb-1")
    guest.settled("/answers")  # Playwright hears of console lines when the test next talks to the browser
    assert any("broken module" in line for line in guest.console)

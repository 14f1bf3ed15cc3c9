"""When things go wrong the host page does not notice: server down, lost responses,
pages on origins the site does not allow, the script included twice."""
import json

from playwright.sync_api import expect

from .conftest import free_port


def test_api_down_shows_nothing_and_breaks_nothing(visit, site_key):
    guest = visit()
    page = guest.open("down.html", site_key, api=f"http://127.0.0.1:{free_port()}")
    page.wait_for_function("window.CES && window.CES.v")

    page.click("#end")

    expect(page.locator("#outcome")).to_have_text(json.dumps({"status": "unavailable"}, separators=(",", ":")))
    assert page.locator("ces-prompt").count() == 0
    assert any("CES widget" in line for line in guest.console)


def test_chat_dialog_without_its_placement_module_is_unavailable(visit, site_key):
    """The dialog needs its placement module: when it cannot load (a CDN that serves
    widget.js but not its modules), CES.ask says so instead of showing a misplaced card."""
    guest = visit()
    guest.context.route("**/widget-overlay.*", lambda route: route.abort())
    page = guest.open("ask.html", site_key)
    page.wait_for_function("window.CES && window.CES.v")

    page.click("#end")

    expect(page.locator("#outcome")).to_have_text(json.dumps({"status": "unavailable"}, separators=(",", ":")))
    assert page.locator("ces-prompt").count() == 0


def test_script_server_down_leaves_the_page_working(visit, site_key):
    guest = visit()
    page = guest.open("down.html", site_key, script=f"http://127.0.0.1:{free_port()}/widget.js")
    page.wait_for_load_state("load")

    page.click("#end")

    assert page.locator("h1").text_content() == "Still a working page"
    assert page.locator("ces-prompt").count() == 0
    # The queue snippet keeps the call for when the script can load.
    assert page.evaluate("window.CES.q.length") == 1


def test_a_lost_response_is_retried_and_stored_once(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    deliveries = []

    def lose_first_response(route):
        deliveries.append(json.loads(route.request.post_data)["id"])
        if len(deliveries) == 1:
            route.fetch()  # the server stores it, but the browser never hears back
            route.fulfill(status=503, body="{}")
        else:
            route.continue_()

    page.route("**/api/v1/answers", lose_first_response)
    guest.prompt(0).get_by_role("button", name="3", exact=True).click()

    expect(guest.prompt(0).get_by_role("status")).to_have_text("Your answer was saved.", timeout=10_000)
    assert len(deliveries) == 2 and deliveries[0] == deliveries[1]
    assert len(live_server.rows("SELECT * FROM answer WHERE key = ?", deliveries[0])) == 1


def test_a_page_on_an_origin_not_allowed_shows_nothing(visit, live_server):
    key = live_server.add_site(["https://somewhere-else.example"])
    guest = visit()
    page = guest.open("inline.html", key)
    page.wait_for_load_state("networkidle")

    assert page.locator("ces-prompt").count() == 0
    # The console names the exact command that lets this page in.
    page_origin = page.evaluate("location.origin")
    assert any(f"widget-server site set {key} --add-origin {page_origin}" in line for line in guest.console), \
        guest.console
    assert live_server.rows("SELECT * FROM answer WHERE site_id = (SELECT id FROM site WHERE key = ?)", key) == []


def test_the_script_twice_on_a_page_renders_each_prompt_once(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    expect(guest.scale(1).first).to_be_visible()

    page.evaluate(f"""(() => {{ const again = document.createElement('script');
        again.src = '{live_server.url}/widget.js'; again.dataset.site = '{site_key}';
        document.head.append(again); }})()""")
    page.wait_for_load_state("networkidle")

    assert page.locator("#slot-a ces-prompt").count() == 1
    assert page.locator("#slot-b ces-prompt").count() == 1


def test_a_malformed_api_attribute_is_reported_not_thrown(visit, site_key):
    guest = visit()
    page = guest.open("down.html", site_key, api="::not a url")
    page.wait_for_load_state("networkidle")

    assert page.locator("ces-prompt").count() == 0
    assert any("data-ces-api is not a URL" in line for line in guest.console)


def test_an_answer_the_server_could_not_take_is_sent_after_a_reload(visit, live_server, site_key):
    guest = visit()
    page = guest.open("inline.html", site_key)
    refusals = []

    def busy(route):
        refusals.append(route.request.post_data)
        route.fulfill(status=503, headers={"Retry-After": "5"}, content_type="application/json",
                      body='{"error": "the answer store is busy or unavailable; retry shortly"}')

    page.route("**/api/v1/answers", busy)
    guest.prompt(0).get_by_role("button", name="2", exact=True).click()
    page.wait_for_function("(JSON.parse(localStorage.getItem('ces-q')) || []).length == 1")
    while not refusals:
        page.wait_for_timeout(50)
    assert live_server.rows("SELECT * FROM answer WHERE site_id = (SELECT id FROM site WHERE key = ?)", site_key) == []

    # The server recovers; the visitor reloads (or opens another page of the site).
    page.unroute("**/api/v1/answers")
    page.reload()

    rows = live_server.answers(site_key)
    assert len(rows) == 1 and rows[0]["score"] == 2 and rows[0]["ref"] == "kb-1"
    page.wait_for_function("(JSON.parse(localStorage.getItem('ces-q')) || []).length == 0")
    assert len(live_server.answers(site_key)) == 1


def test_an_unknown_site_key_is_named_in_the_console(visit):
    guest = visit()
    page = guest.open("inline.html", "sNoSuchSiteKey01")
    page.wait_for_load_state("networkidle")

    assert page.locator("ces-prompt").count() == 0
    assert any("sNoSuchSiteKey01" in line and "widget-server site list" in line for line in guest.console), guest.console

"""A rating link from a support e-mail, clicked in a real browser: the page completes the
rating by itself, the customer picks a reason, and the product owner sees it under its
agent and ticket; without script the page's button rates; a scanner's fetches rate
nothing; axe finds nothing on the page in either state, at 360 and 1280 px."""
import json
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from widget_server import webhooks
from widget_server.links import LinkRating
from widget_server.models import Answer, Site

from ..live import LiveServer
from ..receiver import Receiver
from .admin_pages import admin_at
from .test_widget_accessibility import WCAG_AA


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    # This module's server may post alerts to a receiver on this machine.
    server = LiveServer(tmp_path_factory.mktemp("rating"), ALERT_ALLOWED_NETWORKS="127.0.0.1/32")
    server.start()
    yield server
    server.stop()


def axe_violations(page):
    results = Axe().run(page, options=WCAG_AA)
    return [(violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]]


def ratings(live_server, ref):
    return live_server.rows("SELECT answer.score, answer.reasons, answer.comment, answer.agent FROM answer "
                            "JOIN linkrating ON linkrating.answer_id = answer.id WHERE linkrating.ref = ?", ref)


def forget(live_server, ref):
    live_server.in_app(lambda: Answer.delete().where(Answer.conversation == ref).execute())


def rating_link(live_server, site, score, ref, **params):
    query = "&".join(f"{name}={value}" for name, value in {"ref": ref, "agent": "Ann%20Lee", **params}.items())
    return f"{live_server.url}/r/{site}/{score}?{query}"


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_a_customer_clicks_2_chooses_a_reason_and_the_owner_sees_it(visit, live_server, seeded_site):
    page = visit(viewport={"width": 360, "height": 800}).page

    page.goto(rating_link(live_server, seeded_site, 2, "T-501", **{"meta.category": "billing"}))

    expect(page.get_by_role("status")).to_have_text("Thank you! You chose 2.")
    assert page.get_by_role("button", name="2").get_attribute("aria-current") == "true"
    assert [(row["score"], row["agent"]) for row in ratings(live_server, "T-501")] == [(2, "Ann Lee")]
    assert not scrolls_sideways(page)
    page.get_by_label("I had to explain my problem again").check()
    page.get_by_label("Anything else? (optional)").fill("Third time I explained it.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback!")
    (row,) = ratings(live_server, "T-501")
    assert (row["reasons"], row["comment"]) == ('["repeat"]', "Third time I explained it.")

    owner = admin_at(visit, live_server, f"/admin/answers?site={seeded_site}&touchpoint=support-reply")
    listed = owner.locator("main table").inner_text()
    assert "T-501" in listed and "Ann Lee" in listed and "Third time I explained it." in listed
    owner.goto(f"{live_server.url}/admin/?site={seeded_site}")
    assert "support-reply" in owner.locator("section[aria-labelledby=touchpoints-title]").inner_text()
    assert "Ann Lee" in owner.locator("section[aria-labelledby=agents-title]").inner_text()
    forget(live_server, "T-501")


def test_done_means_a_pasted_snippet_a_click_on_2_a_reason_an_alert_and_the_rating_in_the_admin(
        visit, live_server, seeded_site):
    receiver = Receiver()
    try:
        secret = live_server.in_app(lambda: webhooks.create_webhook(
            Site.get(Site.key == seeded_site), receiver.url, "difficult", touchpoint="support-reply",
            allowed_networks=("127.0.0.1/32",)).secret)
        # The support team copies the snippet for Zendesk from the site's page.
        owner = admin_at(visit, live_server, f"/admin/sites/{seeded_site}")
        # Choosing a helpdesk shows its block at once.
        with owner.expect_navigation():
            owner.locator("select[name=helpdesk]").select_option("freshdesk")
        assert "{{ticket.agent.name}}" in owner.locator("#link-snippet-html").inner_text()
        with owner.expect_navigation():
            owner.locator("select[name=helpdesk]").select_option("zendesk")
        preview = owner.frame_locator("iframe.link-preview")
        expect(preview.get_by_role("link", name="7", exact=True)).to_be_visible()
        snippet = owner.locator("#link-snippet-html").inner_text()
        assert "{{ticket.id}}" in snippet
        # Zendesk fills in the placeholders as it sends the ticket-solved e-mail.
        sent = (snippet.replace("{{ticket.id}}", "4711").replace("{{ticket.assignee.name}}", "Ann Lee")
                .replace("{{ticket.requester.id}}", "req-88"))
        customer = visit(viewport={"width": 360, "height": 800}).page
        customer.set_content(f"<!doctype html><html lang=en><title>Your ticket was solved</title>"
                             f"<body><p>We solved ticket 4711.</p>{sent}</body></html>")
        customer.get_by_role("link", name="2", exact=True).click()
        expect(customer.get_by_role("status")).to_have_text("Thank you! You chose 2.")
        customer.get_by_label("I had to chase a status update").check()
        customer.get_by_role("button", name="Send").click()
        expect(customer.get_by_role("status")).to_contain_text("Thank you for your feedback!")

        deadline = time.monotonic() + 15
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
        (status, headers, body), = receiver.received
        assert webhooks.verify(secret, body, headers)
        alert = json.loads(body)["answer"]
        assert (alert["conversation"], alert["agent"], alert["customer"], alert["score"], alert["reasons"]) == (
            "4711", "Ann Lee", "req-88", 2, ["chase"])

        owner.goto(f"{live_server.url}/admin/?site={seeded_site}")
        owner.locator("section[aria-labelledby=agents-title]").get_by_role("link", name="Ann Lee").click()
        listed = owner.locator("main table").inner_text()
        assert "4711" in listed and "I had to chase a status update" in listed
    finally:
        receiver.close()
        forget(live_server, "4711")


def test_another_score_on_the_page_changes_the_rating(visit, live_server, seeded_site):
    page = visit().page
    page.goto(rating_link(live_server, seeded_site, 2, "T-502"))
    page.get_by_role("button", name="6").click()
    expect(page.get_by_role("status")).to_have_text("Thank you! You chose 6.")
    assert [row["score"] for row in ratings(live_server, "T-502")] == [6]
    assert page.get_by_label("What worked well? (optional)").is_visible()
    forget(live_server, "T-502")


def test_without_script_the_button_rates_and_opening_alone_does_not(visit, live_server, seeded_site):
    page = visit(java_script_enabled=False).page
    page.goto(rating_link(live_server, seeded_site, 3, "T-503"))
    assert ratings(live_server, "T-503") == []
    page.get_by_role("button", name="Confirm my rating: 3").click()
    expect(page.get_by_role("status")).to_have_text("Thank you! You chose 3.")
    assert [row["score"] for row in ratings(live_server, "T-503")] == [3]
    forget(live_server, "T-503")


def test_a_scanner_fetching_every_link_adds_no_rating(visit, live_server, seeded_site):
    scanner = visit().context.request
    for score in range(1, 8):
        for method in (scanner.get, scanner.head):
            assert method(rating_link(live_server, seeded_site, score, "T-504")).status == 200
    assert ratings(live_server, "T-504") == []
    assert live_server.in_app(lambda: LinkRating.select().where(LinkRating.ref == "T-504").count()) == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_page_passes_axe_in_both_states(visit, live_server, seeded_site, width):
    viewport = {"width": width, "height": 800}
    # The state before the rating is sent is the one without the page's script (with it, it
    # is gone at once); axe itself needs script, so only the page's own is held back.
    waiting = visit(viewport=viewport).page
    waiting.route("**/rating.js", lambda route: route.abort())
    waiting.goto(rating_link(live_server, seeded_site, 2, "T-505"))
    rated = visit(viewport=viewport).page
    rated.goto(rating_link(live_server, seeded_site, 2, "T-506", lang="ar"))
    expect(rated.get_by_role("status")).to_contain_text("2")
    expect(rated.locator("h2")).to_be_visible()
    assert {"waiting": axe_violations(waiting), "rated": axe_violations(rated)} == {"waiting": [], "rated": []}
    assert not scrolls_sideways(waiting) and not scrolls_sideways(rated)
    assert rated.locator("html").get_attribute("dir") == "rtl"
    forget(live_server, "T-506")


def test_the_scores_stay_on_one_row_from_360_px_and_wrap_at_400_percent_zoom(visit, live_server, seeded_site):
    def rows_of_scores(page):
        return page.evaluate("new Set([...document.querySelectorAll('.row button')]"
                             ".map((b) => Math.round(b.getBoundingClientRect().top))).size")

    phone = visit(viewport={"width": 360, "height": 800}).page
    phone.goto(rating_link(live_server, seeded_site, 4, "T-507"))
    expect(phone.locator("h2")).to_be_visible()
    assert rows_of_scores(phone) == 1
    # 1280 px at 400 %: 320 CSS pixels.
    zoomed = visit(viewport={"width": 320, "height": 256}, device_scale_factor=4).page
    zoomed.goto(rating_link(live_server, seeded_site, 4, "T-507"))
    expect(zoomed.locator("h2")).to_be_visible()
    assert not scrolls_sideways(zoomed)
    sizes = zoomed.evaluate("[...document.querySelectorAll('.row button')].map((b) => b.getBoundingClientRect().width)")
    assert min(sizes) >= 24
    forget(live_server, "T-507")

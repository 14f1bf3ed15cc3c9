"""Rating links in e-mails and ticket replies, over real HTTP through the app: a click's
page stores nothing until it is sent, so a mail scanner's fetches add no rating; one
rating per site and ticket, changed within the site's window and closed after it; signed
links; the snippet; and the ratings in the summary, hot spots, alerts, export and read API."""
import datetime
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from widget_server import links, migrations, outbox, rollups, snippets, webhooks
from widget_server.alert_models import Delivery
from widget_server.db import flask_db
from widget_server.links import LinkRating
from widget_server.models import Answer, ApiToken, Site

from .helpers import csrf_token, snapshot
from .receiver import Receiver

TICKET = "T-1042"


def link(site, score, **params):
    """A rating link's path and query, as the snippet writes them (meta_NAME for meta.NAME)."""
    params = {"ref": TICKET, "agent": "Ann Lee", **params}
    query = "&".join(f"{name.replace('meta_', 'meta.')}={value}" for name, value in params.items())
    return f"/r/{site.key}/{score}?{query}"


def stored():
    return [(answer.touchpoint, answer.conversation, answer.score, answer.effort_class, answer.agent, answer.ref)
            for answer in Answer.select().order_by(Answer.id)]


def test_opening_a_link_stores_nothing_and_sending_its_page_stores_the_rating(client, site):
    opened = client.get(link(site, 2, meta_category="billing"))

    assert opened.status_code == 200
    page = opened.get_data(as_text=True)
    assert "Acme made it easy for me to get my issue resolved." in page
    assert "Confirm my rating: 2" in page and 'src="/static/rating.js"' in page
    assert Answer.select().count() == 0

    sent = client.post(link(site, 2, meta_category="billing"))

    assert sent.status_code == 200
    assert "Thank you! You chose 2." in sent.get_data(as_text=True)
    assert stored() == [("support-reply", TICKET, 2, "difficult", "Ann Lee", "billing")]
    answer = Answer.get()
    assert answer.meta == {"category": "billing"} and answer.scale == "agreement7" and answer.locale == "en"
    assert LinkRating.get().ref == TICKET


def test_a_scanner_fetching_every_link_of_a_message_adds_no_rating(client, site):
    # What link scanners do: fetch each link, follow nothing, run no script.
    for score in range(1, 8):
        assert client.get(link(site, score)).status_code == 200
        assert client.head(link(site, score)).status_code == 200
    assert Answer.select().count() == 0 and LinkRating.select().count() == 0


def test_a_second_click_changes_the_rating_and_its_counts(client, site):
    client.post(link(site, 2))
    client.post(link(site, 6))

    assert stored() == [("support-reply", TICKET, 6, "easy", "Ann Lee", "")]
    counted = snapshot()
    rollups.rebuild()
    assert snapshot() == counted
    assert client.post(link(site, 6)).status_code == 200
    assert Answer.select().count() == 1


def test_a_click_after_the_change_window_does_not_change_the_rating(client, site):
    client.post(link(site, 5))
    rating = LinkRating.get()
    rating.created_at -= datetime.timedelta(days=7, minutes=1)
    rating.save()

    late = client.post(link(site, 1))

    assert late.status_code == 410
    assert "This rating is closed: a rating can be changed for 7 days" in late.get_data(as_text=True)
    assert [answer.score for answer in Answer.select()] == [5]


def test_a_site_with_no_change_window_keeps_the_first_score(client, site):
    site.change(link_change_days=0)
    site.save()
    client.post(link(site, 3))
    assert client.post(link(site, 7)).status_code == 410
    assert [answer.score for answer in Answer.select()] == [3]


def test_each_ticket_gets_its_own_rating(client, site):
    client.post(link(site, 2))
    client.post(link(site, 7, ref="T-2000"))
    assert sorted((answer.conversation, answer.score) for answer in Answer.select()) == [(TICKET, 2), ("T-2000", 7)]


def test_the_follow_up_gives_the_rating_its_reasons_and_comment(client, site):
    client.post(link(site, 2))

    done = client.post(link(site, 2).replace("/2?", "/2/more?"),
                       data={"reasons": ["repeat", "transfer"], "comment": "Three agents,\r\nsame question."})

    assert done.status_code == 200
    assert "Thank you for your feedback!" in done.get_data(as_text=True)
    assert "You can close this page." in done.get_data(as_text=True)
    answer = Answer.get()
    assert answer.reasons == ["repeat", "transfer"] and answer.comment == "Three agents,\nsame question."
    # Harder still: the same question, so its answer stays, filled in to change.
    still = client.post(link(site, 1)).get_data(as_text=True)
    assert "Three agents,\nsame question.</textarea>" in still and "What you sent before is filled in" in still
    assert Answer.get().reasons == ["repeat", "transfer"]
    # Changed to easy: the follow-up answered "what made it hard?", and goes.
    easy = client.post(link(site, 7)).get_data(as_text=True)
    answer = Answer.get()
    assert answer.reasons == [] and answer.comment == ""
    assert "What worked well?" in easy and "></textarea>" in easy
    counted = snapshot()
    rollups.rebuild()
    assert snapshot() == counted


def test_the_page_speaks_the_customers_language(client, site):
    by_link = client.get(link(site, 2, lang="nl")).get_data(as_text=True)
    assert 'lang="nl"' in by_link and "Bevestig mijn beoordeling: 2" in by_link
    by_browser = client.get(link(site, 2), headers={"Accept-Language": "ar, en;q=0.5"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in by_browser and "تأكيد تقييمي: 2" in by_browser
    client.post(link(site, 2, lang="de"))
    assert Answer.get().locale == "de"


@pytest.mark.parametrize("path, status, named", [
    ("/r/{key}/0?ref=T-1", 404, "score: must be from 1 to 7"),
    ("/r/{key}/8?ref=T-1", 404, "score: must be from 1 to 7"),
    ("/r/{key}/two?ref=T-1", 404, "score:"),
    ("/r/{key}/2", 400, "ref: is required"),
    ("/r/{key}/2?ref=%20%20", 400, "ref: is required"),
    ("/r/{key}/2?ref=%EF%BB%BF", 400, "ref: must hold the ticket"),
    ("/r/{key}/2?ref=T-1&ref=T-2", 400, "ref: appears twice"),
    ("/r/{key}/2?ref=" + "x" * 201, 400, "ref: is too long"),
    ("/r/{key}/2?ref=T-1&agent=a%0Ab", 400, "agent: contains control characters"),
    ("/r/{key}/2?ref=T-1&lang=not_a_tag", 400, "lang: must be a language tag"),
    ("/r/{key}/2?ref=T-1&touchpoint=Support%20Reply", 400, "touchpoint: must be 1-40"),
    ("/r/{key}/2?ref=T-1&meta.b%20ad=1", 400, "meta.b ad: a metadata name"),

    ("/r/nosuchsite/2?ref=T-1", 404, "site: no site has the key"),
])
def test_a_broken_link_says_what_is_wrong_and_stores_nothing(client, site, path, status, named):
    for method in (client.get, client.post):
        response = method(path.format(key=site.key))
        assert response.status_code == status
        page = response.get_data(as_text=True)
        assert "This rating link does not work" in page and named in page.replace("&#39;", "'")
    assert Answer.select().count() == 0


def test_a_scale_of_five_takes_five_scores(client, site):
    site.change(touchpoint_scales={"support-reply": "ease5"})
    site.save()
    assert client.post(link(site, 6)).status_code == 404
    assert client.post(link(site, 5)).status_code == 200
    assert (Answer.get().scale, Answer.get().effort_class) == ("ease5", "easy")


def test_links_are_limited_per_client_like_the_public_api(app, client, site):
    app.config["RATE_LIMIT_PER_CLIENT"] = "3 per minute"
    statuses = [client.get(link(site, 2)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post(link(site, 2))
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert "This rating link does not work" in refused.get_data(as_text=True)
    assert Answer.select().count() == 0


def test_the_page_runs_only_its_own_script_and_leaks_no_ticket_in_a_referer(client, site):
    headers = client.get(link(site, 2)).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"


# Signed links.

def signed(site, score, **params):
    """A signed link's path and query, as `links sign` and the read API make them."""
    _, made = links.signed_links("http://127.0.0.1:5000", site, {"ref": TICKET, "agent": "Ann Lee", **params})
    parts = urlsplit(made[score])
    return f"{parts.path}?{parts.query}"


def test_a_site_that_requires_signed_links_refuses_unsigned_forged_and_altered_ones(client, site):
    site.change(signed_links_only=True)
    site.save()
    good = signed(site, 2)

    unsigned = client.post(link(site, 2))
    forged = client.post(re.sub(r"sig=[^&]+", "sig=" + "A" * 43, good))
    altered = client.post(good.replace("ref=T-1042", "ref=T-1043"))
    added = client.post(good + "&meta.category=vip")
    other_secret = Site.create_with_key("Other", ["https://other.example"])
    foreign = signed(other_secret, 2).replace(other_secret.key, site.key)

    assert [unsigned.status_code, forged.status_code, altered.status_code, added.status_code,
            client.post(foreign).status_code] == [403, 403, 403, 403, 403]
    assert "sig: is required" in unsigned.get_data(as_text=True)
    assert "sig: does not match this link" in altered.get_data(as_text=True)
    assert Answer.select().count() == 0

    assert client.post(good).status_code == 200
    # The signature covers the parameters, not the score: the customer changes their own rating.
    assert client.post(good.replace("/2?", "/6?")).status_code == 200
    assert [answer.score for answer in Answer.select()] == [6]


def test_a_signature_survives_a_trackers_parameters_and_another_encoding(client, site):
    site.change(signed_links_only=True)
    site.save()
    good = signed(site, 3, **{"meta.category": "billing & refunds"})
    assert "Ann%20Lee" in good
    assert client.post(good.replace("Ann%20Lee", "Ann+Lee") + "&utm_source=zendesk").status_code == 200
    assert Answer.get().meta == {"category": "billing & refunds"}


def test_a_wrong_signature_is_refused_even_where_signing_is_not_required(client, site):
    response = client.post(link(site, 2) + "&sig=" + "B" * 43)
    assert response.status_code == 403 and Answer.select().count() == 0


def test_a_new_link_secret_ends_the_old_links(client, site, runner):
    site.change(signed_links_only=True)
    site.save()
    old = signed(site, 2)
    result = runner.invoke(args=["links", "secret", site.key, "--new"])
    assert result.exit_code == 0 and result.output.strip() == Site.get_by_id(site.id).link_secret
    assert client.post(old).status_code == 403


def test_links_sign_prints_a_signed_link_per_score(client, site, runner):
    site.change(signed_links_only=True)
    site.save()
    result = runner.invoke(args=["links", "sign", site.key, "--ref", "T-77", "--agent", "Bo", "--meta",
                                 "category=returns"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(score) for score in range(1, 8)]
    url = urlsplit(lines[1].split("\t")[1])
    assert dict(parse_qsl(url.query))["ref"] == "T-77"
    assert client.post(f"{url.path}?{url.query}").status_code == 200
    assert (Answer.get().conversation, Answer.get().ref, Answer.get().score) == ("T-77", "returns", 2)

    refused = runner.invoke(args=["links", "sign", site.key, "--ref", "T-77", "--lang", "no tag"])
    assert refused.exit_code != 0 and "--lang: must be a language tag" in refused.output


def test_the_read_api_signs_links_for_its_own_site_only(client, site):
    _, token = ApiToken.issue(site, "helpdesk")
    other = Site.create_with_key("Other", ["https://other.example"])
    bearer = {"Authorization": f"Bearer {token}"}

    made = client.get(f"/api/v1/sites/{site.key}/links?ref=T-5&agent=Bo&meta.category=billing", headers=bearer)
    assert made.status_code == 200, made.json
    assert made.json["params"] == {"ref": "T-5", "agent": "Bo", "meta.category": "billing"}
    assert sorted(made.json["links"], key=int) == [str(score) for score in range(1, 8)]
    assert made.json["links"]["4"].endswith("sig=" + made.json["sig"])
    assert client.get(f"/api/v1/sites/{other.key}/links?ref=T-5", headers=bearer).status_code == 403
    assert client.get(f"/api/v1/sites/{site.key}/links?ref=T-5").status_code == 401
    missing = client.get(f"/api/v1/sites/{site.key}/links?agent=Bo", headers=bearer)
    assert missing.status_code == 400 and missing.json["field"] == "ref"


# The snippet.

@pytest.mark.parametrize("helpdesk", list(snippets.HELPDESKS))
def test_the_snippet_is_html_email_clients_keep(site, helpdesk):
    made = snippets.snippet("https://ces.example.com", site, helpdesk)
    html = made.html
    # What Gmail and Outlook drop or block: style blocks, scripts, images, classes that
    # point at a stylesheet, forms, and anything loaded from elsewhere.
    for dropped in ("<style", "<script", "<img", "<link", "<form", "class=", "url(", "javascript:", "<svg",
                    "background-image"):
        assert dropped not in html.lower()
    tags = set(re.findall(r"<([a-z]+)", html))
    assert tags <= {"table", "tr", "td", "a"}
    desk = snippets.HELPDESKS[helpdesk]
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) == 7
    for score, href in enumerate(hrefs, 1):
        assert href.startswith(f"https://ces.example.com/r/{site.key}/{score}?ref={desk.ref}&amp;")
        assert desk.agent in href and desk.customer in href
    assert "Acme made it easy for me to get my issue resolved." in html
    assert "1: Strongly disagree" in html and "7: Strongly agree" in html
    text = made.text
    assert text.startswith("Acme made it easy for me to get my issue resolved.\n")
    assert text.count(f"/r/{site.key}/") == 7 and "1 (Strongly disagree): <https://" in text


def test_a_filled_in_snippet_link_rates_its_ticket(client, site):
    made = snippets.snippet("http://localhost", site, "zendesk", meta={"category": "{{ticket.ticket_type}}"})
    href = made.urls[3]
    assert "meta.category={{ticket.ticket_type}}" in href
    # What Zendesk sends: its placeholders filled in.
    filled = (href.replace("{{ticket.id}}", "5521").replace("{{ticket.assignee.name}}", "Ann%20Lee")
              .replace("{{ticket.requester.id}}", "u-9").replace("{{ticket.ticket_type}}", "incident"))
    parts = urlsplit(filled)
    assert client.post(f"{parts.path}?{parts.query}").status_code == 200
    answer = Answer.get()
    assert (answer.conversation, answer.agent, answer.customer, answer.ref, answer.score) == (
        "5521", "Ann Lee", "u-9", "incident", 3)


def test_links_snippet_prints_html_and_text(runner, site):
    result = runner.invoke(args=["links", "snippet", site.key, "--helpdesk", "helpscout", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "{%conversation.number%}" in result.output and "<table" in result.output
    assert "m’a facilité la résolution de mon problème" in result.output
    text_only = runner.invoke(args=["links", "snippet", site.key, "--text"])
    assert "<table" not in text_only.output and text_only.output.count("<http") == 7
    site.change(signed_links_only=True)
    site.save()
    warned = runner.invoke(args=["links", "snippet", site.key])
    assert "takes signed links only" in warned.output


def test_the_site_page_shows_the_snippet_for_the_helpdesk_chosen(client, auth, site):
    auth.login()
    page = client.get(f"/admin/sites/{site.key}?helpdesk=freshdesk").get_data(as_text=True)
    assert "Rating links in e-mails" in page and "{{ticket.agent.name}}" in page
    assert client.get(f"/admin/sites/{site.key}?helpdesk=nonsense").status_code == 200


def test_the_site_form_sets_the_change_window_and_signing(client, auth, site):
    auth.login()
    form = {"csrf_token": csrf_token(client, f"/admin/sites/{site.key}"), "name": site.name,
            "origins": "\n".join(site.origins), "scale": site.scale, "rating_links": "shown", "cooldown_days": "30",
            "sample_percent": "100", "auto_delay_seconds": "20", "auto_scroll_percent": "50",
            "link_change_days": "14", "signed_links_only": "on"}
    assert client.post(f"/admin/sites/{site.key}", data=form).status_code == 302
    found = Site.get_by_id(site.id)
    assert (found.link_change_days, found.signed_links_only) == (14, True)
    refused = client.post(f"/admin/sites/{site.key}", data={**form, "link_change_days": "400"})
    assert refused.status_code == 400 and "link_change_days: must be between 0 and 365" in refused.get_data(as_text=True)
    assert Site.get_by_id(site.id).link_change_days == 14


# In the admin, alerts, export and the read API.

def test_support_replies_count_in_the_summary_next_to_the_widgets_touchpoints(app, client, auth, site):
    from .helpers import store

    app.config["HOTSPOT_MIN_ANSWERS"] = 2
    store(site, {"key": "k" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 6, "ref": "kb-1"})
    for number, (score, category, agent) in enumerate([(1, "billing", "Ann"), (2, "billing", "Ann"),
                                                       (7, "returns", "Bo")]):
        client.post(f"/r/{site.key}/{score}?ref=T-{number}&agent={agent}&meta.category={category}")
    auth.login()

    page = client.get(f"/admin/?site={site.key}").get_data(as_text=True)

    by_touchpoint = re.search(r'id="touchpoints-title".*?</table>', page, re.S).group(0)
    assert "support-reply" in by_touchpoint and "kb-article" in by_touchpoint
    agents = re.search(r'id="agents-title".*?</table>', page, re.S).group(0)
    assert "Ann" in agents and "Bo" in agents
    places = client.get(f"/admin/places?site={site.key}&touchpoint=support-reply").get_data(as_text=True)
    assert "billing" in places and "returns" not in places
    answers = client.get(f"/admin/answers?site={site.key}&touchpoint=support-reply").get_data(as_text=True)
    assert re.search(r"ticket <a [^>]+><bdi>T-0</bdi>", answers) and re.search(r"agent <a [^>]+><bdi>Ann</bdi>", answers)
    assert "category <bdi>billing</bdi>" in answers
    assert "Where are support replies hardest?" in client.get(
        f"/admin/?site={site.key}&touchpoint=support-reply").get_data(as_text=True)


def test_a_difficult_rating_alerts_with_its_reasons(app, client, site):
    receiver = Receiver()
    try:
        hook = webhooks.create_webhook(site, receiver.url, "difficult", allowed_networks=("127.0.0.1/32",))
        app.config["ALERT_ALLOWED_NETWORKS"] = ("127.0.0.1/32",)
        client.post(link(site, 2, meta_category="billing"))
        # It waits for the reasons, which the follow-up brings.
        assert outbox.deliver_due(app.config) == 0
        client.post(link(site, 2).replace("/2?", "/2/more?"), data={"reasons": ["chase"]})
        assert outbox.deliver_due(app.config) == 1
        (status, headers, body), = receiver.received
        assert webhooks.verify(hook.secret, body, headers)
        alert = json.loads(body)["answer"]
        assert (alert["touchpoint"], alert["conversation"], alert["agent"], alert["reasons"]) == (
            "support-reply", TICKET, "Ann Lee", ["chase"])
    finally:
        receiver.close()


def test_a_rating_changed_to_easy_before_its_alert_went_sends_none(app, client, site):
    receiver = Receiver()
    try:
        webhooks.create_webhook(site, receiver.url, "difficult", allowed_networks=("127.0.0.1/32",))
        client.post(link(site, 1))
        assert Delivery.select().count() == 1
        client.post(link(site, 7))
        assert Delivery.select().count() == 0
        client.post(link(site, 2))
        assert Delivery.select().count() == 1
    finally:
        receiver.close()


def test_export_and_read_api_give_the_ticket_and_agent(client, auth, site):
    client.post(link(site, 2, meta_category="billing", customer="u-9"))
    _, token = ApiToken.issue(site, "analyst")
    answers = client.get(f"/api/v1/sites/{site.key}/answers", headers={"Authorization": f"Bearer {token}"}).json
    (record,) = answers["answers"]
    assert {key: record[key] for key in ("touchpoint", "conversation", "ref", "agent", "customer", "meta")} == {
        "touchpoint": "support-reply", "conversation": TICKET, "ref": "billing", "agent": "Ann Lee",
        "customer": "u-9", "meta": {"category": "billing"}}
    auth.login()
    exported = client.get(f"/admin/export/answers.csv?site={site.key}").get_data(as_text=True)
    assert "support-reply" in exported and TICKET in exported


def test_deleting_a_customers_answers_frees_their_tickets(client, site):
    from widget_server import retention

    client.post(link(site, 2, customer="u-9"))
    assert retention.delete_customer("u-9") == 1
    assert LinkRating.select().count() == 0
    assert client.post(link(site, 6, customer="u-9")).status_code == 200


def test_an_upgrade_gives_every_site_its_own_link_secret(app):
    first = Site.create_with_key("One", ["https://one.example"])
    second = Site.create_with_key("Two", ["https://two.example"])
    Site.update(link_secret="same").execute()
    migrations.sites_have_rating_links(flask_db.database)
    secrets = {site.link_secret for site in Site.select().where(Site.id.in_([first.id, second.id]))}
    assert len(secrets) == 2 and "same" not in secrets


def test_a_long_comment_in_arabic_fits_the_form(client, site):
    client.post(link(site, 2))
    comment = "ب" * 2000
    done = client.post(link(site, 2).replace("/2?", "/2/more?"), data={"reasons": ["repeat"], "comment": comment})
    assert done.status_code == 200
    assert Answer.get().comment == comment
    too_long = client.post(link(site, 2).replace("/2?", "/2/more?"), data={"comment": comment + "ب"})
    assert too_long.status_code == 400 and "comment: is too long" in too_long.get_data(as_text=True)
    assert Answer.get().comment == comment


def test_two_clicks_at_once_on_one_ticket_keep_the_counts_true(app, site):
    import threading

    barrier = threading.Barrier(6)
    statuses = []

    def click(score):
        with app.test_client() as own:
            barrier.wait()
            statuses.append(own.post(link(site, score)).status_code)

    threads = [threading.Thread(target=click, args=(score,)) for score in (1, 2, 3, 5, 6, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert Answer.select().count() == 1 and LinkRating.select().count() == 1
    counted = snapshot()
    rollups.rebuild()
    assert snapshot() == counted


def test_the_admin_finds_a_ticket_and_an_agent_s_ratings(client, auth, site):
    client.post(link(site, 2, agent="Ann%20Lee"))
    client.post(link(site, 6, ref="T-2000", agent="Bo"))
    auth.login()
    summary = client.get(f"/admin/?site={site.key}").get_data(as_text=True)
    assert "agent=Ann+Lee" in summary or "agent=Ann%20Lee" in summary
    by_agent = client.get(f"/admin/answers?site={site.key}&agent=Bo").get_data(as_text=True)
    assert "T-2000" in by_agent and TICKET not in by_agent and "for agent Bo" in by_agent
    by_ticket = client.get(f"/admin/answers?site={site.key}&conversation={TICKET}").get_data(as_text=True)
    assert TICKET in by_ticket and "T-2000" not in by_ticket
    exported = client.get(f"/admin/export/answers.csv?site={site.key}&agent=Bo").get_data(as_text=True)
    assert "T-2000" in exported and TICKET not in exported
    _, token = ApiToken.issue(site, "analyst")
    api = client.get(f"/api/v1/sites/{site.key}/answers?conversation=T-2000",
                     headers={"Authorization": f"Bearer {token}"}).json
    assert [record["conversation"] for record in api["answers"]] == ["T-2000"]


# What a reviewer attacking the links found.

@pytest.mark.parametrize("score", ["²", "３", "١", "9" * 5000, "07x"])
def test_a_score_of_other_digits_is_refused_not_a_500(client, site, score):
    response = client.post(f"/r/{site.key}/{score}?ref=T-1")
    assert response.status_code == 404 and "score:" in response.get_data(as_text=True)
    assert Answer.select().count() == 0


def test_a_ticket_keeps_the_scale_it_was_rated_on(client, site):
    site.change(touchpoint_scales={"support-reply": "ease5"})
    site.save()
    client.post(link(site, 1))
    # Another touchpoint (or the site's new scale) would let a 7 into a 5-point rating.
    refused = client.post(link(site, 7, touchpoint="checkout"))
    assert refused.status_code == 404 and "this ticket was rated on the 5-point ease scale" in refused.get_data(
        as_text=True)
    site.change(touchpoint_scales={})
    site.save()
    assert client.post(link(site, 6)).status_code == 404
    changed = client.post(link(site, 5, touchpoint="checkout"))
    assert changed.status_code == 200 and changed.get_data(as_text=True).count('formaction=') == 5
    answer = Answer.get()
    assert (answer.touchpoint, answer.scale, answer.score, answer.ease) == ("support-reply", "ease5", 5, 100)


def test_opening_links_spends_no_sites_allowance_and_tells_nothing(app, client, site):
    app.config["RATE_LIMIT_PER_SITE"] = "2 per minute"
    for _ in range(5):
        assert client.head(link(site, 3)).status_code == 200
    assert client.post(link(site, 3)).status_code == 200
    rating = LinkRating.get()
    rating.created_at -= datetime.timedelta(days=30)
    rating.save()
    # An old ticket's link opens like any other: a stranger cannot probe which were rated.
    assert client.get(link(site, 3)).status_code == 200


def test_a_site_whose_ratings_cannot_change_still_takes_the_follow_up(client, site):
    site.change(link_change_days=0)
    site.save()
    first = client.post(link(site, 1)).get_data(as_text=True)
    assert "Pick another score" not in first and "What made it hard?" in first
    done = client.post(link(site, 1).replace("/1?", "/1/more?"), data={"reasons": ["again"], "comment": "x"})
    assert done.status_code == 200 and Answer.get().reasons == ["again"]
    assert client.post(link(site, 4)).status_code == 410
    rating = LinkRating.get()
    rating.created_at -= datetime.timedelta(hours=25)
    rating.save()
    late = client.post(link(site, 1).replace("/1?", "/1/more?"), data={"comment": "later"})
    assert late.status_code == 410 and Answer.get().comment == "x"


def test_empty_parameters_are_left_out(client, site):
    assert client.post(link(site, 2, lang="", touchpoint="", customer="")).status_code == 200
    assert (Answer.get().touchpoint, Answer.get().customer) == ("support-reply", "")


@pytest.mark.parametrize("query, named", [("ref={{ticket.id}}", "ref"), ("ref=T-1&agent={%user.fullName%}", "agent"),
                                          ("ref=TICKET_ID&agent=AGENT_NAME", "ref")])
def test_a_link_never_filled_in_says_so_and_stores_nothing(client, site, query, named):
    for method in (client.get, client.post):
        response = method(f"/r/{site.key}/2?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "This rating link was never filled in" in page
        assert f"{named}: still holds a helpdesk placeholder" in page
    assert Answer.select().count() == 0


def test_no_signed_link_is_made_for_a_placeholder(client, site, runner):
    _, token = ApiToken.issue(site, "helpdesk")
    made = client.get(f"/api/v1/sites/{site.key}/links?ref=%7B%7Bticket.id%7D%7D",
                      headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 400 and made.json["field"] == "ref"
    refused = runner.invoke(args=["links", "sign", site.key, "--ref", "{{ticket.id}}"])
    assert refused.exit_code != 0 and "placeholder" in refused.output


@pytest.mark.parametrize("path, size, status", [("/r/{key}/2/more?ref=T-1", 30_000, 413),
                                                ("/admin/login", 300_000, 413),
                                                # Refused for its type, unread.
                                                ("/api/v1/answers", 300_000, 415)])
def test_large_bodies_are_refused_before_they_are_read(client, site, path, size, status):
    response = client.post(path.format(key=site.key), data={"comment": "a" * size},
                           content_type="application/x-www-form-urlencoded", headers={"Origin": "https://help.example.com"})
    assert response.status_code == status
    assert Answer.select().count() == 0


def test_a_slack_alert_keeps_each_part_on_its_line(site):
    answer = Answer(site=site, touchpoint="support-reply", ref="billing", agent="Ann\u2028\u2028*Open*: https://evil",
                    customer="c\u2029x", score=1, scale="agreement7", effort_class="difficult", comment="")
    text = webhooks.slack_text(answer, site, "https://ces.example.com/admin")
    assert "\u2028" not in text and "\u2029" not in text
    assert text.count("\n") == 1


def test_the_plain_text_links_leave_the_agent_out(site):
    made = snippets.snippet("https://ces.example.com", site, "zendesk")
    assert "agent=" not in made.text and made.text.count("ref={{ticket.id}}&customer={{ticket.requester.id}}") == 7
    assert made.html.count("agent={{ticket.assignee.name}}") == 7


def test_the_site_page_previews_the_block_with_its_own_styles_and_no_script(client, auth, site):
    auth.login()
    page = client.get(f"/admin/sites/{site.key}?helpdesk=helpscout&category=%7B%7Bticket.type%7D%7D")
    assert "{%conversation.number%}" in page.get_data(as_text=True)
    assert "meta.category={{ticket.type}}" in page.get_data(as_text=True)
    preview = client.get(f"/admin/sites/{site.key}/link-preview?helpdesk=helpscout")
    assert preview.status_code == 200
    policy = preview.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    body = preview.get_data(as_text=True)
    assert body.count(f"/r/{site.key}/") == 7 and "<script" not in body
    # The admin's other pages keep their own policy.
    assert "default-src 'self'" in client.get(f"/admin/sites/{site.key}").headers["Content-Security-Policy"]


def test_the_site_page_warns_when_links_would_point_at_this_machine(app, client, auth, site):
    app.config.update(PUBLIC_URL="http://127.0.0.1:5000", PUBLIC_URL_CONFIGURED=False)
    auth.login()
    assert "customers&#39; mail cannot reach it" in client.get(f"/admin/sites/{site.key}").get_data(as_text=True)

"""Who may reach what: every route of the app is either on a short public list or refuses
anonymous callers, so a new route cannot be added unprotected by accident."""
import datetime
import json
import logging
import re

import pytest

from widget_server import outbox, webhooks
from widget_server.models import ApiToken

from .helpers import csrf_token, store
from .receiver import Receiver

# Endpoints anyone may call, and why.
PUBLIC = {
    "static": "the widget's and admin's assets",
    "assets.widget_js": "the widget itself",
    "assets.versioned_widget_js": "the widget itself, at a URL cached for a year",
    "assets.module_js": "the widget's modules (follow-up form, overlay placement)",
    "assets.versioned_module_js": "the widget's modules, at a URL cached for a year",
    "assets.openapi": "the API description",
    "home.index": "says what this server is, with links to the admin and the demo",
    "home.favicon": "the icon browsers ask for",
    "home.healthz": "for load balancers: whether the database answers, nothing else",
    "auth.login": "the login form",
    "auth.logout": "forgets a session; needs its CSRF token",
    "api.widget_config": "read by the widget on allowed origins",
    "ingest.create_answer": "written by the widget from allowed origins",
    "demo.article": "the demo help centre",
    "demo.search": "the demo help centre's search",
    "demo.contact": "where the demo's recovery link leads",
    "ingest.add_follow_up": "written by the widget with the answer's secret",
    "ingest.took_recovery": "written by the widget with the answer's secret",
    "ingest.record_impression": "written by the widget from allowed origins",
    "unsubscribe.confirm": "a digest's unsubscribe link, signed for its admin",
    "rating.rate": "a rating link in a support e-mail, opened by its customer",
    "rating.follow_up": "the reasons and comment of a rating link's page",
    "preview.config": "the admin preview's copy of the public config",
    "preview.answer": "the admin preview's writes, never stored",
    "preview.follow_up": "the admin preview's writes, never stored",
    "preview.impression": "the admin preview's writes, never stored",
}


def anonymous_csrf_token(client):
    """A valid CSRF token of an anonymous session, so a POST is refused for being anonymous
    and not, first, for lacking its token."""
    return csrf_token(client, "/admin/login")


def routes_not_refused(app, client, site):
    """Walk every route off the public list, every method, as an anonymous caller with a
    valid CSRF token; return the ones not refused *because the caller is anonymous* (a
    redirect to the login, or 401/403), and how many were tried."""
    token = anonymous_csrf_token(client)
    let_through, tried = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        # Every URL variable filled, so each route is really reached (a 404 would prove nothing).
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda match: site.key if match[1] == "key" else "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
            refused = (response.status_code in (401, 403)
                       or response.status_code == 302 and "/admin/login" in response.headers["Location"])
            if not refused:
                let_through.append((rule.endpoint, method, path, response.status_code))
            tried += 1
    return let_through, tried


@pytest.fixture
def app(app):
    # CSRF on, as in production: the walk sends a valid token, so only the login guard refuses.
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_every_other_route_refuses_anonymous_callers(app, client, site):
    let_through, tried = routes_not_refused(app, client, site)

    assert let_through == []
    assert tried >= 19  # every route and method of today, so a walk that skips some fails


def test_the_walk_finds_a_route_added_without_its_guard(app, client, site):
    # As if a view were added to sites_admin and its @login_required forgotten.
    app.add_url_rule("/admin/sites/<key>/forgotten", "sites.forgotten", lambda key: "changed", methods=["POST"])

    let_through, _ = routes_not_refused(app, client, site)

    assert let_through == [("sites.forgotten", "POST", f"/admin/sites/{site.key}/forgotten", 200)]


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_hostile_text_is_inert_on_every_admin_page(app, client, site, admin, auth):
    site.change(name=HOSTILE, company=HOSTILE)
    site.save()
    store(site, {"key": "x" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 1,
                         "ref": HOSTILE, "comment": HOSTILE, "customer": HOSTILE, "agent": HOSTILE,
                         "conversation": HOSTILE, "meta": {"note": HOSTILE}, "page_url": "https://x.example/" + HOSTILE})
    app.config["HOTSPOT_MIN_ANSWERS"] = 1
    auth.login()

    for path in ("/admin/", f"/admin/?site={site.key}", f"/admin/hot-spot?place={HOSTILE}", "/admin/answers",
                 "/admin/sites/", f"/admin/sites/{site.key}", f"/admin/sites/{site.key}/preview"):
        page = client.get(path).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path


@pytest.mark.parametrize("path", ["/api/v1/impressions", "/api/v1/answers/" + "k" * 20 + "/follow-up",
                                  "/api/v1/answers/" + "k" * 20 + "/recovery"])
def test_other_writes_check_the_origin_too(client, site, path):
    body = {"site": site.key, "touchpoint": "kb-article", "token": "t" * 32}
    if "impressions" not in path:
        del body["touchpoint"]

    response = client.post(path, data=json.dumps(body), content_type="text/plain",
                           headers={"Origin": "https://evil.example"})

    assert (response.status_code, response.json["field"]) == (403, "Origin")


def test_an_expired_admin_session_must_log_in_again(app, client, admin, auth):
    auth.login()
    assert client.get("/admin/").status_code == 200

    app.permanent_session_lifetime = datetime.timedelta(seconds=-1)

    assert client.get("/admin/").status_code == 302


def test_no_secret_reaches_the_logs(app, client, site, admin, caplog):
    app.config["ALERT_ALLOWED_NETWORKS"] = ("127.0.0.1/32",)
    receiver = Receiver(statuses=[500])
    caplog.set_level(logging.DEBUG)
    try:
        hook = webhooks.create_webhook(site, receiver.url + "?token=receiver-secret", allowed_networks=("127.0.0.1/32",),
                                       grace_seconds=0)
        _, token = ApiToken.issue(site, "bi")
        store(site, {"key": "s" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 1})
        outbox.deliver_due(app.config)
        client.post("/admin/login", data={"username": "olivia", "password": "correct horse battery"})
        client.get(f"/api/v1/sites/{site.key}/answers", headers={"Authorization": f"Bearer {token}"})
    finally:
        receiver.close()

    logged = caplog.text
    assert "alert" in logged  # the delivery was logged...
    for secret in (hook.secret, "receiver-secret", token, "correct horse battery", app.config["SECRET_KEY"]):
        assert secret not in logged  # ...without anything secret

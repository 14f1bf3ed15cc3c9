"""Rate limits: per client and per site on the public API, per client and per account on login."""
import json

import pytest

from . import databases
from .helpers import ORIGIN


@pytest.fixture
def app(app):
    app.config.update(RATE_LIMIT_PER_CLIENT="3 per minute", RATE_LIMIT_PER_SITE="5 per minute",
                      LOGIN_RATE_LIMIT="3 per minute")
    return app


def config_from(client, site, address):
    return client.get(f"/api/v1/sites/{site.key}/config", headers={"Origin": ORIGIN},
                      environ_base={"REMOTE_ADDR": address})


def test_one_client_is_limited_with_retry_after(client, site):
    statuses = [config_from(client, site, "203.0.113.7").status_code for _ in range(4)]
    refused = config_from(client, site, "203.0.113.7")

    assert statuses == [200, 200, 200, 429]
    assert refused.json["error"].startswith("3 per 1 minute")
    assert int(refused.headers["Retry-After"]) > 0
    assert config_from(client, site, "203.0.113.8").status_code == 200


def test_one_site_is_limited_across_clients(client, site):
    from widget_server.models import Site

    other = Site.create_with_key("Other", [ORIGIN])
    statuses = [config_from(client, site, f"203.0.113.{number}").status_code for number in range(6)]

    assert statuses == [200] * 5 + [429]
    assert config_from(client, other, "203.0.113.99").status_code == 200


def test_answers_count_against_their_site(client, site):
    def post(number):
        body = {"site": site.key, "id": f"limit-{number:015d}", "touchpoint": "kb-article", "scale": "ease5", "score": 5}
        return client.post("/api/v1/answers", data=json.dumps(body), content_type="text/plain",
                           headers={"Origin": ORIGIN}, environ_base={"REMOTE_ADDR": f"198.51.100.{number}"})

    assert [post(number).status_code for number in range(6)] == [201] * 5 + [429]


def test_failed_logins_are_limited_per_client_and_per_client_and_account(app, client, admin):
    app.config["WTF_CSRF_ENABLED"] = False

    def attempt(username, address, password="wrong password"):
        return client.post("/admin/login", data={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": address}).status_code

    # One client trying many names is stopped ...
    assert [attempt(f"guess-{number}", "192.0.2.1") for number in range(4)] == [401, 401, 401, 429]
    # ... as is one client trying one name; the account's owner elsewhere still gets in.
    assert [attempt("olivia", "192.0.2.2") for _ in range(4)] == [401, 401, 401, 429]
    assert attempt("olivia", "192.0.2.3", "correct horse battery") == 302


def test_behind_a_trusted_proxy_each_visitor_has_its_own_allowance(tmp_path, site):
    from widget_server import create_app
    from widget_server.db import flask_db

    config = {"DATABASE_URL": databases.fresh_url(tmp_path), "INSTANCE_PATH": str(tmp_path),
              "SECRET_KEY": "x", "ALERT_WORKER": 0, "TRUSTED_PROXIES": 1}
    proxied = create_app(config)
    proxied.config.update(RATE_LIMIT_PER_CLIENT="2 per minute")
    with proxied.app_context():
        from widget_server.models import Site

        key = Site.create_with_key("Proxied", [ORIGIN]).key
    client = proxied.test_client()

    def via_proxy(visitor):
        # Every request arrives from the proxy's address, naming the visitor.
        return client.get(f"/api/v1/sites/{key}/config", headers={"Origin": ORIGIN, "X-Forwarded-For": visitor},
                          environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code

    try:
        assert [via_proxy("203.0.113.1") for _ in range(3)] == [200, 200, 429]
        assert via_proxy("203.0.113.2") == 200
    finally:
        flask_db.database.close()


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, site):
    statuses = [client.get(f"/api/v1/sites/{site.key}/config", environ_base={"REMOTE_ADDR": "203.0.113.50"},
                           headers={"Origin": ORIGIN, "X-Forwarded-For": f"198.51.100.{number}"}).status_code
                for number in range(4)]

    assert statuses == [200, 200, 200, 429]  # one client, however it names itself


def test_a_request_without_a_client_address_is_counted_not_refused(client, site):
    # gunicorn on a Unix socket passes no REMOTE_ADDR.
    statuses = [client.get(f"/api/v1/sites/{site.key}/config", headers={"Origin": ORIGIN},
                           environ_base={"REMOTE_ADDR": None}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def post_answer(client, raw, address, origin=ORIGIN):
    return client.post("/api/v1/answers", data=raw, content_type="text/plain", headers={"Origin": origin},
                       environ_base={"REMOTE_ADDR": address})


def answer_json(site_key, number, **extra):
    body = {"site": site_key, "id": f"decoy-{number:015d}", "touchpoint": "kb-article", "scale": "ease5", "score": 5}
    return json.dumps({**extra, **body})


def test_a_decoy_site_inside_the_body_does_not_skip_the_real_sites_allowance(client, site):
    """The allowance is the site the answer is stored for, not the first "site" in the text."""
    statuses = [post_answer(client, answer_json(site.key, number, meta={"site": f"decoy{number}"}),
                            f"198.51.100.{number}").status_code for number in range(6)]

    assert statuses == [201] * 5 + [429]


def test_a_body_naming_a_key_twice_is_refused_by_name(client, site):
    raw = answer_json(site.key, 1)[:-1] + ', "site": "decoy"}'

    response = post_answer(client, raw, "198.51.100.1")

    assert (response.status_code, response.json["field"]) == (400, "site")
    assert "twice" in response.json["error"]


def test_pages_a_site_does_not_allow_cannot_spend_its_allowance(client, site):
    refused = [post_answer(client, answer_json(site.key, number), f"192.0.2.{number}",
                           origin="https://evil.example").status_code for number in range(10)]

    real_visitors = [post_answer(client, answer_json(site.key, 100 + number), f"198.51.100.{number}").status_code
                     for number in range(5)]

    assert refused == [403] * 10
    assert real_visitors == [201] * 5


def test_every_request_still_counts_against_its_client(client, site):
    statuses = [post_answer(client, answer_json(site.key, number), "192.0.2.9",
                            origin="https://evil.example").status_code for number in range(4)]

    assert statuses == [403, 403, 403, 429]


def test_requests_without_an_origin_do_not_spend_the_sites_allowance(client, site):
    """Images and scripts of any page send GETs without an Origin: answered, but counted
    against their client only."""
    strangers = [client.get(f"/api/v1/sites/{site.key}/config?lang=x{number}",
                            environ_base={"REMOTE_ADDR": f"192.0.2.{number}"}).status_code for number in range(10)]

    visitors = [config_from(client, site, f"198.51.100.{number}").status_code for number in range(5)]

    assert strangers == [200] * 10
    assert visitors == [200] * 5


def test_the_read_api_counts_every_request_against_its_client(client, site):
    statuses = [client.get(f"/api/v1/sites/{site.key}/answers", headers={"Authorization": "Bearer wrong"},
                           environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_the_preview_counts_only_sites_that_exist(client, site):
    statuses = [client.get("/preview/nosuchsite/api/v1/sites/nosuchsite/config",
                           environ_base={"REMOTE_ADDR": f"192.0.2.{number}"}).status_code for number in range(7)]
    assert statuses == [404] * 7
    assert client.get(f"/preview/{site.key}/api/v1/sites/{site.key}/config",
                      environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 200

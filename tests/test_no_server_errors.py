"""Inputs that once reached a 500: numbers too large for the database in URLs, texts too
long for their column on create (only edits checked them), line breaks in a login's
`next`, user info in a page URL. Each is refused naming its field, or ignored, on SQLite
and PostgreSQL alike."""
import base64
import json

import pytest

from widget_server.alert_models import Webhook

from widget_server.models import Answer, ApiToken, Site

from .helpers import ORIGIN, csrf_token

HUGE = "99999999999999999999999"


@pytest.fixture
def read_token(site):
    return ApiToken.issue(site, "analyst")[1]


def cursor_for(number):
    return base64.urlsafe_b64encode(str(number).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("query", "field"), [
    ({"cursor": cursor_for(10**23)}, "cursor"),
    ({"cursor": cursor_for(-5)}, "cursor"),
    ({"limit": HUGE}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"min_answers": HUGE}, "min_answers"),
    ({"min_answers": "-1"}, "min_answers"),
])
def test_read_api_numbers_are_bounded_and_refused_by_name(client, site, read_token, query, field):
    path = "summary" if "min_answers" in query else "answers"

    response = client.get(f"/api/v1/sites/{site.key}/{path}", query_string=query,
                          headers={"Authorization": f"Bearer {read_token}"})

    assert response.status_code == 400, response.data[:200]
    assert response.json["field"] == field


@pytest.mark.parametrize("before", [HUGE, "-1", "many"])
def test_admin_answers_page_refuses_a_before_it_cannot_use(client, admin, before, auth):
    auth.login()

    response = client.get("/admin/answers", query_string={"before": before})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "before:" in response.text


@pytest.mark.parametrize("path", [f"/admin/sites/KEY/tokens/{HUGE}/revoke", f"/admin/sites/KEY/webhooks/{HUGE}/test",
                                  f"/admin/sites/KEY/webhooks/{HUGE}/active",
                                  f"/admin/sites/KEY/webhooks/{HUGE}/delete"])
def test_ids_in_admin_urls_too_large_for_the_database_are_not_found(app, client, admin, site, path, auth):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login()

    assert client.post(path.replace("KEY", site.key)).status_code == 404



def test_a_site_name_too_long_is_refused_on_create_as_on_edit(client, admin, runner, auth):
    auth.login()

    created = client.post("/admin/sites/", data={"name": "n" * 5000, "origins": ORIGIN,
                                                 "csrf_token": csrf_token(client, "/admin/sites/")})
    added = runner.invoke(args=["site", "add", "n" * 5000, "--origin", ORIGIN])

    assert created.status_code == 400 and "name:" in created.text
    assert added.exit_code != 0 and "name:" in added.output
    assert Site.select().count() == 0


def test_a_webhook_url_too_long_is_refused_by_name(client, admin, site, auth):
    auth.login()
    path = f"/admin/sites/{site.key}"

    response = client.post(f"{path}/webhooks", data={"url": "https://hooks.example.com/" + "p" * 2100,
                                                     "rule": "difficult", "csrf_token": csrf_token(client, path)})

    assert response.status_code == 400 and "url:" in response.text
    assert Webhook.select().count() == 0


@pytest.mark.parametrize("target", ["/admin/answers\r\nSet-Cookie: stolen=1", "/admin/\n", "/admin/\x7f"])
def test_a_login_next_with_line_breaks_is_ignored(client, admin, target):
    token = csrf_token(client, "/admin/login")

    response = client.post("/admin/login", query_string={"next": target},
                           data={"username": "olivia", "password": "correct horse battery", "csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert "stolen" not in response.headers.get("Set-Cookie", "")


def post_answer(client, site, page):
    body = {"site": site.key, "id": "p" * 20, "touchpoint": "kb-article", "scale": "ease5", "score": 4, "page": page}
    return client.post("/api/v1/answers", data=json.dumps(body), content_type="text/plain", headers={"Origin": ORIGIN})


def test_a_page_url_is_stored_without_its_user_info(client, site):
    response = post_answer(client, site, "https://admin:hunter2@help.example.com:8443/articles/7?x=1")

    assert response.status_code == 201
    assert Answer.get().page_url == "https://help.example.com:8443/articles/7"


@pytest.mark.parametrize("page", ["https://help.example.com:99999/a", "https://help.example.com:port/a",
                                  "https://[::1/a"])
def test_a_page_url_with_a_port_that_is_not_one_is_refused(client, site, page):
    response = post_answer(client, site, page)

    assert (response.status_code, response.json["field"]) == (400, "page")
    assert Answer.select().count() == 0


def test_an_oversized_preview_answer_is_refused_as_json_like_the_real_one(client, site):
    body = json.dumps({"site": site.key, "comment": "x" * 20_000})

    preview = client.post(f"/preview/{site.key}/api/v1/answers", data=body, content_type="text/plain")
    real = client.post("/api/v1/answers", data=body, content_type="text/plain", headers={"Origin": ORIGIN})

    assert (preview.status_code, real.status_code) == (413, 413)
    assert preview.is_json and preview.json == real.json


def test_a_number_too_large_for_a_float_in_meta_is_refused_by_name(client, site):
    body = {"site": site.key, "id": "m" * 20, "touchpoint": "kb-article", "scale": "ease5", "score": 4,
            "meta": {"visits": 10**400}}

    response = client.post("/api/v1/answers", data=json.dumps(body), content_type="text/plain",
                           headers={"Origin": ORIGIN})

    assert (response.status_code, response.json["field"]) == (400, "meta.visits")
    assert Answer.select().count() == 0


def test_a_page_url_that_grows_when_lower_cased_is_still_held_to_its_length(client, site):
    """"İ" lower-cases to two characters: checked before, such a host outgrew its column."""
    response = post_answer(client, site, "https://" + "İ" * 1000 + "/")

    assert (response.status_code, response.json["field"]) == (400, "page")
    assert Answer.select().count() == 0


def test_a_webhook_url_that_cannot_be_parsed_is_refused_by_name(client, admin, site, auth):
    auth.login()
    path = f"/admin/sites/{site.key}"

    response = client.post(f"{path}/webhooks", data={"url": "http://[::1", "rule": "difficult",
                                                     "csrf_token": csrf_token(client, path)})

    assert response.status_code == 400 and "url:" in response.text
    assert Webhook.select().count() == 0


def test_a_site_cannot_be_saved_without_a_name(runner, site):
    """A blank name is refused; and the check is on the name being saved, so a site that an
    earlier release left without one can still be given one."""
    blank = runner.invoke(args=["site", "set", site.key, "--name", "   "])
    Site.update(name="").where(Site.id == site.id).execute()
    renamed = runner.invoke(args=["site", "set", site.key, "--name", "Help centre, renamed"])

    assert blank.exit_code != 0 and "name:" in blank.output
    assert renamed.exit_code == 0, renamed.output
    assert Site.get().name == "Help centre, renamed"


@pytest.mark.parametrize(("method", "path"), [("GET", "/preview/KEY/api/v1/nope"), ("GET", "/api/v1/nope")])
def test_unknown_api_paths_answer_json(client, site, method, path):
    response = client.open(path.replace("KEY", site.key), method=method)

    assert response.status_code == 404 and response.is_json

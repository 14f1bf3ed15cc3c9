"""Admin login and the recent answers page."""
import re

import pytest

from .helpers import store, token_in


@pytest.fixture
def app(app):
    # CSRF is on in these tests, as in production.
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_login_with_the_right_password_shows_answers(client, admin, site, auth):
    store(site, {"key": "a" * 20, "touchpoint": "kb-article", "ref": "kb-1", "scale": "agreement7",
                         "score": 2, "comment": "<script>alert(1)</script>", "customer": "c-9"})

    response = auth.login()
    page = client.get("/admin/answers")

    assert response.status_code == 302
    assert page.status_code == 200
    assert "kb-article" in page.text and "difficult" in page.text and "c-9" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_wrong_password_is_refused(client, admin, auth):
    response = auth.login(password="wrong password!")

    assert response.status_code == 401
    assert "wrong password" in response.text
    assert client.get("/admin/answers").status_code == 302


def test_login_without_csrf_token_is_refused(client, admin):
    response = client.post("/admin/login", data={"username": "olivia", "password": "correct horse battery"})

    assert response.status_code == 400
    assert client.get("/admin/answers").status_code == 302


def test_logout_ends_the_session(client, admin, auth):
    auth.login()
    assert client.get("/admin/answers").status_code == 200

    auth.logout()

    assert client.get("/admin/answers").status_code == 302


def test_login_redirect_stays_on_this_site(client, admin):
    page = client.get("/admin/login")
    token = token_in(page.text)

    response = client.post("/admin/login?next=//evil.example/", data={
        "username": "olivia", "password": "correct horse battery", "csrf_token": token})

    assert response.headers["Location"] == "/admin/"


def test_session_cookie_is_httponly_and_samesite(client, admin, auth):
    response = auth.login()

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_answers_can_be_filtered_by_site_and_paged(client, admin, site, auth):
    for number in range(55):
        store(site, {"key": f"key-{number:016d}", "touchpoint": "self-service", "ref": f"page-{number}",
                             "scale": "ease5", "score": 5})
    auth.login()

    first = client.get(f"/admin/answers?site={site.key}")
    older_link = re.search(r'href="([^"]*before=\d+[^"]*)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(older_link)

    assert "page-54" in first.text and "page-5<" in first.text and "page-4<" not in first.text
    assert "page-4<" in second.text and "page-54" not in second.text

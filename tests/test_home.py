"""The server's front door: a home page, a favicon, and /healthz for load balancers."""
from widget_server.db import flask_db

from .helpers import make_test_app


def test_the_home_page_says_what_this_is_and_links_the_admin_and_the_demo(client):
    page = client.get("/")

    assert page.status_code == 200
    assert 'href="/admin/"' in page.text and 'href="/demo"' in page.text
    assert "Set-Cookie" not in page.headers


def test_the_favicon_is_there(client):
    icon = client.get("/favicon.ico", follow_redirects=True)

    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/admin/login").text


def test_healthz_answers_200_without_a_session_or_a_limit(app, client):
    app.config["RATE_LIMIT_PER_CLIENT"] = "2 per minute"
    responses = [client.get("/healthz") for _ in range(5)]

    assert [response.status_code for response in responses] == [200] * 5
    assert responses[0].json == {"status": "ok"}
    assert "Set-Cookie" not in responses[0].headers and responses[0].headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_while_the_database_is_unreachable(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'ces.sqlite3'}")
    flask_db.database.close_all()
    flask_db.database.init(str(tmp_path / "gone" / "ces.sqlite3"), pragmas=dict(flask_db.database._pragmas))

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["status"] == "unavailable" and "database" in response.json["reason"]
    assert "gone" not in response.text  # no path or host for strangers

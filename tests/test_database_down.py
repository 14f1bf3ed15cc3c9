"""When the database cannot take an answer the API says 503 with Retry-After, never 500."""
import json

from widget_server.db import flask_db

from . import databases
from .helpers import make_test_app
from .helpers import ORIGIN


def post_answer(client, site_key):
    body = {"site": site_key, "id": "d" * 20, "touchpoint": "kb-article", "scale": "ease5", "score": 2}
    return client.post("/api/v1/answers", data=json.dumps(body), content_type="text/plain", headers={"Origin": ORIGIN})


def read_only(read_only):
    """Make the database refuse writes, as a full disk or a standby during failover would."""
    if databases.ON_POSTGRESQL:
        flask_db.database.execute_sql(f"SET SESSION default_transaction_read_only = {'on' if read_only else 'off'}")
    else:
        flask_db.database.pragma("query_only", int(read_only), permanent=True)


def test_a_read_only_database_answers_503_with_retry_after(app, client, site):
    read_only(True)
    try:
        response = post_answer(client, site.key)
    finally:
        read_only(False)

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "retry" in response.json["error"]


def test_an_unreachable_database_answers_503(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'ces.sqlite3'}")
    # The disk goes away under a running server (and its pool of open connections with it).
    flask_db.database.close_all()
    flask_db.database.init(str(tmp_path / "gone" / "ces.sqlite3"), pragmas=dict(flask_db.database._pragmas))

    response = post_answer(app.test_client(), "some-site")

    assert response.status_code == 503 and response.headers["Retry-After"]


def test_every_connection_taken_answers_503_not_500(tmp_path):
    import threading

    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'ces.sqlite3'}", DATABASE_POOL_SIZE=1)
    flask_db.database.close_all()
    holding, release = threading.Event(), threading.Event()

    def hold_the_only_connection():
        # Another request (slow, or stuck sending its body) holding the pool's one connection.
        with flask_db.database.connection_context():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_only_connection)
    holder.start()
    holding.wait(5)
    try:
        client = app.test_client()
        answer = post_answer(client, "some-site")
        config = client.get("/api/v1/sites/some-site/config")
        admin = client.get("/admin/login")
    finally:
        release.set()
        holder.join()

    assert answer.status_code == config.status_code == 503 and answer.headers["Retry-After"]
    assert answer.is_json and "retry" in answer.json["error"]
    assert admin.status_code == 503 and "Try again shortly" in admin.text

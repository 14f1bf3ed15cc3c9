"""The app factory: settings from the environment, and the generated secret key."""
import stat
import subprocess
import sys

import pytest

from widget_server import create_app
from widget_server.db import flask_db

from . import databases


def make_app(tmp_path, **config):
    app = create_app({"DATABASE_URL": databases.fresh_url(tmp_path), "INSTANCE_PATH": str(tmp_path), **config})
    flask_db.database.close()
    return app


def test_secret_key_is_generated_once_private_and_kept(tmp_path):
    first = make_app(tmp_path)
    second = make_app(tmp_path)

    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".secret_key")] == []


def test_an_explicit_secret_key_writes_no_file(tmp_path):
    app = make_app(tmp_path, SECRET_KEY="from-the-environment")

    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MAX_PAYLOAD_BYTES", "1024")
    monkeypatch.setenv("PUBLIC_URL", "https://ces.example.com/")

    app = make_app(tmp_path)

    assert app.config["MAX_PAYLOAD_BYTES"] == 1024
    assert app.config["PUBLIC_URL"] == "https://ces.example.com"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_setting_that_is_not_a_number_stops_with_advice(tmp_path, monkeypatch):
    monkeypatch.setenv("ADMIN_SESSION_HOURS", "eight")

    with pytest.raises(SystemExit, match="ADMIN_SESSION_HOURS=.* is not a whole number"):
        make_app(tmp_path)


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    create_app({"INSTANCE_PATH": str(tmp_path)})
    flask_db.database.close()

    assert (tmp_path / "widget.sqlite3").exists()


def test_each_app_uses_its_own_database_whatever_was_imported_first(tmp_path):
    # A fresh interpreter importing only the factory, as gunicorn does.
    script = f"""
from widget_server import create_app
from widget_server.db import flask_db
first = create_app({{"INSTANCE_PATH": r"{tmp_path / 'one'}", "SECRET_KEY": "x", "ALERT_WORKER": 0}})
assert first.test_client().post("/admin/login", data={{}}).status_code == 400
from widget_server.models import Site
with first.app_context():
    Site.create_with_key("First", ["https://one.example"])
second = create_app({{"INSTANCE_PATH": r"{tmp_path / 'two'}", "SECRET_KEY": "x", "ALERT_WORKER": 0}})
with second.app_context():
    assert Site.select().count() == 0, "the second app sees the first app's database"
print("separate")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)

    assert result.stdout.strip() == "separate", result.stderr[-2000:]


def test_a_process_opens_at_most_database_pool_size_connections(tmp_path):
    import threading

    from playhouse.pool import MaxConnectionsExceeded

    database = make_app(tmp_path, DATABASE_POOL_SIZE=1).config["DATABASE"]
    outcome = []

    def second_connection():
        try:
            database.connect()
            outcome.append("connected")
        except MaxConnectionsExceeded:
            outcome.append("refused")

    with database.connection_context():
        other = threading.Thread(target=second_connection)
        other.start()
        other.join()
    database.close_all()

    assert outcome == ["refused"]


def test_a_pool_without_connections_is_refused_at_start(tmp_path):
    with pytest.raises(SystemExit, match="DATABASE_POOL_SIZE=0"):
        make_app(tmp_path, DATABASE_POOL_SIZE=0)

"""Database wiring: one FlaskDB whose database is chosen when the app is created."""
import json
from pathlib import Path

import peewee
from flask import request
from playhouse import db_url
from playhouse.flask_utils import FlaskDB

# Views that touch no table open no connection (FLASKDB_EXCLUDED_ROUTES).
EXCLUDED_ROUTES = ("static", "assets.widget_js", "assets.versioned_widget_js", "assets.openapi")

# WAL lets readers work while a writer commits; busy_timeout makes a second writer wait
# instead of failing with "database is locked".
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
}

class RequestScopedDB(FlaskDB):
    """FlaskDB that reuses a connection already open in this thread (a test or CLI
    command that queried before the request) instead of failing on it."""

    def connect_db(self):
        if request.endpoint not in self._excluded_routes:
            self.database.connect(reuse_if_open=True)


flask_db = RequestScopedDB()
# Taking the base model class before any app exists makes FlaskDB bind every model to a
# proxy, which each app's init_app points at that app's database. Taken later (after an
# init_app), the models would stay bound to the first app's database for good.
BaseModel = flask_db.Model


class JSONField(peewee.TextField):
    """A JSON document in a text column, portable across SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


def database_for(url):
    """Open the database a URL names, with the pragmas SQLite needs."""
    try:
        if url.startswith("sqlite"):
            return db_url.connect(url, pragmas=SQLITE_PRAGMAS)
        return db_url.connect(url)
    except RuntimeError as exc:
        raise SystemExit(
            f"DATABASE_URL is not usable ({exc}): use sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST/NAME."
        ) from None


def default_url(instance_path):
    return "sqlite:///" + str(Path(instance_path) / "widget.sqlite3")


def init_app(app):
    """Bind the models to the configured database and create missing tables."""
    url = app.config["DATABASE_URL"] or default_url(app.instance_path)
    app.config["DATABASE"] = database_for(url)
    app.config["FLASKDB_EXCLUDED_ROUTES"] = EXCLUDED_ROUTES
    flask_db.init_app(app)

    from . import migrations
    from .models import ALL_MODELS

    database = flask_db.database
    with database.connection_context():
        database.create_tables(ALL_MODELS, safe=True)
        migrations.upgrade(database, ALL_MODELS)

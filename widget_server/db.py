"""Database wiring: one FlaskDB whose database is chosen when the app is created."""
import contextlib
import json
from pathlib import Path

import peewee
from flask import request
from playhouse import db_url
from playhouse.flask_utils import FlaskDB

# Views that touch no table open no connection (FLASKDB_EXCLUDED_ROUTES).
EXCLUDED_ROUTES = ("static", "assets.widget_js", "assets.versioned_widget_js", "assets.module_js",
                   "assets.versioned_module_js", "assets.openapi")

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


# Connections are pooled: a request takes one and gives it back, instead of opening (and,
# for SQLite, setting pragmas on) a connection per request, which halves throughput.
POOLED_SCHEMES = {"sqlite": "sqlite+pool", "postgres": "postgresql+pool", "postgresql": "postgresql+pool"}
POOL_STALE_SECONDS = 300


def database_for(url, pool_size=32):
    """Open the database a URL names (pooled, at most pool_size connections), with the
    pragmas SQLite needs."""
    if pool_size < 1:
        raise SystemExit(f"DATABASE_POOL_SIZE={pool_size}: a process needs at least one connection.")
    # By scheme alone: "postgresql:///db" and "postgresql:/db" name the same local database.
    scheme = url.partition(":")[0]
    pool = {}
    if scheme in POOLED_SCHEMES:
        url = POOLED_SCHEMES[scheme] + url[len(scheme):]
        pool = {"max_connections": pool_size, "stale_timeout": POOL_STALE_SECONDS}
    try:
        if url.startswith("sqlite"):
            # The pool hands a connection to one thread at a time, but not always the same one.
            return db_url.connect(url, pragmas=SQLITE_PRAGMAS, check_same_thread=False, **pool)
        return db_url.connect(url, **pool)
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
    app.config["DATABASE"] = database_for(url, app.config["DATABASE_POOL_SIZE"])
    app.config["FLASKDB_EXCLUDED_ROUTES"] = EXCLUDED_ROUTES
    flask_db.init_app(app)

    from . import migrations
    from .models import ALL_MODELS

    database = flask_db.database
    with database.connection_context():
        database.create_tables(ALL_MODELS, safe=True)
        migrations.upgrade(database, ALL_MODELS)


class FixedInsert:
    """An INSERT of every column of a model, or an upsert that adds to counters, whose SQL is
    written once per kind of database; each call only binds values.

    Peewee builds a statement's SQL in Python for every call (about half a millisecond for
    an insert); the answer endpoint writes four to seven rows an answer, so this is the
    difference between a fraction of a bare endpoint's throughput and most of it. The SQL
    (ON CONFLICT … DO UPDATE with EXCLUDED, RETURNING) is the same on SQLite and PostgreSQL.
    """

    def __init__(self, model, conflict_keys=(), counters=()):
        self.model = model
        self.fields = [field for field in model._meta.sorted_fields if not isinstance(field, peewee.AutoField)]
        self.conflict_keys = tuple(conflict_keys)
        self.counters = tuple(counters)
        self.sql = None

    def _write_sql(self, database):
        def quoted(name):
            return '"' + name.replace('"', '""') + '"'

        table = quoted(self.model._meta.table_name)
        columns = ", ".join(quoted(field.column_name) for field in self.fields)
        values = ", ".join(database.param for _ in self.fields)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"
        if self.conflict_keys:
            target = ", ".join(quoted(self.model._meta.fields[name].column_name) for name in self.conflict_keys)
            additions = ", ".join(f"{quoted(name)} = {table}.{quoted(name)} + EXCLUDED.{quoted(name)}"
                                  for name in self.counters)
            return f"{sql} ON CONFLICT ({target}) DO UPDATE SET {additions}"
        return f"{sql} RETURNING {quoted(self.model._meta.primary_key.column_name)}"

    def bind(self, values):
        """Return (sql, params) writing a row from {field name: value} (missing fields take
        their defaults)."""
        database = flask_db.database
        if self.sql is None or self.sql[0] != database.param:
            self.sql = (database.param, self._write_sql(database))
        params = []
        for field in self.fields:
            value = values[field.name] if field.name in values else field.default
            params.append(field.db_value(value() if callable(value) else value))
        return self.sql[1], params

    @staticmethod
    def run_together(writes):
        """Run [(FixedInsert, values)] in order; return the last one's cursor (for an insert,
        its RETURNING row holds the new id). PostgreSQL takes them as one query, one round
        trip instead of one each (half of an answer's time there went in round trips)."""
        database = flask_db.database
        bound = [insert.bind(values) for insert, values in writes]
        if on_postgresql(database) and len(bound) > 1:
            return database.execute_sql(";\n".join(sql for sql, _ in bound), [p for _, params in bound for p in params])
        cursor = None
        for sql, params in bound:
            cursor = database.execute_sql(sql, params)
        return cursor


def on_postgresql(database):
    # flask_db.database is the proxy the models are bound to; .obj is the database behind it.
    return isinstance(getattr(database, "obj", database), peewee.PostgresqlDatabase)


def write_together(writes):
    """Run [(FixedInsert, values)], the last an insert, as one transaction (all or none);
    return the id of the row that insert made. PostgreSQL runs a query of several
    statements as one transaction by itself: outside a transaction the writes there take
    one round trip, with no BEGIN and COMMIT of their own."""
    database = flask_db.database
    own_transaction = not (database.in_transaction() or on_postgresql(database))
    with database.atomic() if own_transaction else contextlib.nullcontext():
        # Read before the commit: SQLite cannot commit while a RETURNING is unread.
        return FixedInsert.run_together(writes).fetchone()[0]


class FixedSelect:
    """A SELECT whose SQL Peewee writes once per kind of database and then runs with new
    values, for the queries every answer makes (see FixedInsert). `build` makes the query
    from its values, which must be its only parameters, in the same order."""

    def __init__(self, build):
        self.build = build
        self.sql = None

    def __call__(self, *values):
        """Return the matching rows as model instances."""
        database = flask_db.database
        if self.sql is None or self.sql[0] != database.param:
            query = self.build(*values)
            sql, params = query.sql()
            if list(params) != list(values):
                raise ValueError(f"the query's parameters {params} are not exactly its values {values}")
            self.sql = (database.param, sql, query.model)
        _, sql, model = self.sql
        # Rows are made into instances here: Peewee's own result wrapper costs more than the query.
        cursor = database.execute_sql(sql, values)
        fields = [model._meta.columns[column[0]] for column in cursor.description]
        return [model(**{field.name: field.python_value(value) for field, value in zip(fields, row)})
                for row in cursor.fetchall()]

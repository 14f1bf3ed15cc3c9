"""Database wiring: one FlaskDB whose database is chosen when the app is created."""
import contextlib
import datetime
import json
import os
from pathlib import Path

import peewee
from flask import request
from playhouse import db_url
from playhouse.flask_utils import FlaskDB

# Views that touch no table open no connection (FLASKDB_EXCLUDED_ROUTES).
EXCLUDED_ROUTES = ("static", "assets.widget_js", "assets.versioned_widget_js", "assets.module_js",
                   "assets.versioned_module_js", "assets.openapi", "home.index", "home.favicon",
                   # It opens its own, to report when it cannot.
                   "home.healthz")

# busy_timeout makes a second writer wait instead of failing with "database is locked";
# it comes first, as switching a database to WAL takes a lock too. WAL lets readers work
# while a writer commits.
SQLITE_PRAGMAS = {
    "busy_timeout": 5000,
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
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
# for SQLite, setting pragmas on) a connection per request, which costs much of the
# throughput (docs/performance.md).
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
    """Bind the models to the configured database, and bring its schema up to date."""
    url = app.config["DATABASE_URL"] or default_url(app.instance_path)
    app.config["DATABASE"] = database_for(url, app.config["DATABASE_POOL_SIZE"])
    keep_sqlite_files_private(app.config["DATABASE"])
    app.config["FLASKDB_EXCLUDED_ROUTES"] = EXCLUDED_ROUTES
    flask_db.init_app(app)

    from . import migrations

    app.extensions["schema_upgrade"] = migrations.upgrade(flask_db.database)


def private_file(path):
    """Make `path` readable and writable by this account only, creating it if need be."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)


def keep_sqlite_files_private(database):
    """SQLite makes a database's -wal and -shm files with the database file's permissions:
    make that file private before the first connection, and the files beside it that an
    earlier release left readable (they hold password hashes, webhook secrets and answers;
    .lock is the schema upgrade's, migrations.upgrade_lock)."""
    if not isinstance(database, peewee.SqliteDatabase) or database.database in ("", ":memory:"):
        return
    private_file(database.database)
    for suffix in ("-wal", "-shm", ".lock"):
        if os.path.exists(database.database + suffix):
            os.chmod(database.database + suffix, 0o600)


def transaction():
    """The one transaction a write runs in: everything in it is stored, or nothing."""
    return flask_db.database.atomic()


def engine():
    """The database behind flask_db's proxy."""
    database = flask_db.database
    return getattr(database, "obj", database)


def on_postgresql():
    return isinstance(engine(), peewee.PostgresqlDatabase)


@contextlib.contextmanager
def serialized(*rows_read):
    """A transaction whose reads stay true until it commits, for a write that depends on
    what it read: SQLite takes its write lock at the start; on PostgreSQL each query in
    `rows_read` (made once the transaction has begun: pass callables) locks its rows
    (FOR UPDATE). Yields the rows each query found."""
    database = flask_db.database
    if isinstance(engine(), peewee.SqliteDatabase) and not database.in_transaction():
        with database.atomic(lock_type="IMMEDIATE"):
            yield [list(query()) for query in rows_read]
        return
    with database.atomic():
        locking = on_postgresql()
        yield [list(query().for_update() if locking else query()) for query in rows_read]


def claimed_when_due(model, now, claim_seconds, limit=None):
    """Yield each due row of an outbox table (status, next_attempt_at, claimed_until) as
    this worker claims it for claim_seconds: a row another worker holds is skipped, so no
    two workers, in one process or on several servers, send the same one."""
    free = model.claimed_until.is_null() | (model.claimed_until < now)
    due = (model.select(model.id).where((model.status == "pending") & (model.next_attempt_at <= now) & free)
           .order_by(model.next_attempt_at).limit(limit))
    # Read whole before the first claim: a cursor left open holds SQLite's read snapshot,
    # and a claim made under it fails once another connection has written since.
    for row_id in [row_id for (row_id,) in due.tuples()]:
        claim = (model.update(claimed_until=now + datetime.timedelta(seconds=claim_seconds))
                 .where((model.id == row_id) & (model.status == "pending") & free))
        if claim.execute() == 1:
            yield model.get_by_id(row_id)


class CachedInsert:
    """An INSERT of a model's row, or with conflict keys an upsert that adds to counters,
    built by Peewee once per kind of database; later calls bind new values to its SQL.

    Peewee writes a statement's SQL anew for every query, which takes longer than running
    the statement, and an answer writes several; only their values change between answers.
    """

    def __init__(self, model, conflict_keys=(), counters=()):
        self.model = model
        written = set(conflict_keys) | set(counters)
        # In the model's order, which is the order Peewee binds them in.
        self.fields = [field for field in model._meta.sorted_fields
                       if field.name in written or not written and not isinstance(field, peewee.AutoField)]
        self.conflict = [model._meta.fields[name] for name in conflict_keys]
        self.counters = [model._meta.fields[name] for name in counters]
        self.sql = {}

    def query(self, values):
        """The statement for these values, as Peewee builds it."""
        query = self.model.insert({field: values[field.name] for field in self.fields})
        if self.conflict:
            query = query.on_conflict(conflict_target=self.conflict, update={
                field: field + getattr(peewee.EXCLUDED, field.column_name) for field in self.counters})
        return query

    def run(self, values):
        """Write a row from {field name: value} (missing fields take their defaults);
        return the id of the row an insert made."""
        values = {field.name: self.value(field, values) for field in self.fields}
        params = [field.db_value(values[field.name]) for field in self.fields]
        database = flask_db.database
        # Keyed by the database's kind: a process may hold apps on SQLite and PostgreSQL.
        kind = type(getattr(database, "obj", database))
        if kind not in self.sql:
            sql, built = self.query(values).sql()
            if list(built) != params:
                raise ValueError(f"Peewee binds {built}, not the values in the model's order {params}")
            self.sql[kind] = sql
        cursor = database.execute_sql(self.sql[kind], params)
        # PostgreSQL (and a recent SQLite) answer with the new id; read it before going on.
        return cursor.fetchone()[0] if cursor.description else cursor.lastrowid

    @staticmethod
    def value(field, values):
        if field.name in values:
            return values[field.name]
        return field.default() if callable(field.default) else field.default


class FixedSelect:
    """A SELECT whose SQL Peewee writes once per kind of database and then runs with new
    values, for the queries every answer makes (see CachedInsert). `build` makes the query
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

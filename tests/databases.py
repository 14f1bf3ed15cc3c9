"""Where each test's database lives.

By default every app a test makes gets its own SQLite file. Run the suite with
DATABASE_URL=postgresql://… and every app gets its own schema on that server instead, in a
database made for the run and dropped after it, so the same tests prove PostgreSQL.

The variable is taken out of the environment here: apps and servers the tests start get
their database from these helpers, never by inheriting it.
"""
import contextlib
import itertools
import os
from urllib.parse import quote, urlsplit

from widget_server.db import database_for

SERVER_URL = os.environ.pop("DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith(("postgres://", "postgresql://"))
RUN_DATABASE = f"ces_test_{os.getpid()}"
_schema_numbers = itertools.count(1)


def url_with_database(server_url, name, query=""):
    """server_url pointing at database `name` instead."""
    # Built by hand: urlunsplit drops the "//" of a URL without a host (postgresql:///db).
    parts = urlsplit(server_url)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{query}" if query else "")


@contextlib.contextmanager
def database_made_on(server_url, name, query=""):
    """Make database `name` on the PostgreSQL server at server_url, yield its URL, and drop
    it afterwards (the benchmarks use it too)."""
    server = database_for(server_url)

    def administer(sql):
        # CREATE and DROP DATABASE cannot run inside a transaction.
        with server.connection_context():
            server.execute_sql(sql)

    administer(f'CREATE DATABASE "{name}"')
    try:
        yield url_with_database(server_url, name, query)
    finally:
        administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_database():
    """On PostgreSQL, the database the whole run's schemas live in, for the run's length."""
    return database_made_on(SERVER_URL, RUN_DATABASE) if ON_POSTGRESQL else contextlib.nullcontext()


def fresh_url(tmp_path, name="ces"):
    """The URL of a new, empty database for one app or server."""
    if not ON_POSTGRESQL:
        return f"sqlite:///{tmp_path / name}.sqlite3"
    schema = f"test_{next(_schema_numbers)}"
    run = database_for(url_with_database(SERVER_URL, RUN_DATABASE))
    with run.connection_context():
        run.execute_sql(f'CREATE SCHEMA "{schema}"')
    # libpq's "options" apply to every connection the app opens: its schema, and commits that
    # skip the wait for the disk (throwaway data; each test creates a dozen tables).
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    return url_with_database(SERVER_URL, RUN_DATABASE, "options=" + quote(options))


def rows(url, sql, *params):
    """Run `sql` (written with ? placeholders) on the database at `url`; rows as dicts."""
    database = database_for(url)
    with database.connection_context():
        cursor = database.execute_sql(sql.replace("?", database.param), params)
        if cursor.description is None:
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

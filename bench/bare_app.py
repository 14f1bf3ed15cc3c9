"""The ingest benchmark's baselines, served by the same gunicorn settings as the real app:

- create_app(): one endpoint that only parses the answer's JSON and returns 204 (the
  budget's baseline);
- create_storing_app(): the same, and it also stores the answer as one row, with one fixed
  INSERT and a commit, over one connection per worker: on a SQLite file (BENCH_SQLITE) in
  WAL mode with synchronous=NORMAL, or on PostgreSQL (BENCH_POSTGRESQL, a libpq URL). The
  least any endpoint that keeps answers can do.
"""
import json
import os
import sqlite3
import time

from flask import Flask, request

COLUMNS = ("site", "key", "touchpoint", "scale", "score", "ref", "page", "locale")
SQLITE_TABLE = f"answer (id INTEGER PRIMARY KEY, {', '.join(COLUMNS)}, created_at, UNIQUE (site, key))"
POSTGRESQL_TABLE = ("answer (id SERIAL PRIMARY KEY, site TEXT, key TEXT, touchpoint TEXT, scale TEXT, score INTEGER, "
                    "ref TEXT, page TEXT, locale TEXT, created_at DOUBLE PRECISION, UNIQUE (site, key))")


def insert(placeholder):
    return f"INSERT INTO answer ({', '.join(COLUMNS)}, created_at) VALUES ({', '.join([placeholder] * (len(COLUMNS) + 1))})"


def create_app():
    app = Flask(__name__)

    @app.post("/api/v1/answers")
    def parse_only():
        json.loads(request.get_data())
        return "", 204

    return app


def create_storing_table(path=None, postgresql_url=None):
    """The storing endpoint's table, in a SQLite file or a PostgreSQL database."""
    if postgresql_url:
        import psycopg2

        connection = psycopg2.connect(postgresql_url)
        with connection, connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS " + POSTGRESQL_TABLE)
        connection.close()
        return
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=wal")
        connection.execute("CREATE TABLE IF NOT EXISTS " + SQLITE_TABLE)
    connection.close()


def create_storing_app():
    app = Flask(__name__)
    # Opened on first use, in the worker process (gunicorn loads the app after forking).
    connections = []

    def connection():
        if not connections:
            if os.environ.get("BENCH_POSTGRESQL"):
                import psycopg2

                opened = psycopg2.connect(os.environ["BENCH_POSTGRESQL"])
                statement = insert("%s")
            else:
                opened = sqlite3.connect(os.environ["BENCH_SQLITE"])
                opened.execute("PRAGMA synchronous=normal")
                opened.execute("PRAGMA busy_timeout=5000")
                statement = insert("?")
            connections.append((opened, statement))
        return connections[0]

    @app.post("/api/v1/answers")
    def parse_and_store():
        answer = json.loads(request.get_data())
        database, statement = connection()
        # One INSERT in its own transaction, committed.
        database.cursor().execute(statement, [answer.get(name) for name in COLUMNS] + [time.time()])
        database.commit()
        return "", 204

    return app

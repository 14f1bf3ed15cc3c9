"""The ingest benchmark's baselines, served by the same gunicorn settings as the real app:

- create_app(): one endpoint that only parses the answer's JSON and returns 204 (the
  budget's baseline);
- create_storing_app(): the same, and it also stores the answer as one row, with one fixed
  INSERT and a commit on a SQLite file (BENCH_SQLITE) in WAL mode with synchronous=NORMAL,
  over one connection per worker: the least any endpoint that keeps answers can do.
"""
import json
import os
import sqlite3
import time

from flask import Flask, request

COLUMNS = ("site", "key", "touchpoint", "scale", "score", "ref", "page", "locale")
INSERT = f"INSERT INTO answer ({', '.join(COLUMNS)}, created_at) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"


def create_app():
    app = Flask(__name__)

    @app.post("/api/v1/answers")
    def parse_only():
        json.loads(request.get_data())
        return "", 204

    return app


def create_storing_table(path):
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=wal")
        connection.execute(f"CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, {', '.join(COLUMNS)},"
                           " created_at, UNIQUE (site, key))")
    connection.close()


def create_storing_app():
    app = Flask(__name__)
    # Opened on first use, in the worker process (gunicorn loads the app after forking).
    connections = []

    def connection():
        if not connections:
            opened = sqlite3.connect(os.environ["BENCH_SQLITE"], isolation_level=None)
            opened.execute("PRAGMA synchronous=normal")
            opened.execute("PRAGMA busy_timeout=5000")
            connections.append(opened)
        return connections[0]

    @app.post("/api/v1/answers")
    def parse_and_store():
        answer = json.loads(request.get_data())
        database = connection()
        database.execute("BEGIN")
        database.execute(INSERT, [answer.get(name) for name in COLUMNS] + [time.time()])
        database.execute("COMMIT")
        return "", 204

    return app

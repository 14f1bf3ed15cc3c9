"""The server's own front door: a home page saying what it is, the favicon, and /healthz
for load balancers (no login, no session, no rate limit)."""
import peewee
from playhouse.pool import MaxConnectionsExceeded
from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for

from .db import flask_db

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Say what this server is, with links to the admin and the demo."""
    return render_template("home.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page that names none; ours is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    """200 while the database answers a query, 503 when it does not."""
    database = flask_db.database
    try:
        with database.connection_context():
            database.execute_sql("SELECT 1")
    except (peewee.DatabaseError, MaxConnectionsExceeded) as error:
        # The detail (a host, a path) is for the operator's log, not for whoever asks.
        current_app.logger.error("health check: database unavailable: %s", error)
        response = jsonify(status="unavailable", reason="the database does not answer")
        response.status_code = 503
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response

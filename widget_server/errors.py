"""How each part of the app answers when a request cannot be served: the APIs in JSON that
names the field to fix (json_errors), the admin with a page (admin_errors). Each blueprint
says which when it is made; the app's own handlers cover requests no blueprint matched."""
import re

import peewee
from playhouse.pool import MaxConnectionsExceeded
from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .payloads import PayloadError

# PostgreSQL's SQLSTATE for a write on a read-only server (a standby during failover).
READ_ONLY_SQL_TRANSACTION = "25006"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UNAVAILABLE = "the answer store is busy or unavailable; retry shortly"


def json_errors(blueprint):
    """Answer the blueprint's HTTP errors (404, 405, 413, 429 …) as JSON, like its own refusals."""
    blueprint.register_error_handler(HTTPException, http_error_as_json)
    return blueprint


def admin_errors(blueprint):
    """Answer the blueprint's refusals, HTTP errors and database outages with an admin page."""
    blueprint.register_error_handler(HTTPException, http_error_page)
    blueprint.register_error_handler(PayloadError, refusal_page)
    blueprint.register_error_handler(peewee.OperationalError, unavailable_page)
    blueprint.register_error_handler(MaxConnectionsExceeded, unavailable_page)
    blueprint.register_error_handler(peewee.InternalError, read_only(unavailable_page))
    return blueprint


def http_error_as_json(error):
    message = error.description
    if error.code == 413:
        message = f"body: too large; send at most {current_app.config['MAX_PAYLOAD_BYTES']} bytes"
    response = jsonify({"error": message, "field": "body" if error.code == 413 else None})
    response.status_code = error.code
    response.headers.update(passed_on_headers(error))
    return response


def unmatched_api_requests_in_json(app, blueprints):
    """A request that matches no route (an unknown path, or a method a path does not take)
    belongs to no blueprint; one under an API blueprint's prefix is still answered as that
    API answers: in JSON, a 405 with Allow."""
    # A prefix's variable parts (the preview's "<key>") stand for one path segment. Written as
    # a pattern rather than a routing Map: a route's <path> stops at a line break, which an
    # unknown path may hold (%0A).
    prefixes = re.compile("|".join(re.sub(r"<[^>]*>", "[^/]+", re.escape(blueprint.url_prefix)) + "(?:/.*)?"
                                   for blueprint in blueprints), re.DOTALL)

    def unmatched(error):
        if request.url_rule is None and prefixes.fullmatch(request.path):
            return http_error_as_json(error)
        if request.url_rule is None and (request.path == "/admin" or request.path.startswith("/admin/")):
            return http_error_page(error)
        return error

    app.register_error_handler(HTTPException, unmatched)


def passed_on_headers(error):
    # What the error's own headers tell the client: the methods a 405 allows, when a 429 ends.
    return [(name, value) for name, value in error.get_headers() if name in ("Allow", "Retry-After")]


def http_error_page(error):
    """An HTTP error in the admin, as an admin page with a way back."""
    page = render_template("admin/error.html", title=error.name, message=error.description)
    return page, error.code, passed_on_headers(error)


def refusal_page(error):
    return render_template("admin/error.html", title="Cannot show this", message=str(error)), error.status


def unavailable_page(error):
    current_app.logger.error("database unavailable: %s", error)
    page = render_template("admin/error.html", title="Try again shortly", message=UNAVAILABLE)
    return page, 503, {"Retry-After": "5"}


def refusal_as_json(error):
    return jsonify(error.as_json()), error.status


def unavailable_as_json(error):
    current_app.logger.error("database unavailable: %s", error)
    response = jsonify({"error": UNAVAILABLE})
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


def read_only(answer_unavailable):
    """A handler for InternalError: a write on a read-only server is an outage (answered
    like one), anything else a bug."""
    def handler(error):
        # Peewee raises its own class while handling the driver's, which carries the code.
        if getattr(error.__context__, "pgcode", None) == READ_ONLY_SQL_TRANSACTION:
            return answer_unavailable(error)
        raise error

    return handler


def refuse_nul_characters():
    """PostgreSQL can neither store nor compare text holding NUL, and no real input has one:
    refuse it up front, naming the field, rather than fail inside a query."""
    fields = [*(request.view_args or {}).items(), *request.args.items(multi=True)]
    # Only a form body is read here, and only the admin's: the public blueprints cap their
    # bodies lower, in hooks that run after this one, and check every field themselves.
    blueprint = current_app.blueprints.get(request.blueprint)
    if request.mimetype in FORM_TYPES and not getattr(blueprint, "caps_its_bodies", False):
        fields += request.form.items(multi=True)
    for field, value in fields:
        if "\x00" in field or (isinstance(value, str) and "\x00" in value):
            raise PayloadError(field, "must not contain NUL characters")


def init_app(app):
    app.before_request(refuse_nul_characters)
    app.register_error_handler(PayloadError, refusal_as_json)
    app.register_error_handler(peewee.OperationalError, unavailable_as_json)
    # Every pooled connection in use (slow requests holding them): busy, not broken.
    app.register_error_handler(MaxConnectionsExceeded, unavailable_as_json)
    app.register_error_handler(peewee.InternalError, read_only(unavailable_as_json))

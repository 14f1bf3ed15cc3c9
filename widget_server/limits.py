"""Rate limits (flask-limiter): per client and per site on the public API, per client and
per account on the admin login. Counters live in memory unless RATELIMIT_STORAGE_URI
names a shared store (redis://…), which several servers need so they count together."""
import re

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
SITE_FIELD = re.compile(rb'"site"\s*:\s*"([A-Za-z0-9_-]{1,64})"')


def client_limit():
    return current_app.config["RATE_LIMIT_PER_CLIENT"]


def site_limit():
    return current_app.config["RATE_LIMIT_PER_SITE"]


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def site_of_request():
    """The site a public API request is for: from the path, or from the JSON body (already
    bounded by MAX_CONTENT_LENGTH), so one site's visitors share one allowance."""
    if request.view_args and request.view_args.get("key"):
        return "site:" + request.view_args["key"]
    # This runs before the API's own before_request: apply its body cap here too.
    request.max_content_length = current_app.config["MAX_PAYLOAD_BYTES"]
    # Site keys are plain [A-Za-z0-9_-]: a pattern finds one without parsing the body twice
    # (and without the parser's weak spots, such as deep nesting).
    found = SITE_FIELD.search(request.get_data(cache=True))
    return "site:" + found[1].decode() if found else "site:?"


def account_of_login():
    return "account:" + request.form.get("username", "")[:80]


def limit_public(blueprint):
    """Apply the per-client and per-site limits to a public blueprint (once, at import)."""
    limiter.limit(client_limit)(blueprint)
    limiter.limit(site_limit, key_func=site_of_request)(blueprint)
    return blueprint


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"] or "memory://"
    limiter.init_app(app)

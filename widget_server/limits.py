"""Rate limits (flask-limiter): per client and per site on the public API, per client and
per account on the admin login. Counters live in memory unless RATELIMIT_STORAGE_URI
names a shared store (redis://…), which several servers need so they count together."""
import math
import re
import time

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


def retry_after_on_refusals(response):
    """Tell a refused client when to come back. Flask-Limiter's own headers would do it, but
    they read the window's state on every request (a store round trip with Redis) to
    describe allowances nobody reads, so they are off and only a 429 carries this."""
    if response.status_code == 429 and "Retry-After" not in response.headers and limiter.current_limit:
        response.headers["Retry-After"] = str(max(1, math.ceil(limiter.current_limit.reset_at - time.time())))
    return response


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"] or "memory://"
    limiter.init_app(app)
    app.after_request(retry_after_on_refusals)

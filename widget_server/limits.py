"""Rate limits: per client and per site on the public API, per client and per account on
the admin login. Counters live in memory unless RATELIMIT_STORAGE_URI names a shared store
(redis://…), which several servers need so they count together.

Flask-Limiter guards the login. The public API, which takes every answer, checks its two
limits with the same store and strategy (the `limits` library under Flask-Limiter) from one
small hook: Flask-Limiter's per-request work (collecting decorated limits, parsing
callable limit strings again each time) cost about a quarter of an answer's time."""
import functools
import math
import re
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

limiter = Limiter(key_func=get_remote_address)
SITE_FIELD = re.compile(rb'"site"\s*:\s*"([A-Za-z0-9_-]{1,64})"')


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


# Settings are read per request (tests and operators change them); each string is parsed once.
parsed_limit = functools.lru_cache(maxsize=64)(parse)


def check_public_limits():
    """Count this request against its client's and its site's allowance; refuse with 429
    and Retry-After once either is spent."""
    strategy = limiter.limiter
    scope = request.blueprint
    for setting, key, whose in (("RATE_LIMIT_PER_CLIENT", "client:" + get_remote_address(), "client address"),
                                ("RATE_LIMIT_PER_SITE", site_of_request(), "site")):
        limit = parsed_limit(current_app.config[setting])
        if not strategy.hit(limit, scope, key):
            reset_at = strategy.get_window_stats(limit, scope, key).reset_time
            wait = max(1, math.ceil(reset_at - time.time()))
            raise TooManyRequests(f"{limit} per {whose} reached; retry in {wait} s", retry_after=wait)


PUBLIC_BLUEPRINTS = set()


@limiter.request_filter
def checked_by_public_limits():
    """Flask-Limiter has nothing to do on the public API: spare it the search for limits."""
    return request.blueprint in PUBLIC_BLUEPRINTS


def limit_public(blueprint):
    """Apply the per-client and per-site limits to a public blueprint (once, at import)."""
    PUBLIC_BLUEPRINTS.add(blueprint.name)
    blueprint.before_request(check_public_limits)
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

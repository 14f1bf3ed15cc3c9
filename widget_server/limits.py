"""Rate limits: per client and per site on the public API, per client and per account on
the admin login, counted in fixed windows by the `limits` library. Counters live in memory
unless RATELIMIT_STORAGE_URI names a shared store (redis://…), which several servers need
so they count together.

The checks are two small hooks rather than Flask-Limiter: its per-request work (searching
every request for decorated limits, parsing callable limit strings again each time) was a
third of the time the server spends on an answer."""
import functools
import math
import re
import time

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

SITE_FIELD = re.compile(rb'"site"\s*:\s*"([A-Za-z0-9_-]{1,64})"')
# Settings are read per request (tests and operators change them); each string is parsed once.
parsed_limit = functools.lru_cache(maxsize=64)(parse)


def site_of_request():
    """The site a public API request is for: from the path, or from the JSON body (already
    bounded by the API's body cap, applied before this hook), so one site's visitors share
    one allowance."""
    if request.view_args and request.view_args.get("key"):
        return "site:" + request.view_args["key"]
    # Site keys are plain [A-Za-z0-9_-]: a pattern finds one without parsing the body twice
    # (and without the parser's weak spots, such as deep nesting).
    found = SITE_FIELD.search(request.get_data(cache=True))
    return "site:" + found[1].decode() if found else "site:?"


def enforce(scope, *allowances):
    """Count this request against each (setting, key, whose) allowance; refuse with 429 and
    Retry-After once one is spent."""
    counter = current_app.extensions["rate_limits"]
    for setting, key, whose in allowances:
        limit = parsed_limit(current_app.config[setting])
        if not counter.hit(limit, scope, key):
            reset_at = counter.get_window_stats(limit, scope, key).reset_time
            wait = max(1, math.ceil(reset_at - time.time()))
            raise TooManyRequests(f"{limit} per {whose} reached; retry in {wait} s", retry_after=wait)


def client_of_request():
    # A server on a Unix socket behind a proxy without TRUSTED_PROXIES sees no address:
    # those requests share one allowance rather than fail.
    return "client:" + (request.remote_addr or "unknown")


def check_public_limits():
    enforce(request.blueprint, ("RATE_LIMIT_PER_CLIENT", client_of_request(), "client address"),
            ("RATE_LIMIT_PER_SITE", site_of_request(), "site"))


def check_login_limits():
    """Before a login attempt is checked: per client address, and per account tried."""
    enforce("login", ("LOGIN_RATE_LIMIT", client_of_request(), "client address"),
            ("LOGIN_RATE_LIMIT", "account:" + request.form.get("username", "")[:80], "account"))


def limit_public(blueprint):
    """Apply the per-client and per-site limits to a public blueprint (once, at import,
    after its body cap)."""
    blueprint.before_request(check_public_limits)
    return blueprint


def init_app(app):
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"] or "memory://"
    app.extensions["rate_limits"] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))

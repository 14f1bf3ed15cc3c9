"""Rate limits: per client and per site on the public API, per client and per account on
the admin login, counted in fixed windows by the `limits` library. A site's allowance is
counted only for requests whose page the site allows (origins.site_for), so a stranger
cannot spend it. Counters live in memory unless RATELIMIT_STORAGE_URI names a shared store
(redis://…), which several servers need so they count together.

The checks are two small hooks rather than Flask-Limiter: its per-request work (searching
every request for decorated limits, parsing callable limit strings again each time) was a
third of the time the server spends on an answer."""
import functools
import math
import time

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

# Settings are read per request (tests and operators change them); each string is parsed once.
parsed_limit = functools.lru_cache(maxsize=64)(parse)


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


def charge_client(scope):
    """Count a request against its client's allowance: every request, before anything else."""
    enforce(scope, ("RATE_LIMIT_PER_CLIENT", client_of_request(), "client address"))


def charge_site(scope, site_key):
    """Count a request against its site's allowance; call once the site is known and the
    request's page allowed to use it (origins.site_for)."""
    enforce(scope, ("RATE_LIMIT_PER_SITE", "site:" + site_key, "site"))


def cap_body_size():
    """The public API reads small bodies only: refuse larger ones before reading them."""
    request.max_content_length = current_app.config["MAX_PAYLOAD_BYTES"]


# A rating page's follow-up form: a 2,000-character comment in a script of three UTF-8
# bytes a character, each byte percent-encoded, and the reasons.
FORM_BYTES = 2000 * 9 + 1024


def cap_form_size():
    request.max_content_length = FORM_BYTES


def login_failures(username):
    """The failed-login allowances a login attempt is counted against: its client's, and
    its client's for this account. Successes count against neither, so a stranger's wrong
    passwords for an account lock out the stranger, not the account's owner elsewhere."""
    client = client_of_request()
    return [("LOGIN_RATE_LIMIT", client, "client address"),
            ("LOGIN_RATE_LIMIT", f"{client} account:{username[:80]}", "client address and account")]


def take_login_attempt(username):
    """Before a password is checked, count the attempt as a failure against each allowance,
    and refuse it with 429 once one is used up. Counted first, in one step per allowance, so
    attempts sent together cannot all pass a check made before any of them was counted."""
    counter = current_app.extensions["rate_limits"]
    for setting, key, whose in login_failures(username):
        limit = parsed_limit(current_app.config[setting])
        if not counter.hit(limit, "login-failures", key):
            reset_at = counter.get_window_stats(limit, "login-failures", key).reset_time
            wait = max(1, math.ceil(reset_at - time.time()))
            raise TooManyRequests(f"{limit} failed logins per {whose} reached; retry in {wait} s", retry_after=wait)


def refund_login_attempt(username):
    """The password was right: the attempt counted by take_login_attempt was no failure."""
    counter = current_app.extensions["rate_limits"]
    for setting, key, _ in login_failures(username):
        counter.hit(parsed_limit(current_app.config[setting]), "login-failures", key, cost=-1)


def limit_public(blueprint, scope="public", forms=False):
    """Give a public blueprint its body cap (a form's, with `forms`) and per-client
    allowance, counted in `scope` (blueprints sharing one share the allowances); its views
    charge the site's allowance themselves, once the site is known."""
    blueprint.before_request(cap_form_size if forms else cap_body_size)
    blueprint.caps_its_bodies = True
    blueprint.before_request(lambda: charge_client(scope))
    return blueprint


def init_app(app):
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"] or "memory://"
    app.extensions["rate_limits"] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))

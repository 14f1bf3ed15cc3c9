"""Every server setting, with its default and a line of help.

This table is the single source: the app factory takes defaults from it, environment
variables of the same name override them, `widget-server settings` prints it, and a test
fails when README.md does not document one of them.
"""
import json
import os
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    secret: bool = False
    # A URL that may carry a password: shown with the password as ***.
    password_in_url: bool = False


SETTINGS = (
    Setting(
        "DATABASE_URL",
        None,
        "Database URL understood by playhouse.db_url, e.g. postgresql://user:pw@host/ces. "
        "Unset: the SQLite file widget.sqlite3 in the instance folder.",
        password_in_url=True,
    ),
    Setting(
        "DATABASE_POOL_SIZE",
        32,
        "Most database connections one server process keeps open (a pool; idle ones close "
        "after 5 minutes). With PostgreSQL, processes x this must stay under max_connections.",
    ),
    Setting(
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite database and the generated secret key. "
        "Unset: ./instance in a checkout, <prefix>/var/widget_server-instance when installed.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Signs admin sessions (and the follow-up tokens of answers given before follow-up secrets). "
        "Unset: generated on first run and kept in the instance folder (file secret_key).",
        secret=True,
    ),
    Setting(
        "PUBLIC_URL",
        None,
        "Base URL that customers' browsers reach this server at (https://ces.example.com), "
        "used in the script tags, admin links and alerts the server and the CLI print. Unset: the "
        "address `widget-server run` or `demo` was last started on (http://127.0.0.1:5000 before that). "
        "An https URL also makes the admin's session cookie Secure.",
    ),
    Setting(
        "WIDGET_PUBLIC_URL",
        None,
        "Base URL the widget script is served from when that is not this server (a CDN that "
        "fetches /widget.js from it); printed script tags then point their API at PUBLIC_URL. "
        "Unset: PUBLIC_URL.",
    ),
    Setting(
        "MAX_PAYLOAD_BYTES",
        8192,
        "Largest request body the public API accepts; larger ones get 413.",
    ),
    Setting(
        "FOLLOW_UP_HOURS",
        24,
        "Hours after an answer during which the browser that gave it may add its one follow-up "
        "(reasons and a comment); later ones get 410.",
    ),
    Setting(
        "THEME_MIN_COMMENTS",
        3,
        "Difficult comments a word or phrase must be in before the admin and the read API show "
        "it as a comment theme.",
    ),
    Setting(
        "ADMIN_SESSION_HOURS",
        8,
        "Hours an admin login lasts before the admin must log in again.",
    ),
    Setting(
        "HOTSPOT_MIN_ANSWERS",
        10,
        "Answers a page, article or bot needs in the period before the summary ranks it "
        "among the hot spots; fewer are counted but not ranked.",
    ),
    Setting(
        "RATE_LIMIT_PER_CLIENT",
        "600 per minute",
        "Public API requests one client address may make (`limits` syntax, such as '600 per minute'; an office "
        "behind one address counts as one client); more get 429.",
    ),
    Setting(
        "RATE_LIMIT_PER_SITE",
        "6000 per minute",
        "Public API requests for one site from all its visitors together; more get 429.",
    ),
    Setting(
        "LOGIN_RATE_LIMIT",
        "10 per 15 minutes",
        "Failed admin logins per client address, and per client address and account, before that "
        "client gets 429; other clients, the account's owner among them, still log in.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "How many reverse proxies (nginx, a load balancer) stand in front of the server and "
        "set X-Forwarded-For/-Proto; the client address for rate limits is then taken from "
        "them. 0: the connection's own address (never trust the header unset).",
    ),
    Setting(
        "TRUST_FORWARDED_HOST",
        False,
        "With TRUSTED_PROXIES set, also take the host name from X-Forwarded-Host. Off: links "
        "and script tags use PUBLIC_URL, and no header a client can forge chooses a host.",
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "",
        "Where rate-limit counters live: empty for this process's memory; redis://HOST:6379 "
        "so several servers share them.",
    ),
    Setting(
        "ALERT_WORKER",
        1,
        "1: each server process delivers queued alerts in the background; 0: only a separate "
        "`widget-server alerts work` process does.",
    ),
    Setting(
        "ALERT_ALLOWED_NETWORKS",
        "",
        "Comma-separated networks (CIDR) that alerts may go to although they are private, "
        "loopback or link-local, e.g. 10.0.0.0/8 for an internal receiver. Empty: public hosts only.",
    ),
    Setting(
        "ALERT_TIMEOUT_SECONDS",
        10,
        "Seconds a delivery attempt may take in all (connecting, sending, the whole answer) before it "
        "counts as failed.",
    ),
    Setting(
        "SMTP_URL",
        "",
        "The SMTP server digests and e-mail alerts go through: smtp://user:password@host:587 "
        "(STARTTLS) or smtps://user:password@host:465 (TLS); a password's special characters "
        "percent-encoded. Empty: no e-mail.",
        password_in_url=True,
    ),
    Setting(
        "MAIL_FROM",
        "",
        "The address e-mail is sent from, such as ces@example.com; needed with SMTP_URL.",
    ),
    Setting(
        "CONFIG_MAX_AGE",
        300,
        "Seconds browsers may cache a site's widget configuration; "
        "site changes reach visitors within this time.",
    ),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults():
    """Return the default value of every setting."""
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment(environ=None):
    """Return the settings present in the environment, typed like their defaults."""
    environ = os.environ if environ is None else environ
    found = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name)
        if raw is None or raw == "":
            continue
        if isinstance(setting.default, bool):
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise SystemExit(f"{setting.name}={raw!r} is not yes or no: set it to 1 or 0, or unset it.")
            found[setting.name] = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(setting.default, int):
            try:
                found[setting.name] = int(raw)
            except ValueError:
                raise SystemExit(
                    f"{setting.name}={raw!r} is not a whole number: set it to one, "
                    f"or unset it for the default ({setting.default})."
                ) from None
        else:
            found[setting.name] = raw
    return found


def describe(config):
    """Yield (name, shown value, help) for each setting, never revealing secrets."""
    for setting in SETTINGS:
        value = config.get(setting.name)
        if setting.secret:
            shown = "(set)" if value else "(unset)"
        elif value is None:
            shown = "(unset)"
        elif setting.password_in_url:
            shown = json.dumps(redacted(value))
        else:
            shown = json.dumps(value)
        yield setting.name, shown, setting.help


def redacted(url):
    """A URL as it may be printed: any password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
    except (ValueError, TypeError):
        return "(unreadable)"
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()

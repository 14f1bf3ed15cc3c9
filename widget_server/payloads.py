"""Reading and checking what browsers send to the public API.

Each endpoint's body is described by a table of field name -> check. A check returns the
cleaned value or raises PayloadError naming the field, so every bad input becomes a 4xx
that says what to fix, and nothing is written until the whole body has passed. Each check
also carries the JSON Schema of what it accepts (check.schema): the API description
(openapi.py) is made of them, so it states exactly what the server does.
"""
import json
import math
import re
from urllib.parse import urlsplit, urlunsplit

from . import locales
from .scales import SCALES

ACCEPTED_CONTENT_TYPES = ("application/json", "text/plain")
# Patterns are written so that JSON Schema (ECMAScript) reads them as Python does, and are
# matched whole (fullmatch).
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SITE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
META_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# Text on one line: no control characters but tab. Over several lines: line breaks too.
ONE_LINE = re.compile(r"^[^\x00-\x08\x0a-\x1f\x7f]*$")
LINES = re.compile(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
# An http(s) URL: user info is allowed (and dropped), a port is 1-65535.
PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
PAGE_URL = re.compile(r"^[hH][tT][tT][pP][sS]?://([^\x00-\x20\x7f/?#@\[\]]*@)?[^\x00-\x20\x7f/?#@:\[\]]+"
                      rf"(:{PORT})?([/?#][^\x00-\x08\x0a-\x1f\x7f]*)?$")
MAX_META_KEYS = 20


def described(schema):
    """Give a check the JSON Schema of the values it accepts."""
    def attach(check):
        check.schema = schema
        return check

    return attach


def printable(text, limit=200):
    """Text safe to echo in a JSON error: lone surrogates escaped, length bounded, since a
    field name or value quoted back comes from whoever sent it."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


class PayloadError(Exception):
    def __init__(self, field, message, status=400):
        field, message = printable(field, 80), printable(message)
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status

    def as_json(self):
        return {"error": str(self), "field": self.field}


def read_json_object(request):
    """Return the request body as a dict, or raise PayloadError saying why it is not one."""
    if request.mimetype not in ACCEPTED_CONTENT_TYPES:
        raise PayloadError(
            "Content-Type",
            f"send the body as application/json or text/plain, not {request.mimetype or 'nothing'}",
            status=415,
        )
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("body", "is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_object_with_each_key_once)
    except ValueError as exc:
        raise PayloadError("body", f"is not valid JSON ({exc})") from None
    except RecursionError:
        # A few kilobytes of brackets can exhaust the parser; no answer nests like that.
        raise PayloadError("body", "is nested too deeply") from None
    if not isinstance(data, dict):
        raise PayloadError("body", "must be a JSON object such as {\"site\": \"...\"}")
    return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _object_with_each_key_once(pairs):
    # Parsers disagree on which of two equal keys wins; a body that depends on it is refused.
    data = dict(pairs)
    if len(data) != len(pairs):
        twice = next(key for number, (key, _) in enumerate(pairs) if key in dict(pairs[:number]))
        raise PayloadError(twice, "appears twice in the body; send each field once")
    return data


# The largest whole number SQLite's and PostgreSQL's integers hold: a larger one in a URL
# would fail inside a query instead of being refused.
LARGEST_INTEGER = 2**63 - 1


DIGITS = re.compile(r"[0-9]{1,19}")


def whole_number_argument(args, name, default, low=1, high=LARGEST_INTEGER):
    """A query argument holding a whole number from `low` to `high`, or `default` when it
    is missing; anything else is refused naming it."""
    value = args.get(name, "")
    if value == "":
        return default
    # Digits only: int() would also take "+5", "1_0", " 5" and other scripts' digits.
    number = int(value) if DIGITS.fullmatch(value) else None
    if number is None or not low <= number <= high:
        raise PayloadError(name, f"must be a whole number from {low} to {high}")
    return number


def clean(data, checks, required):
    """Run each field's check; refuse unknown and missing fields."""
    for field in data:
        if field not in checks:
            raise PayloadError(field, f"unknown field; expected some of {', '.join(checks)}")
    for field in required:
        if data.get(field) is None:
            raise PayloadError(field, "is required")
    return {field: checks[field](field, value) for field, value in data.items() if value is not None}


def text(max_length, multiline=False, pattern=None, hint=""):
    """A string of at most max_length characters, without control characters (or line
    breaks, unless multiline), and matching `pattern` when there is one. Free text is kept
    without the whitespace around it."""
    allowed = LINES if multiline else ONE_LINE

    @described({"type": "string", "maxLength": max_length, "pattern": (pattern or allowed).pattern})
    def check(field, value):
        if not isinstance(value, str):
            raise PayloadError(field, "must be a string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PayloadError(field, "contains invalid unicode (a lone surrogate)") from None
        if not allowed.fullmatch(value):
            raise PayloadError(field, "contains control characters")
        if len(value) > max_length:
            raise PayloadError(field, f"is too long: at most {max_length} characters")
        if pattern and not pattern.fullmatch(value):
            raise PayloadError(field, hint)
        return value.strip()

    return check


# Checks made once, for the checks below that use them on every answer.
URL_TEXT = text(2000)
short_text = text(200)


@described({"type": "string", "maxLength": 2000, "anyOf": [{"maxLength": 0}, {"pattern": PAGE_URL.pattern}]})
def page_url(field, value):
    """Keep scheme, host, port and path: query strings, fragments and user info (a user
    name and password) can carry personal data and secrets."""
    if value == "":
        return value
    URL_TEXT(field, value)
    # Checked as sent: no space or tab around it, as the description says.
    if not PAGE_URL.fullmatch(value):
        raise PayloadError(field, "must be an http(s) URL, with a port from 1 to 65535 if it has one")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise PayloadError(field, "has a port that is not a number from 1 to 65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PayloadError(field, "must be an http(s) URL")
    if port == 0:
        raise PayloadError(field, "has a port that is not a number from 1 to 65535")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    kept = urlunsplit((parts.scheme, host if port is None else f"{host}:{port}", parts.path, "", ""))
    # Lower-casing the host can lengthen it ("İ" becomes two characters): checked again.
    return URL_TEXT(field, kept)


@described({"type": "string", "enum": list(SCALES)})
def scale_name(field, value):
    if not isinstance(value, str) or value not in SCALES:
        raise PayloadError(field, f"must be one of {', '.join(SCALES)}")
    return value


@described({"type": "integer", "minimum": 1, "maximum": max(scale.points for scale in SCALES.values())})
def whole_number(field, value):
    # JSON has one kind of number: 5.0 is the whole number 5, as JSON Schema counts it.
    if isinstance(value, float) and value.is_integer() and abs(value) <= LARGEST_INTEGER:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(field, "must be a whole number")
    return value


@described({"type": "array", "items": {"type": "string", "enum": list(locales.REASONS)}, "uniqueItems": True})
def reasons(field, value):
    if not isinstance(value, list):
        raise PayloadError(field, "must be a list of reason codes")
    for code in value:
        if code not in locales.REASONS:
            raise PayloadError(field, f"{str(code)[:40]!r} is not one of {', '.join(locales.REASONS)}")
    if len(set(value)) != len(value):
        raise PayloadError(field, "lists a reason twice")
    return value


@described({"type": "object", "maxProperties": MAX_META_KEYS, "propertyNames": {"pattern": META_KEY.pattern},
            "additionalProperties": {"anyOf": [
                {"type": "string", "maxLength": 200, "pattern": ONE_LINE.pattern},
                {"type": "number", "exclusiveMinimum": -1e15, "exclusiveMaximum": 1e15},
                {"type": "boolean"}, {"type": "null"}]}})
def meta(field, value):
    if not isinstance(value, dict):
        raise PayloadError(field, "must be an object of short values")
    if len(value) > MAX_META_KEYS:
        raise PayloadError(field, f"has too many keys: at most {MAX_META_KEYS}")
    cleaned = {}
    for key, item in value.items():
        if not META_KEY.fullmatch(key):
            raise PayloadError(f"{field}.{key[:40]}", "key must be 1-40 of A-Z, a-z, 0-9, _ . -")
        if isinstance(item, str):
            cleaned[key] = short_text(f"{field}.{key}", item)
        elif isinstance(item, bool) or item is None:
            cleaned[key] = item
        # (A whole number is compared as itself: one beyond a float's range cannot be made one.)
        elif isinstance(item, int) and abs(item) < 10**15 or isinstance(item, float) and math.isfinite(item) \
                and abs(item) < 1e15:
            cleaned[key] = item
        else:
            raise PayloadError(f"{field}.{key}", "must be a short string, a number, true, false or null")
    return cleaned


# Checks of single fields, named like the functions above: each takes (field, value).
site_key = text(64, pattern=SITE_KEY, hint="is not a site key")
touchpoint_name = text(
    40,
    pattern=locales.TOUCHPOINT_NAME,
    hint="must be 1-40 of a-z, 0-9 and -, such as self-service, kb-article or chatbot-exit",
)
ref = text(200)
# A label of the content's revision: a date, a revision number, a commit id.
VERSION_LABEL = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")
version = text(40, pattern=VERSION_LABEL,
               hint="must be 1-40 of A-Z, a-z, 0-9 and . _ : - (a revision label such as 2026-11-30 or r42)")



@described({"type": "integer", "minimum": 0, "maximum": 2**31 - 1})
def seconds(field, value):
    """Seconds as a whole number, up to what a 32-bit integer column holds (68 years)."""
    value = whole_number(field, value)
    if not 0 <= value <= 2**31 - 1:
        raise PayloadError(field, "must be a whole number of seconds from 0")
    return value


@described({"type": "boolean"})
def yes_or_no(field, value):
    if not isinstance(value, bool):
        raise PayloadError(field, "must be true or false")
    return value


# Made by the answering browser and sent with the answer; opens its follow-up.
follow_up_secret = text(128, pattern=re.compile(r"^[A-Za-z0-9_-]{32,128}$"), hint="must be 32-128 of A-Z, a-z, 0-9, _ and -")

ANSWER_CHECKS = {
    "site": site_key,
    "id": text(64, pattern=KEY, hint="must be 16-64 of A-Z, a-z, 0-9, _ and -"),
    "secret": follow_up_secret,
    "touchpoint": touchpoint_name,
    "scale": scale_name,
    "score": whole_number,
    "ref": ref,
    "version": version,
    # What led to the answer, where the site collects it (Site.kept_journey).
    "seconds_on_page": seconds,
    "search": text(200),
    # The widget showed the touchpoint's recovery link after this difficult answer.
    "recovery_offered": yes_or_no,
    "page": page_url,
    "locale": text(35, pattern=locales.LANGUAGE_TAG, hint="must be a language tag such as en or nl-BE"),
    "customer": text(200),
    "agent": text(200),
    "conversation": text(200),
    "meta": meta,
    "reasons": reasons,
    "comment": text(2000, multiline=True),
}

FOLLOW_UP_CHECKS = {
    "site": site_key,
    "secret": follow_up_secret,
    # What the widget of release 0.1 was given instead, for answers stored before secrets.
    "token": text(64),
    "reasons": reasons,
    "comment": text(2000, multiline=True),
}

RECOVERY_CHECKS = {"site": site_key, "secret": follow_up_secret}

IMPRESSION_CHECKS = {"site": site_key, "touchpoint": touchpoint_name, "ref": ref}

# Body field -> Answer column, where they differ.
ANSWER_COLUMNS = {"id": "key", "page": "page_url"}


def answer_fields(data):
    """Return Answer column values from an answer body, score checked against its scale."""
    fields = clean(data, ANSWER_CHECKS, required=("site", "id", "touchpoint", "scale", "score"))
    scale = SCALES[fields["scale"]]
    if not scale.is_valid(fields["score"]):
        raise PayloadError("score", f"must be from 1 to {scale.points} on the {scale.name} scale")
    if "locale" in fields:
        fields["locale"] = fields["locale"].lower()
    del fields["site"]
    return {ANSWER_COLUMNS.get(field, field): value for field, value in fields.items()}

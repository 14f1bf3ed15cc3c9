"""The rules a site's settings must meet, each check naming the setting it refuses, so the
admin form, the CLI and Site.change give the same message; and the LANG:KEY=TEXT lines
both write string overrides in."""
import functools
import ipaddress
import re
import zoneinfo
from urllib.parse import urlsplit

from . import locales
from .scales import SCALES


class SiteSettingError(ValueError):
    """A site setting that cannot be saved; the message says what to change."""



def normalise_origin(origin):
    """Return scheme://host[:port] in lower case, the form browsers send in Origin."""
    text = str(origin).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteSettingError(
            f"origin: {text!r} is not an origin; write it like https://help.example.com"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SiteSettingError(
            f"origin: {text!r} has a path; an origin is only scheme://host[:port]"
        )
    try:
        port = parts.port
    except ValueError:
        raise SiteSettingError(f"origin: {text!r} has an invalid port") from None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    netloc = parts.hostname if port in (None, default_port) else f"{parts.hostname}:{port}"
    return f"{parts.scheme}://{netloc}".lower()


def _whole_number(name, low, high):
    def check(value):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SiteSettingError(f"{name}: {value!r} is not a whole number") from None
        if not low <= number <= high:
            raise SiteSettingError(f"{name}: must be between {low} and {high}, not {number}")
        return number

    return check


def _scale_name(value):
    if value not in SCALES:
        raise SiteSettingError(f"scale: {value!r} is unknown; use one of {', '.join(SCALES)}")
    return value


def _per_touchpoint(setting, check):
    """The check of a {touchpoint: value} setting: each name a touchpoint's, each value
    passing check(value, what to call it); an empty value is left out."""
    def checked(mapping):
        found = {}
        for touchpoint, value in dict(mapping).items():
            if not locales.TOUCHPOINT_NAME.fullmatch(touchpoint):
                raise SiteSettingError(f"{setting}: {touchpoint!r} is not a touchpoint name (1-40 of a-z, 0-9 and -)")
            if value:
                found[touchpoint] = check(value, f"{setting}: {touchpoint}")
        return found

    return checked


def _texts(mapping):
    checked = {}
    for language, strings in dict(mapping).items():
        if language != "*" and not locales.LANGUAGE_TAG.fullmatch(language):
            raise SiteSettingError(f"texts: {language!r} is not a language tag such as nl or pt-BR")
        for key, text in dict(strings).items():
            if not locales.is_overridable(key):
                raise SiteSettingError(
                    f"texts: {key!r} is not a widget string; see `widget-server site strings`"
                )
            if not isinstance(text, str) or not 0 < len(text.strip()) <= 300:
                raise SiteSettingError(f"texts: {key!r} must be 1 to 300 characters")
        if strings:
            checked[language.lower()] = {key: text.strip() for key, text in strings.items()}
    return checked


def _short_text(name):
    def check(value):
        value = str(value).strip()
        if len(value) > 200:
            raise SiteSettingError(f"{name}: at most 200 characters")
        return value

    return check


# The query parameters a help centre's search puts the query in, most often.
DEFAULT_SEARCH_PARAMETERS = ("q", "query", "search")
PARAMETER_NAME = re.compile(r"[A-Za-z0-9_.\[\]-]{1,40}")


def _search_parameters(value):
    """A list of query parameter names, or text with them separated by commas or spaces;
    none (an empty list or text) turns the search off."""
    names = re.split(r"[\s,]+", value.strip()) if isinstance(value, str) else list(value)
    names = [name for name in names if name]
    for name in names:
        if not isinstance(name, str) or not PARAMETER_NAME.fullmatch(name):
            raise SiteSettingError(f"search_parameters: {str(name)[:40]!r} is not a query parameter name "
                                   "(1-40 of A-Z, a-z, 0-9 and _ . - [ ])")
    if len(names) > 10:
        raise SiteSettingError("search_parameters: at most 10 names")
    return list(dict.fromkeys(names))


def _yes_or_no(name):
    def check(value):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("on", "yes", "true", "1"):
            return True
        if text in ("off", "no", "false", "0", ""):
            return False
        raise SiteSettingError(f"{name}: {str(value)[:20]!r} is not on or off")

    return check


# A host name of letters, digits, dots and hyphens (IDN names as punycode), or an IPv6 address.
HOST = re.compile(r"[a-z0-9.-]+|[0-9a-f:.]+")


def numbers_are_an_address(host):
    """Browsers read a host of numbers and dots as an IPv4 address: it must be one."""
    if not re.fullmatch(r"[0-9.]+", host):
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _recovery_url(value, name="recovery_url"):
    """A page's http(s) address, or "" for none: it becomes a link's href in the widget, so
    no other scheme (javascript: above all) gets through."""
    text = str(value or "").strip()
    if not text:
        return ""
    refused = SiteSettingError(f"{name}: {text[:60]!r} is not an http(s) address like https://help.example.com/contact")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises for a port that is not 0-65535)
    except ValueError:
        raise refused from None
    # The widget makes a URL of it: a host browsers refuse (a character or a number that
    # cannot be in one) would break the follow-up, so only plain host names and addresses.
    if (parts.scheme not in ("http", "https") or not parts.hostname or not HOST.fullmatch(parts.hostname)
            or any(ch.isspace() or ord(ch) < 32 for ch in text) or not numbers_are_an_address(parts.hostname)):
        raise refused
    if len(text) > 500:
        raise SiteSettingError(f"{name}: at most 500 characters")
    return text


def _time_zone(value):
    """An IANA time zone name, such as Europe/Amsterdam or UTC."""
    name = str(value or "").strip()
    # Only the zones the time zone database lists ("localtime" is the host's, "Factory" none).
    if name != "UTC" and name not in time_zone_names():
        raise SiteSettingError(f"time_zone: {name[:60]!r} is not an IANA time zone such as Europe/Amsterdam "
                               "or America/New_York (or UTC)")
    return name


@functools.cache
def time_zone_names():
    """The IANA zones a site may take, sorted."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory", "posixrules"}))


def _retention_days(value):
    if value in (None, ""):
        return None
    return _whole_number("retention_days", 1, 36500)(value)


SITE_SETTING_CHECKS = {
    "retention_days": _retention_days,
    "name": _short_text("name"),
    "company": _short_text("company"),
    "scale": _scale_name,
    "touchpoint_scales": _per_touchpoint("touchpoint_scales", lambda scale, _: _scale_name(scale)),
    "cooldown_days": _whole_number("cooldown_days", 0, 3650),
    "sample_percent": _whole_number("sample_percent", 0, 100),
    "auto_delay_seconds": _whole_number("auto_delay_seconds", 0, 3600),
    "auto_scroll_percent": _whole_number("auto_scroll_percent", 0, 100),
    "texts": _texts,
    "collect_time_on_page": _yes_or_no("collect_time_on_page"),
    "search_parameters": _search_parameters,
    "time_zone": _time_zone,
    "recovery_url": _recovery_url,
    "recovery_urls": _per_touchpoint("recovery_urls", _recovery_url),
    "link_change_days": _whole_number("link_change_days", 0, 365),
    "signed_links_only": _yes_or_no("signed_links_only"),
}


def text_override(line, field="texts"):
    """(language, key, text) from one LANG:KEY=TEXT line; an empty TEXT removes the key."""
    language, colon, assignment = line.partition(":")
    key, equals, text = assignment.partition("=")
    if not (colon and equals and language.strip() and key.strip()):
        raise SiteSettingError(f"{field}: {line[:60]!r} is not LANG:KEY=TEXT (LANG may be *)")
    return language.strip(), key.strip(), text

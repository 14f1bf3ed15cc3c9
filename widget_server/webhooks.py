"""Alerts: checking webhook targets, the body of an alert, and its signature.

The tables (Webhook, Delivery) are in alert_models.py: an answer that meets a target's rule
gets a Delivery row in the transaction that stored it, and outbox.py sends it.
"""
import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import ssl
import time
from urllib.parse import urlsplit

from . import mail
from .locales import TOUCHPOINT_NAME
from .alert_models import EMAIL, FORMATS, RULES, Delivery, Webhook
from .models import EMAIL_ADDRESS, utcnow

# Standard Webhooks (standardwebhooks.com): the alert's id, the moment it was signed, and
# the signature of both with the body.
ID_HEADER, STAMP_HEADER, SIGNATURE_HEADER = "webhook-id", "webhook-timestamp", "webhook-signature"
# What targets made before Standard Webhooks verify; sent to them beside the standard ones.
LEGACY_SIGNATURE_HEADER = "X-CES-Signature"
LEGACY_TIMESTAMP_HEADER = "X-CES-Timestamp"
LEGACY_ALERT_ID_HEADER = "X-CES-Alert-Id"
TOLERANCE_SECONDS = 300


class WebhookError(ValueError):
    """A webhook target that cannot be saved or reached; the message says what to change."""


def new_secret():
    """A Standard Webhooks secret: whsec_ and the standard base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create_webhook(site, url, rule="difficult", threshold=None, touchpoint="", format="json", allowed_networks=(),
                   grace_seconds=60, mail_configured=False):
    """Check and store a target, a URL or e-mail addresses; returns it with its freshly
    generated secret (which e-mail targets do not use)."""
    url = str(url).strip()
    if Webhook.select().where(Webhook.site == site).count() >= MOST_TARGETS:
        raise WebhookError(f"url: a site has at most {MOST_TARGETS} alert targets; remove one first")
    addresses = email_addresses(url)
    if addresses:
        if not mail_configured:
            raise WebhookError("url: e-mail alerts need the server's SMTP_URL and MAIL_FROM settings; "
                               "set them, or give an http(s) URL")
        url, format = "mailto:" + ",".join(addresses), EMAIL
    else:
        check_target(url, allowed_networks)
    try:
        grace_seconds = int(grace_seconds)
    except (TypeError, ValueError):
        grace_seconds = -1
    if not 0 <= grace_seconds <= 3600:
        raise WebhookError("grace_seconds: how long an alert waits for the follow-up, 0 to 3600 seconds")
    if rule not in RULES:
        raise WebhookError(f"rule: use one of {', '.join(RULES)}")
    if rule == "score_at_most":
        try:
            threshold = int(threshold)
        except (TypeError, ValueError):
            raise WebhookError("threshold: give the highest ease index (0-100) that should alert") from None
        if not 0 <= threshold <= 100:
            raise WebhookError("threshold: must be between 0 and 100")
    else:
        threshold = None
    if touchpoint and not TOUCHPOINT_NAME.fullmatch(touchpoint):
        raise WebhookError("touchpoint: 1-40 of a-z, 0-9 and -, or blank for every touchpoint")
    if format not in FORMATS and format != EMAIL:
        raise WebhookError(f"format: use one of {', '.join(FORMATS)}")
    return Webhook.create(site=site, url=url, secret=new_secret(), rule=rule,
                          threshold=threshold, touchpoint=touchpoint, format=format, grace_seconds=grace_seconds)


MOST_ADDRESSES = 10
# Each target can be tested and can mail its addresses: a site has a bounded number.
MOST_TARGETS = 20
TEST_PAUSE_SECONDS = 60


def email_addresses(target):
    """The addresses of an e-mail target (mailto:a@example.com,b@example.com, or the
    addresses alone, comma-separated), or [] for anything that is not one; WebhookError
    names a bad address."""
    text = target.removeprefix("mailto:")
    if not target.startswith("mailto:") and ("@" not in text or "://" in text):
        return []
    addresses = [address.strip() for address in text.split(",") if address.strip()]
    for address in addresses:
        if not EMAIL_ADDRESS.fullmatch(address):
            raise WebhookError(f"url: {address[:100]!r} is not an e-mail address like name@example.com")
    if not 0 < len(addresses) <= MOST_ADDRESSES:
        raise WebhookError(f"url: give 1 to {MOST_ADDRESSES} e-mail addresses, separated by commas")
    if len(",".join(addresses)) + 7 > Webhook.url.max_length:
        raise WebhookError(f"url: at most {Webhook.url.max_length} characters")
    return list(dict.fromkeys(addresses))


# IPv6 addresses that carry an IPv4 address in their last 32 bits: IPv4-compatible,
# IPv4-translated (RFC 2765) and the well-known NAT64 prefix (RFC 6052). Mapped and 6to4
# addresses are read by the ipaddress module itself.
IPV4_IN_THE_LAST_32_BITS = tuple(ipaddress.ip_network(network) for network in
                                 ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96"))
# Every other public IPv6 address is global unicast. Python's is_global alone lets through
# ranges that are not (site-local fec0::/10, reserved ones), and the local-use NAT64 prefix
# (RFC 8215) is translated inside one network, wherever its IPv4 part points.
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def embedded_ipv4(ip):
    """The IPv4 address an IPv6 address stands for, or None."""
    if ip.version == 4:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if any(ip in network for network in IPV4_IN_THE_LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip):
    embedded = embedded_ipv4(ip)
    if embedded:
        return is_public(embedded)
    if ip.version == 6 and ip not in GLOBAL_UNICAST:
        return False
    return ip.is_global and not ip.is_multicast


def check_target(url, allowed_networks=()):
    """Refuse anything but http(s) URLs whose host resolves only to public addresses,
    unless the server's ALERT_ALLOWED_NETWORKS lets a private one through; return
    (the URL's parts, the address to connect to). Resolved here only: connecting to the
    name again would resolve it again, to wherever it points by then."""
    url = str(url).strip()
    if len(url) > Webhook.url.max_length:
        raise WebhookError(f"url: at most {Webhook.url.max_length} characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("url: use an http:// or https:// URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = [info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)]
    except (OSError, ValueError) as error:
        raise WebhookError(f"url: {parts.hostname} cannot be resolved ({error})") from None
    allowed = [ipaddress.ip_network(network, strict=False) for network in allowed_networks]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        forms = list(filter(None, (ip, embedded_ipv4(ip))))
        if not is_public(ip) and not any(each in network for each in forms for network in allowed):
            raise WebhookError(
                f"url: {parts.hostname} resolves to {forms[-1]}, a private, loopback or link-local address; "
                "alerts only go to public hosts unless ALERT_ALLOWED_NETWORKS allows it"
            )
    return parts, addresses[0]


def tls_context():
    """How deliveries over HTTPS check the receiver: the system's trusted authorities."""
    return ssl.create_default_context()


def enqueue_test(webhook):
    """Queue a test alert, at most one a minute per target: a test sends at once, and an
    e-mail target's goes to addresses that may not be the sender's own."""
    recent = Delivery.select().where((Delivery.webhook == webhook) & Delivery.answer.is_null()
                                     & (Delivery.created_at > utcnow() - datetime.timedelta(seconds=TEST_PAUSE_SECONDS)))
    if recent.exists():
        raise WebhookError("test: a test alert went to this target less than a minute ago; try again in a minute")
    return Delivery.create(webhook=webhook, answer=None)


def payload(delivery, answer, site, public_url):
    """Return the body of an alert: JSON, or Slack-compatible text."""
    if answer is None:
        answer_part, event = None, "test"
        admin_url = f"{public_url}/admin/sites/{site.key}"
    else:
        event = f"answer.{answer.effort_class}"
        admin_url = f"{public_url}/admin/answers?site={site.key}&id={answer.key}"
        answer_part = answer.record(site.key)
    webhook = delivery.webhook
    if webhook.format == "slack":
        return {"text": slack_text(answer, site, admin_url)}
    return {
        "alert_id": delivery.alert_id, "event": event, "rule": webhook.rule, "site": {"key": site.key, "name": site.name},
        "answer": answer_part, "admin_url": admin_url,
    }


def slack_escaped(text):
    """Text Slack shows as itself: &, < and > are its markup (mentions like <!channel>,
    links like <https://…|label>), which a customer's words must not reach."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(answer, site, admin_url):
    name = slack_escaped(site.name)
    if answer is None:
        return f"Test alert from the CES widget for {name}. <{admin_url}|Open the site>"
    # Each part on one line: a ref or agent may hold a line separator (U+2028) that would
    # start a line of its own, such as a false "Open in the admin" link.
    where = " · ".join(" ".join(part.split()) for part in (
        answer.touchpoint, answer.ref, answer.agent and f"agent {answer.agent}",
        answer.customer and f"customer {answer.customer}") if part)
    # Every line of the comment quoted, so none of it reads as our own text.
    comment = "".join(f"\n> {line}" for line in slack_escaped(answer.comment).splitlines())
    return (f"{answer.effort_class.capitalize()} answer on {name}: {answer.score} on {answer.scale} "
            f"({slack_escaped(where)}){comment}\n<{admin_url}|Open in the admin>")


def alert_email(delivery, config):
    """The e-mail of an alert to an e-mail target: plain text, the customer's words quoted."""
    answer, site, webhook = delivery.answer, delivery.webhook.site, delivery.webhook
    admin_url = payload(delivery, answer, site, config["PUBLIC_URL"])["admin_url"]
    if answer is None:
        subject = f"Test alert for {site.name}"
        text = f"A test alert from the CES widget for {site.name}: alerts for {webhook.describe()} come to this address.\n"
    else:
        subject = f"{answer.effort_class.capitalize()} answer on {site.name}: {answer.score} on {answer.scale}"
        details = [("Touchpoint", answer.touchpoint), ("Page or article", answer.ref), ("Agent", answer.agent),
                   ("Customer", answer.customer), ("Reasons", ", ".join(answer.reasons)),
                   ("Page", answer.page_url), ("Version", answer.version)]
        # Each value on its one line: a customer's ref may hold a line separator (U+2028)
        # that would start a line of its own, such as a false "Open in the admin:" link.
        text = f"{subject}.\n\n" + "".join(f"{name}: {' '.join(str(value).split())}\n" for name, value in details if value)
        if answer.comment:
            text += "\nComment:\n" + "".join(f"> {line}\n" for line in answer.comment.splitlines())
    text += f"\nOpen in the admin: {admin_url}\n\nAlert {delivery.alert_id}; these alerts are set on the site's admin page.\n"
    return mail.message(config, webhook.addresses(), subject, text, headers={"X-CES-Alert-Id": delivery.alert_id})


def signing_key(secret, legacy=False):
    """The key a secret stands for: whsec_ and the key in standard base64 (URL-safe base64
    for targets made before Standard Webhooks)."""
    text = secret.removeprefix("whsec_")
    decode = base64.urlsafe_b64decode if legacy else base64.b64decode
    return decode(text + "=" * (-len(text) % 4))


def legacy_signature(secret, timestamp, body):
    """The deprecated X-CES-Signature: the secret's HMAC of timestamp and body (no id)."""
    return "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def is_fresh(timestamp, now=None):
    """A signing time a receiver accepts: Unix seconds, within the tolerance of now."""
    return timestamp.isdigit() and abs((now or time.time()) - int(timestamp)) <= TOLERANCE_SECONDS


def standard_signature(key, alert_id, timestamp, body):
    signed = hmac.new(key, f"{alert_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(signed).decode()


def signature_headers(webhook, alert_id, body, timestamp=None):
    """The headers that let a receiver check that a body came from us, recently, as this
    alert: Standard Webhooks'; for a target made before them, also the old ones it
    verifies (deprecated: that signature leaves the alert's id out)."""
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    key = signing_key(webhook.secret, webhook.legacy_signature)
    headers = {ID_HEADER: alert_id, STAMP_HEADER: timestamp,
               SIGNATURE_HEADER: standard_signature(key, alert_id, timestamp, body)}
    if webhook.legacy_signature:
        headers.update({LEGACY_ALERT_ID_HEADER: alert_id, LEGACY_TIMESTAMP_HEADER: timestamp,
                        LEGACY_SIGNATURE_HEADER: legacy_signature(webhook.secret, timestamp, body)})
    return headers


def verify(secret, body, headers, now=None):
    """What a receiver does without the standardwebhooks package (docs/alerts.md): recompute the
    signature of id, timestamp and body, and refuse a timestamp too far from now."""
    headers = {name.lower(): value for name, value in headers.items()}
    alert_id, timestamp = headers.get(ID_HEADER, ""), headers.get(STAMP_HEADER, "")
    if not alert_id or not is_fresh(timestamp, now):
        return False
    expected = standard_signature(signing_key(secret), alert_id, timestamp, body)
    # As bytes: compare_digest refuses text that is not ASCII, which a forged header may hold.
    return any(hmac.compare_digest(expected.encode(), given.encode()) for given in headers.get(SIGNATURE_HEADER, "").split())


def verify_legacy(secret, body, headers, now=None):
    """What a receiver made before Standard Webhooks does with the old headers."""
    headers = {name.lower(): value for name, value in headers.items()}
    timestamp = headers.get(LEGACY_TIMESTAMP_HEADER.lower(), "")
    if not is_fresh(timestamp, now):
        return False
    expected = legacy_signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), headers.get(LEGACY_SIGNATURE_HEADER.lower(), "").encode())


def body_bytes(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


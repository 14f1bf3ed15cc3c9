"""Sending queued alerts, outside every customer's request.

A worker thread in each server process (or `widget-server alerts work` on its own) takes
due deliveries from the outbox table, claims each one so no other worker sends it too,
posts it, and records the outcome: delivered, or another attempt later with a growing
pause, or given up after the last one. The outbox is in the database, so a restart loses
nothing; a delivery that succeeded but crashed before it was recorded is sent again with
the same alert id, which receivers use to ignore repeats.
"""
import datetime
import http.client
import logging
import socket
import threading
from urllib.parse import urlsplit

from flask import current_app

from . import digests, mail, retention, webhooks
from .db import claimed_when_due, flask_db
from .alert_models import Delivery
from .models import utcnow
from .webhooks import WebhookError, alert_email, body_bytes, check_target, payload, signature_headers

log = logging.getLogger(__name__)

# Seconds to wait after each failed attempt; after the last one the delivery has failed.
BACKOFF_SECONDS = (10, 30, 120, 600, 1800, 3600, 3600)
CLAIM_SECONDS = 60
POLL_SECONDS = 2
_wake = threading.Event()


def wake():
    """Tell this process's worker that something was queued, so it need not wait to poll."""
    _wake.set()


def deliver_due(config, limit=20):
    """Send every delivery that is due and not held by another worker; return how many were tried."""
    tried = 0
    for delivery in claimed_when_due(Delivery, utcnow(), CLAIM_SECONDS, limit):
        attempt(delivery, config)
        tried += 1
    return tried


def attempt(delivery, config):
    """Send one delivery (a post, or an e-mail) and record what happened."""
    webhook = delivery.webhook
    status, error = None, ""
    if webhook.is_email:
        try:
            mail.send(config, alert_email(delivery, config))
        except mail.MailError as problem:
            error = str(problem)
    else:
        status, error = post_alert(delivery, config)
    delivery.attempts += 1
    delivery.last_status = status
    delivery.last_error = error[:500]
    delivery.claimed_until = None
    if not error:
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
    elif status == 410:
        # The receiver says it is gone for good: no retries, and no more alerts until an
        # admin resumes the target.
        delivery.status = "failed"
        webhook.active = False
        webhook.paused_reason = "the receiver answered 410 Gone"
        webhook.save()
    elif delivery.attempts > len(BACKOFF_SECONDS):
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = utcnow() + datetime.timedelta(seconds=BACKOFF_SECONDS[delivery.attempts - 1])
    delivery.save()
    # The URL may carry a token in its query string; log only where it points.
    where = "e-mail" if webhook.is_email else urlsplit(webhook.url).hostname
    log.info("alert %s to %s: %s", delivery.alert_id, where, error or "delivered")


def post_alert(delivery, config):
    """Post a delivery to its target's URL; return (HTTP status or None, what went wrong or "")."""
    webhook = delivery.webhook
    body = body_bytes(payload(delivery, delivery.answer, webhook.site, config["PUBLIC_URL"]))
    headers = {"Content-Type": "application/json", "User-Agent": "ces-widget-alerts/1",
               **signature_headers(webhook, delivery.alert_id, body)}
    status, error = None, ""
    try:
        # Checked again at every attempt, and sent to the address checked: what a name
        # resolves to can change, even between two lookups a moment apart.
        parts, address = check_target(webhook.url, config["ALERT_ALLOWED_NETWORKS"])
        status = post(parts, address, body, headers, config["ALERT_TIMEOUT_SECONDS"])
        if not 200 <= status < 300:
            error = f"the receiver answered HTTP {status}"
    except (WebhookError, OSError, http.client.HTTPException) as problem:
        error = str(problem) or problem.__class__.__name__
    return status, error


class CheckedConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand; the URL's name is still the
    Host header."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.timed_out = False

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)

    def cut_off(self):
        """End the exchange from another thread: a blocked read returns at once."""
        self.timed_out = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class CheckedTLSConnection(CheckedConnection):
    """The same over TLS, the certificate checked against the URL's name (sent as SNI)."""

    default_port = http.client.HTTPS_PORT

    def connect(self):
        super().connect()
        self.sock = webhooks.tls_context().wrap_socket(self.sock, server_hostname=self.host)


def post(parts, address, body, headers, timeout):
    """POST to the address checked, without following redirects (a redirect could point
    anywhere); return the status."""
    connection_class = CheckedTLSConnection if parts.scheme == "https" else CheckedConnection
    # The port said, or the scheme's: left to http.client, an IPv6 address's last group
    # would be read as the port.
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection = connection_class(parts.hostname, port, address, timeout)
    # The timeout bounds the whole attempt, not each read: a receiver trickling its answer
    # a byte at a time would stay under it forever, and hold up every alert behind it.
    deadline = threading.Timer(timeout, connection.cut_off)
    deadline.start()
    try:
        connection.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    except (OSError, http.client.HTTPException):
        if connection.timed_out:
            raise TimeoutError(f"no whole answer within {timeout} s") from None
        raise
    finally:
        deadline.cancel()
        connection.close()


PURGE_EVERY = datetime.timedelta(hours=1)
DIGESTS_EVERY = datetime.timedelta(minutes=1)


class Worker:
    """Delivers alerts, sends the digests that are due (looked for each minute), and hourly
    purges answers past retention, in the background of one process until the process ends."""

    def __init__(self, app):
        self.app = app
        self.thread = threading.Thread(target=self.run, name="ces-alerts", daemon=True)
        self.purged_at = None
        self.digests_at = None

    def start(self):
        self.thread.start()
        return self

    def run(self):
        while True:
            _wake.wait(POLL_SECONDS)
            _wake.clear()
            try:
                with self.app.app_context(), flask_db.database.connection_context():
                    while deliver_due(self.app.config):
                        pass
                    if self.digests_at is None or utcnow() - self.digests_at > DIGESTS_EVERY:
                        self.digests_at = utcnow()
                        digests.send_due(self.app.config)
                    if self.purged_at is None or utcnow() - self.purged_at > PURGE_EVERY:
                        self.purged_at = utcnow()
                        retention.purge_expired()
            except Exception:  # noqa: BLE001 - the worker must outlive a bad moment (database busy, say)
                log.exception("alert delivery round failed; retrying in %s s", POLL_SECONDS)


_started = threading.Lock()


def start_worker_once(app=None):
    """Start this process's worker: when a server starts, or on its first request (not for
    other CLI commands, and after any fork, so it suits gunicorn's workers)."""
    app = app or current_app._get_current_object()
    if app.extensions.get("alert_worker") or not app.config["ALERT_WORKER"]:
        return
    with _started:
        if not app.extensions.get("alert_worker"):
            app.extensions["alert_worker"] = Worker(app).start()

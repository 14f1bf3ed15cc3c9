"""Deliveries follow the Standard Webhooks specification, checked with the standardwebhooks
package a receiver would use: the id, the timestamp and the body signed together, so a
captured alert cannot be replayed as another; targets made before keep their old headers;
a receiver that answers 410 Gone is paused."""
import json

import pytest
from standardwebhooks.webhooks import Webhook as Receiving
from standardwebhooks.webhooks import WebhookVerificationError

from widget_server import outbox, webhooks
from widget_server.alert_models import Delivery, Webhook

from .receiver import Receiver

LOOPBACK = ("127.0.0.0/8",)


@pytest.fixture
def app(app):
    app.config["ALERT_ALLOWED_NETWORKS"] = LOOPBACK
    return app


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def deliver_test_alert(app, hook):
    webhooks.enqueue_test(hook)
    outbox.deliver_due(app.config)


def test_a_delivery_verifies_with_the_standard_webhooks_package(app, site, receiver):
    hook = webhooks.create_webhook(site, receiver.url, "any", allowed_networks=LOOPBACK)
    deliver_test_alert(app, hook)

    (_, headers, body), = receiver.received

    assert Receiving(hook.secret).verify(body, headers)["alert_id"] == headers["webhook-id"]
    assert "x-ces-signature" not in headers  # a new target gets the standard headers only
    with pytest.raises(WebhookVerificationError):
        Receiving("whsec_" + "A" * 32).verify(body, headers)


def test_a_captured_alert_cannot_be_replayed_under_another_id(app, site, receiver):
    hook = webhooks.create_webhook(site, receiver.url, "any", allowed_networks=LOOPBACK)
    deliver_test_alert(app, hook)
    (_, headers, body), = receiver.received

    replayed = {**headers, "webhook-id": "a-new-id-for-the-same-alert"}

    assert Receiving(hook.secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Receiving(hook.secret).verify(body, replayed)


def documented_verify():
    """The standard-library check docs/alerts.md gives receivers, as written there."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "alerts.md").read_text()
    code, = (block for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "def verify(" in block)
    namespace = {}
    exec(code, namespace)
    return namespace["verify"]


@pytest.mark.parametrize("verify", [webhooks.verify, documented_verify()], ids=["server", "docs"])
def test_the_plain_python_check_agrees(app, site, receiver, verify):
    hook = webhooks.create_webhook(site, receiver.url, "any", allowed_networks=LOOPBACK)
    deliver_test_alert(app, hook)
    (_, headers, body), = receiver.received

    assert verify(hook.secret, body, headers)
    assert not verify(hook.secret, body + b" ", headers)
    assert not verify(hook.secret, body, {**headers, "webhook-timestamp": "1000000"})
    # A forged header a receiver must refuse, not crash on.
    assert not verify(hook.secret, body, {**headers, "webhook-signature": "v1,\u00e9t\u00e9"})


def test_a_target_made_before_keeps_its_old_headers_beside_the_new(app, site, receiver):
    hook = Webhook.create(site=site, url=receiver.url, secret="whsec_made-with-token_urlsafe-before-1-2-3",
                          rule="any", legacy_signature=True)
    deliver_test_alert(app, hook)
    (_, headers, body), = receiver.received

    assert webhooks.verify_legacy(hook.secret, body, headers)
    assert headers["x-ces-alert-id"] == headers["webhook-id"] == json.loads(body)["alert_id"]
    assert headers["webhook-signature"].startswith("v1,")


def test_a_receiver_that_answers_gone_pauses_its_target(app, client, site, admin, auth):
    gone = Receiver(statuses=[410])
    try:
        hook = webhooks.create_webhook(site, gone.url, "any", allowed_networks=LOOPBACK)
        deliver_test_alert(app, hook)
    finally:
        gone.close()

    hook = Webhook.get_by_id(hook.id)
    assert (hook.active, Delivery.get().status) == (False, "failed")
    assert "410" in hook.paused_reason
    auth.login()
    assert "paused: the receiver answered 410 Gone" in client.get(f"/admin/sites/{site.key}").text

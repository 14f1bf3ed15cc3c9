"""Webhook alerts: rules, payload, signature, retries and refusals, against a real receiver."""
import datetime
import functools
import json
import threading

import pytest

from widget_server import outbox, webhooks
from widget_server.alert_models import Delivery, Webhook
from widget_server.models import Answer, utcnow

from .helpers import ORIGIN, csrf_token
from .receiver import Receiver

LOOPBACK = ("127.0.0.1/32",)


@pytest.fixture
def app(app, monkeypatch):
    app.config["ALERT_ALLOWED_NETWORKS"] = LOOPBACK
    # These tests are about rules, bodies and retries: their targets send at once, without
    # waiting for a follow-up (test_alert_grace.py tests the wait).
    monkeypatch.setattr(webhooks, "create_webhook", functools.partial(webhooks.create_webhook, grace_seconds=0))
    return app


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


SECRET = "alerts-answer-secret-" + "x" * 12


def answer(client, site, score, key="a", **fields):
    body = {"site": site.key, "id": f"{key:0>20}", "secret": SECRET, "touchpoint": "kb-article",
            "scale": "agreement7", "score": score, "ref": "kb-7", "page": "https://help.example.com/kb/7", **fields}
    response = client.post("/api/v1/answers", data=json.dumps(body), content_type="text/plain",
                           headers={"Origin": ORIGIN})
    assert response.status_code == 201, response.json
    return response.json


def test_a_difficult_answer_is_delivered_signed_with_everything_to_follow_up(app, client, site, receiver):
    hook = webhooks.create_webhook(site, receiver.url, "difficult", allowed_networks=LOOPBACK)
    answer(client, site, 2, customer="c-42", agent="nora-bot", conversation="conv-9", meta={"plan": "pro"})

    assert outbox.deliver_due(app.config) == 1

    (status, headers, body), = receiver.received
    assert webhooks.verify(hook.secret, body, headers)
    assert not webhooks.verify(webhooks.new_secret(), body, headers)
    alert = json.loads(body)
    assert alert["alert_id"] == headers["webhook-id"] and alert["event"] == "answer.difficult"
    assert alert["site"] == {"key": site.key, "name": "Help centre"}
    assert {key: alert["answer"][key] for key in ("touchpoint", "ref", "page_url", "score", "class", "customer",
                                                   "agent", "conversation", "meta")} == {
        "touchpoint": "kb-article", "ref": "kb-7", "page_url": "https://help.example.com/kb/7", "score": 2,
        "class": "difficult", "customer": "c-42", "agent": "nora-bot", "conversation": "conv-9", "meta": {"plan": "pro"}}
    assert alert["admin_url"].startswith("http://127.0.0.1:5000/admin/answers?site=")
    assert Delivery.get().status == "delivered"


def test_an_old_or_tampered_alert_does_not_verify(site):
    hook = Webhook(secret=webhooks.new_secret())
    body = b'{"alert_id": "x"}'
    headers = webhooks.signature_headers(hook, "x", body, timestamp=1_000_000)

    assert webhooks.verify(hook.secret, body, headers, now=1_000_100)
    assert not webhooks.verify(hook.secret, body, headers, now=1_000_000 + 301)
    assert not webhooks.verify(hook.secret, body + b" ", headers, now=1_000_100)
    assert not webhooks.verify(hook.secret, body, {**headers, "webhook-id": "y"}, now=1_000_100)


def test_a_failing_receiver_is_retried_and_gets_exactly_one_success(app, client, site):
    receiver = Receiver(statuses=[500])
    try:
        webhooks.create_webhook(site, receiver.url, "difficult", allowed_networks=LOOPBACK)
        answer(client, site, 1)

        outbox.deliver_due(app.config)
        delivery = Delivery.get()
        assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
        assert "HTTP 500" in delivery.last_error
        assert delivery.next_attempt_at > utcnow()
        assert outbox.deliver_due(app.config) == 0  # not due yet

        Delivery.update(next_attempt_at=utcnow()).execute()  # the pause has passed
        outbox.deliver_due(app.config)
        outbox.deliver_due(app.config)

        assert [entry[0] for entry in receiver.received] == [500, 200]
        assert receiver.received[0][1]["webhook-id"] == receiver.received[1][1]["webhook-id"]
        assert (Delivery.get().status, Delivery.get().attempts) == ("delivered", 2)
    finally:
        receiver.close()


def test_a_delivery_gives_up_after_the_last_attempt(app, client, site):
    receiver = Receiver(statuses=[503] * 20)
    try:
        webhooks.create_webhook(site, receiver.url, "any", allowed_networks=LOOPBACK)
        answer(client, site, 7)
        for _ in range(len(outbox.BACKOFF_SECONDS) + 3):
            Delivery.update(next_attempt_at=utcnow()).execute()
            outbox.deliver_due(app.config)

        assert (Delivery.get().status, Delivery.get().attempts) == ("failed", len(outbox.BACKOFF_SECONDS) + 1)
    finally:
        receiver.close()


@pytest.mark.parametrize(
    ("rule", "threshold", "touchpoint", "scores_alerted"),
    [("difficult", None, "", [1, 3]), ("score_at_most", 20, "", [1]), ("any", None, "", [1, 3, 4, 7]),
     ("difficult", None, "self-service", [])],
)
def test_rules_decide_which_answers_alert(app, client, site, receiver, rule, threshold, touchpoint, scores_alerted):
    webhooks.create_webhook(site, receiver.url, rule, threshold, touchpoint, allowed_networks=LOOPBACK)
    for score in (1, 3, 4, 7):
        answer(client, site, score, key=f"s{score}")

    outbox.deliver_due(app.config)

    assert sorted(json.loads(body)["answer"]["score"] for _, _, body in receiver.received) == scores_alerted


def test_a_comment_rule_fires_once_when_the_follow_up_brings_the_comment(app, client, site, receiver):
    webhooks.create_webhook(site, receiver.url, "comment", allowed_networks=LOOPBACK)
    given = answer(client, site, 6)
    assert Delivery.select().count() == 0

    # The follow-up, and a retry of it (its response was lost): one alert.
    for _ in range(2):
        response = client.post(f"/api/v1/answers/{given['id']}/follow-up", content_type="text/plain",
                               headers={"Origin": ORIGIN},
                               data=json.dumps({"site": site.key, "secret": SECRET, "comment": "Great article"}))
        assert response.status_code == 200
    outbox.deliver_due(app.config)

    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0][2])["answer"]["comment"] == "Great article"


def test_slack_text_shows_customers_words_as_words(app, client, site, receiver):
    """A stranger's comment must not ping the channel, disguise a link or leave the quote."""
    webhooks.create_webhook(site, receiver.url, "difficult", format="slack", allowed_networks=LOOPBACK)
    answer(client, site, 1, customer="<!here>", ref="<https://evil.example|kb-7>",
           comment="<!channel> Urgent\n*<https://evil.example/login|Log in again>* & more")

    outbox.deliver_due(app.config)

    text = json.loads(receiver.received[0][2])["text"]
    assert "<!here>" not in text and "<!channel>" not in text and "<https://evil.example" not in text
    assert "&lt;!channel&gt; Urgent" in text and "&amp; more" in text
    assert "\n> *&lt;https://evil.example/login|Log in again&gt;*" in text  # every line of the comment quoted
    assert text.endswith("|Open in the admin>")


def test_slack_format_posts_text(app, client, site, receiver):
    webhooks.create_webhook(site, receiver.url, "difficult", format="slack", allowed_networks=LOOPBACK)
    answer(client, site, 1, customer="c-1", comment="No luck")

    outbox.deliver_due(app.config)

    text = json.loads(receiver.received[0][2])["text"]
    assert text.startswith("Difficult answer on Help centre: 1 on agreement7 (kb-article · kb-7 · customer c-1)")
    assert "> No luck" in text and "|Open in the admin>" in text


def test_a_test_alert_carries_no_answer(app, site, receiver):
    hook = webhooks.create_webhook(site, receiver.url, allowed_networks=LOOPBACK)
    webhooks.enqueue_test(hook)

    outbox.deliver_due(app.config)

    alert = json.loads(receiver.received[0][2])
    assert (alert["event"], alert["answer"]) == ("test", None)


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://example.com/hook", "http:// or https://"), ("http://127.0.0.1:9/hook", "loopback"),
     ("http://10.1.2.3/hook", "private"), ("http://169.254.169.254/latest", "link-local"), ("http://[::1]/x", "loopback"),
     ("http://0.0.0.0/x", "private"), ("http://no-such-host.invalid/x", "cannot be resolved"), ("javascript:alert(1)", "http")],
)
def test_targets_that_are_not_public_http_are_refused(site, url, message):
    with pytest.raises(webhooks.WebhookError, match=message):
        webhooks.create_webhook(site, url)


def test_answering_never_waits_for_the_receiver(app, client, site):
    webhooks.create_webhook(site, "http://127.0.0.1:9/never", allowed_networks=LOOPBACK)

    started = datetime.datetime.now()
    answer(client, site, 1)

    assert (datetime.datetime.now() - started).total_seconds() < 2
    assert Delivery.get().attempts == 0  # queued, not sent in the request
    assert Answer.select().count() == 1


def test_the_alerts_admin_link_opens_that_answer(app, client, site, receiver, admin, auth):
    webhooks.create_webhook(site, receiver.url, allowed_networks=LOOPBACK)
    answer(client, site, 1, key="first", comment="the one")
    answer(client, site, 1, key="second", comment="another")
    outbox.deliver_due(app.config)
    link = json.loads(receiver.received[0][2])["admin_url"].removeprefix("http://127.0.0.1:5000")

    auth.login()
    page = client.get(link).text

    assert "the one" in page and "another" not in page


def test_alert_targets_are_managed_in_the_admin(app, client, site, admin, receiver, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login()
    page = f"/admin/sites/{site.key}"
    csrf = csrf_token(client, page)

    refused = client.post(f"{page}/webhooks", data={"csrf_token": csrf, "url": "http://10.0.0.5/hook", "rule": "difficult"})
    shown = client.post(f"{page}/webhooks", data={"csrf_token": csrf, "url": receiver.url, "rule": "score_at_most",
                                                  "threshold": "25", "format": "slack"}).text
    hook = Webhook.get()
    client.post(f"{page}/webhooks/{hook.id}/test", data={"csrf_token": csrf})
    outbox.deliver_due(app.config)
    delivered = client.get(page).text
    client.post(f"{page}/webhooks/{hook.id}/active", data={"csrf_token": csrf})
    paused = Webhook.get_by_id(hook.id).active
    client.post(f"{page}/webhooks/{hook.id}/delete", data={"csrf_token": csrf})

    assert refused.status_code == 400 and "private" in refused.text
    assert hook.secret in shown and hook.secret not in client.get(page).text
    assert (hook.rule, hook.threshold, hook.format) == ("score_at_most", 25, "slack")
    assert "Test alert" in json.loads(receiver.received[0][2])["text"]
    assert "status-delivered" in delivered
    assert paused is False and Webhook.select().count() == 0 and Delivery.select().count() == 0


def test_answers_stored_while_the_worker_sends_do_not_stop_its_round(app, client, site, receiver, monkeypatch):
    hook = webhooks.create_webhook(site, receiver.url, "any", allowed_networks=LOOPBACK, grace_seconds=0)
    for number in range(3):
        Delivery.create(webhook=hook, answer=None)  # three queued test alerts
    sent = outbox.attempt

    def attempt_while_a_customer_answers(delivery, config):
        sent(delivery, config)
        # Another request, on a connection of its own, stores an answer between two of the
        # round's deliveries.
        other = threading.Thread(target=answer, args=(app.test_client(), site, 7), kwargs={"key": f"w{delivery.id}"})
        other.start()
        other.join()

    monkeypatch.setattr(outbox, "attempt", attempt_while_a_customer_answers)

    assert outbox.deliver_due(app.config) == 3
    assert Delivery.select().where(Delivery.status == "delivered", Delivery.answer.is_null()).count() == 3

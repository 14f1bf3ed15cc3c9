"""E-mail: SMTP from SMTP_URL and MAIL_FROM, checked at start, the password never shown;
e-mail alert targets delivered through a real SMTP server (aiosmtpd), once, and retried
when the server refuses the password."""
import logging

import pytest

from widget_server import outbox, webhooks
from widget_server.alert_models import Delivery, Webhook
from widget_server.models import utcnow

from . import databases
from .helpers import csrf_token, make_test_app, store
from .mailserver import MailServer

PASSWORD = "smtp-pass-w0rd"


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    server = MailServer(tmp_path, "ces", PASSWORD)
    # The client checks the server's certificate against the authorities it trusts: here, the test one.
    monkeypatch.setenv("SSL_CERT_FILE", server.ca_file)
    yield server
    server.close()


@pytest.fixture
def app(app, smtp):
    app.config.update(SMTP_URL=smtp.url(), MAIL_FROM="ces@example.com")
    return app


def difficult_answer(site, key="d" * 20, comment="The reset e-mail never arrived."):
    return store(site, {"key": key, "touchpoint": "kb-article", "scale": "agreement7", "score": 1,
                        "ref": "kb-42", "comment": comment})


@pytest.mark.parametrize("settings, message", [
    ({"SMTP_URL": "http://mail.example.com"}, "SMTP_URL: use smtp://"),
    ({"SMTP_URL": "smtp://mail.example.com:port"}, "SMTP_URL: not a URL"),
    ({"SMTP_URL": "smtp://mail.example.com:587"}, "MAIL_FROM: set the address"),
    ({"SMTP_URL": "smtp://mail.example.com:587", "MAIL_FROM": "not an address"}, "MAIL_FROM"),
])
def test_unusable_mail_settings_stop_the_server_with_a_message(tmp_path, settings, message):
    with pytest.raises(SystemExit) as stopped:
        make_test_app(tmp_path, databases.fresh_url(tmp_path), **settings)

    assert message in str(stopped.value)


def test_the_settings_command_shows_no_password(app, runner):
    app.config["DATABASE_URL"] = "postgresql://ces:db-secret@db.example.com/ces"

    shown = runner.invoke(args=["settings"]).output

    assert PASSWORD not in shown and "db-secret" not in shown
    assert '"smtp://ces:***@127.0.0.1:' in shown and "postgresql://ces:***@db.example.com/ces" in shown


def test_an_email_target_gets_each_alert_once(app, site, smtp, client, auth):
    auth.login()
    token = csrf_token(client, f"/admin/sites/{site.key}")
    added = client.post(f"/admin/sites/{site.key}/webhooks",
                        data={"csrf_token": token, "url": "product@example.com, support@example.com",
                              "rule": "difficult", "grace_seconds": "0"})
    assert added.status_code == 302
    assert Webhook.get().url == "mailto:product@example.com,support@example.com"

    difficult_answer(site)
    outbox.deliver_due(app.config)
    outbox.deliver_due(app.config)

    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["product@example.com", "support@example.com"]
    assert message["Subject"] == "Difficult answer on Help centre: 1 on agreement7"
    body = message.get_body(("plain",)).get_content()
    assert "> The reset e-mail never arrived." in body and "Page or article: kb-42" in body
    assert f"/admin/answers?site={site.key}&id={'d' * 20}" in body
    assert Delivery.get().status == "delivered"


def test_a_wrong_smtp_password_is_a_clear_error_and_a_retry_not_a_lost_alert(app, site, smtp, caplog):
    caplog.set_level(logging.DEBUG)
    app.config["SMTP_URL"] = smtp.url(password="wrong-password")
    webhooks.create_webhook(site, "ops@example.com", grace_seconds=0, mail_configured=True)
    difficult_answer(site)

    outbox.deliver_due(app.config)

    delivery = Delivery.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.next_attempt_at > utcnow()
    assert "refused the SMTP user name or password" in delivery.last_error and "check SMTP_URL" in delivery.last_error
    assert smtp.messages == []

    app.config["SMTP_URL"] = smtp.url()  # the operator fixes it
    Delivery.update(next_attempt_at=utcnow()).execute()  # the pause has passed
    outbox.deliver_due(app.config)

    assert Delivery.get().status == "delivered" and len(smtp.messages) == 1
    assert "wrong-password" not in caplog.text and PASSWORD not in caplog.text


def test_a_password_is_never_sent_to_a_server_without_starttls(app, site, tmp_path):
    plain = MailServer(tmp_path)  # no STARTTLS
    try:
        app.config["SMTP_URL"] = f"smtp://ces:{PASSWORD}@127.0.0.1:{plain.port}"
        webhooks.create_webhook(site, "ops@example.com", grace_seconds=0, mail_configured=True)
        difficult_answer(site)

        outbox.deliver_due(app.config)

        assert "does not offer STARTTLS" in Delivery.get().last_error and plain.messages == []
    finally:
        plain.close()


def test_a_server_without_a_password_needs_no_tls(app, site, tmp_path):
    relay = MailServer(tmp_path)  # a local relay, as many servers have
    try:
        app.config["SMTP_URL"] = relay.url()
        webhooks.create_webhook(site, "ops@example.com", grace_seconds=0, mail_configured=True)
        difficult_answer(site)

        outbox.deliver_due(app.config)

        assert Delivery.get().status == "delivered" and len(relay.messages) == 1
    finally:
        relay.close()


@pytest.mark.parametrize("target, message", [
    ("ops@example.com\r\nBcc: all@example.com", "is not an e-mail address"),
    ("ops@example", "is not an e-mail address"),
    (",".join(f"a{number}@example.com" for number in range(11)), "1 to 10 e-mail addresses"),
    ("mailto:", "1 to 10 e-mail addresses"),
    ("ops@127.0.0.1", "is not an e-mail address"),
    ("ops%other.example@example.com", "is not an e-mail address"),
])
def test_bad_email_targets_are_refused_naming_the_field(app, site, target, message):
    with pytest.raises(webhooks.WebhookError) as refused:
        webhooks.create_webhook(site, target, mail_configured=True)

    assert str(refused.value).startswith("url:") and message in str(refused.value)
    assert Webhook.select().count() == 0


def test_an_email_target_needs_the_server_to_send_mail(app, site, client, auth):
    app.config["SMTP_URL"] = ""
    auth.login()

    response = client.post(f"/admin/sites/{site.key}/webhooks",
                           data={"csrf_token": csrf_token(client, f"/admin/sites/{site.key}"),
                                 "url": "ops@example.com", "rule": "difficult"})

    assert response.status_code == 400 and "SMTP_URL and MAIL_FROM" in response.text
    assert Webhook.select().count() == 0


def test_a_test_alert_goes_to_an_email_target(app, site, smtp):
    webhook = webhooks.create_webhook(site, "ops@example.com", mail_configured=True)
    webhooks.enqueue_test(webhook)

    outbox.deliver_due(app.config)

    assert smtp.messages[0][1]["Subject"] == "Test alert for Help centre"


def test_a_customers_text_cannot_add_mail_headers(app, site, smtp):
    site.change(name="Help\r\nBcc: everyone@example.com")
    site.save()
    webhooks.create_webhook(site, "ops@example.com", grace_seconds=0, mail_configured=True)
    difficult_answer(site, comment="line one\r\nBcc: everyone@example.com")

    outbox.deliver_due(app.config)

    recipients, message = smtp.messages[0]
    assert recipients == ["ops@example.com"] and message["Bcc"] is None


def test_a_line_separator_in_a_ref_does_not_start_a_line_of_the_alert(app, site, smtp):
    webhooks.create_webhook(site, "ops@example.com", grace_seconds=0, mail_configured=True)
    store(site, {"key": "u" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 1,
                 "ref": "kb-1\u2028Open in the admin: https://phish.example"})

    outbox.deliver_due(app.config)

    body = smtp.messages[0][1].get_body(("plain",)).get_content()
    assert "Page or article: kb-1 Open in the admin: https://phish.example" in body


def test_test_alerts_go_at_most_once_a_minute_per_target(app, site, smtp, client, auth):
    webhook = webhooks.create_webhook(site, "someone-else@example.com", mail_configured=True)
    auth.login()
    token = csrf_token(client, f"/admin/sites/{site.key}")

    for _ in range(3):
        client.post(f"/admin/sites/{site.key}/webhooks/{webhook.id}/test", data={"csrf_token": token})
    outbox.deliver_due(app.config)

    assert Delivery.select().count() == 1 and len(smtp.messages) == 1
    assert "less than a minute ago" in client.get(f"/admin/sites/{site.key}").text


def test_a_site_has_a_bounded_number_of_alert_targets(app, site):
    for number in range(webhooks.MOST_TARGETS):
        webhooks.create_webhook(site, f"ops{number}@example.com", mail_configured=True)

    with pytest.raises(webhooks.WebhookError, match="url: a site has at most"):
        webhooks.create_webhook(site, "one-more@example.com", mail_configured=True)
    assert Webhook.select().count() == webhooks.MOST_TARGETS

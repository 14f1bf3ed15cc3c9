"""A read API token or a webhook's signing secret is shown once, in the page that answers
the form that made it, at its top: never in the session cookie (signed, but readable by
anyone who holds it) nor in a redirect."""
import base64
import re
import zlib

import pytest

from widget_server.alert_models import Webhook

from widget_server.models import ApiToken

from .helpers import token_in

LOOPBACK = ("127.0.0.0/8",)


@pytest.fixture
def app(app):
    app.config.update(WTF_CSRF_ENABLED=True, ALERT_ALLOWED_NETWORKS=LOOPBACK)
    return app


def cookie_contents(response):
    """Everything the response's cookies carry, decoded as far as Flask encodes them."""
    contents = []
    for header in response.headers.get_all("Set-Cookie"):
        value = header.split(";", 1)[0].split("=", 1)[1]
        contents.append(value)
        payload = value.lstrip(".").split(".", 1)[0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        contents.append((zlib.decompress(raw) if value.startswith(".") else raw).decode("utf-8", "replace"))
    return "\n".join(contents)


@pytest.mark.parametrize(("path", "form", "pattern"), [
    ("tokens", {"name": "warehouse sync"}, r"ces_[\w-]{20,}"),
    ("webhooks", {"url": "http://127.0.0.1:9/hook", "rule": "difficult"}, r"whsec_[A-Za-z0-9+/=]{20,}"),
])
def test_a_one_time_secret_is_in_the_page_that_made_it_and_nowhere_else(client, admin, site, path, form, pattern, auth):
    auth.login()
    page = client.get(f"/admin/sites/{site.key}").text
    csrf = token_in(page)

    made = client.post(f"/admin/sites/{site.key}/{path}", data={**form, "csrf_token": csrf})

    assert made.status_code == 200  # the page itself, not a redirect to it
    shown = re.search(r'<section class="one-time"[^>]*>.*?<code id="one-time-value">(' + pattern + r")</code>",
                      made.text, re.S)
    assert shown, made.text[:2000]
    secret = shown[1]
    # Near the top: before the page's first section heading.
    assert made.text.index('class="one-time"') < made.text.index("<h2")
    assert 'data-copy="one-time-value"' in made.text
    assert secret not in cookie_contents(made)
    assert secret not in client.get(f"/admin/sites/{site.key}").text
    stored = ApiToken.get().token_hash if path == "tokens" else Webhook.get().secret
    assert stored  # kept as its hash (tokens) or for signing (secrets), never shown again


@pytest.mark.parametrize("action", ["active", "delete"])
def test_a_targets_url_stays_out_of_the_cookie(client, admin, site, action, auth):
    # Receiver URLs often carry a token of their own (Slack's do, in the path).
    url = "http://127.0.0.1:9/services/T000/B000/XXXXsecretpart?tok=abc123"
    hook = Webhook.create(site=site, url=url, secret="whsec_x", rule="any")
    auth.login()
    page = client.get(f"/admin/sites/{site.key}").text
    csrf = token_in(page)

    done = client.post(f"/admin/sites/{site.key}/webhooks/{hook.id}/{action}", data={"csrf_token": csrf})

    assert done.status_code == 302
    assert "XXXXsecretpart" not in cookie_contents(done) and "abc123" not in cookie_contents(done)


def test_a_privacy_deletion_keeps_the_customer_id_out_of_the_cookie(client, admin, site, auth):
    auth.login()
    page = client.get("/admin/sites/").text
    csrf = token_in(page)

    done = client.post("/admin/sites/privacy", data={"customer": "jane.doe@example.com", "confirm": "yes",
                                                     "csrf_token": csrf})

    assert done.status_code == 302
    assert "jane.doe" not in cookie_contents(done)

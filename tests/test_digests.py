"""E-mail digests through a real SMTP server (aiosmtpd): the right figures for a hand-made
week, at the admin's hour in the site's time zone, once per period across a restart and
with two servers running, and an unsubscribe link that needs no login."""
import datetime
import re
import time

import pytest

from widget_server import digests
from widget_server.digests import DigestSend
from widget_server.models import AdminUser, Site

from .helpers import csrf_token, store
from .live import LiveServer
from .mailserver import MailServer

# Monday 30 November 2026, 07:30 UTC: 08:30 in Amsterdam (UTC+1 in winter).
MONDAY = datetime.datetime(2026, 11, 30, 7, 30)


@pytest.fixture
def relay(tmp_path):
    server = MailServer(tmp_path)
    yield server
    server.close()


@pytest.fixture
def app(app, relay):
    app.config.update(SMTP_URL=relay.url(), MAIL_FROM="ces@example.com", PUBLIC_URL="https://ces.example.com",
                      HOTSPOT_MIN_ANSWERS=1)
    return app


def answer(site, number, when, ref, score, comment=""):
    store(site, {"key": f"a{number:0>19}", "touchpoint": "kb-article", "scale": "agreement7", "score": score,
                 "ref": ref, "comment": comment, "created_at": datetime.datetime.fromisoformat(when)})


@pytest.fixture
def week(app, site):
    """Help centre in Amsterdam: the week of 23 to 29 November, local days, and the one before."""
    site.change(time_zone="Europe/Amsterdam")
    site.save()
    rows = [
        ("2026-11-22 23:30", "kb-42", 1, "c1 first of the week"),  # 00:30 on the 23rd in Amsterdam
        ("2026-11-24 10:00", "kb-42", 1, "c2 no reset link"),
        ("2026-11-26 10:00", "kb-42", 1, "c3 the form lost my text"),
        ("2026-11-29 22:30", "kb-42", 1, "c4 last of the week"),  # 23:30 on the 29th
        ("2026-11-25 10:00", "kb-42", 7, ""),
        *[(f"2026-11-25 11:0{n}", "kb-7", 7, "") for n in range(5)],
        ("2026-11-29 23:30", "kb-42", 1, "too-late: Monday in Amsterdam"),
        ("2026-11-17 10:00", "kb-42", 1, "c0 of the earlier week"),
        *[(f"2026-11-18 10:0{n}", "kb-42", 7, "") for n in range(4)],
    ]
    for number, (when, ref, score, comment) in enumerate(rows):
        answer(site, number, when, ref, score, comment)
    return site


def send_due(app, now):
    # As the server's worker does it: in the app's context, which renders the e-mails.
    with app.app_context():
        return digests.send_due(app.config, now=now)


def subscribe(username, role, sites, digest="weekly", hour=8):
    admin = AdminUser.add(username, "a long enough password", role, sites)
    admin.subscribe(f"{username}@example.com", digest, hour)
    return admin


def test_a_weekly_digest_has_the_figures_of_the_week(app, week, relay):
    subscribe("vera", "viewer", [week])

    send_due(app, now=MONDAY)

    assert len(relay.messages) == 1
    recipients, message = relay.messages[0]
    assert recipients == ["vera@example.com"]
    assert message["Subject"] == "Weekly CES digest for Help centre: 23 Nov – 29 Nov 2026"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "(Europe/Amsterdam), against the week before" in text
    assert "Answers: 10 (+5, within noise)" in text
    assert "Difficult: 40.0% (+20.0, within noise)" in text
    assert "kb-42 (kb-article): 80% difficult of 5, +60 pts" in text
    assert "kb-7" not in text  # no difficult answer: not a hard place
    assert "29 Nov 23:30, kb-42" in text  # the comment's time in the site's zone
    assert "New difficult comments: 4" in text
    for shown in ("c4 last of the week", "c3 the form lost my text", "c2 no reset link"):
        assert shown in text and shown in html
    for hidden in ("c1 first of the week", "too-late", "c0 of the earlier week"):
        assert hidden not in text and hidden not in html
    period = f"site={week.key}&amp;from=2026-11-23&amp;to=2026-11-29"
    assert f'href="https://ces.example.com/admin/?{period}"' in html
    assert re.search(r'href="https://ces.example.com/admin/hot-spot\?place=kb-42&amp;site=', html)
    assert "<script" not in html and "<style" not in html
    assert message["List-Unsubscribe"].startswith("<https://ces.example.com/digest/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_daily_digest_has_the_day_before(app, week, relay):
    subscribe("vera", "viewer", [week], digest="daily")

    send_due(app, now=MONDAY)

    text = relay.messages[0][1].get_body(("plain",)).get_content()
    assert relay.messages[0][1]["Subject"] == "Daily CES digest for Help centre: 29 Nov 2026"
    assert "Answers: 1 (" in text and "c4 last of the week" in text and "c3 the form lost my text" not in text


@pytest.mark.parametrize("now, sent", [
    (datetime.datetime(2026, 11, 30, 6, 59), 0),  # 07:59 in Amsterdam: before the hour
    (datetime.datetime(2026, 11, 30, 7, 0), 1),  # 08:00 there
    (datetime.datetime(2026, 11, 30, 22, 59), 1),  # still Monday there
    (datetime.datetime(2026, 11, 30, 23, 0), 0),  # Tuesday there: a missed week is not sent late
    (datetime.datetime(2026, 11, 29, 7, 30), 0),  # a Sunday
])
def test_a_digest_is_due_at_the_admins_hour_in_the_sites_time_zone(app, week, relay, now, sent):
    subscribe("vera", "viewer", [week])

    send_due(app, now=now)

    assert len(relay.messages) == sent


def test_each_admin_gets_the_sites_they_may_see(app, week, relay):
    bank = Site.create_with_key("Secret Bank", ["https://bank.example"])
    subscribe("vera", "viewer", [week])
    subscribe("olivia-owner", "owner", [], hour=7)  # 07:00 in UTC, the bank's zone; 07:00 in Amsterdam

    send_due(app, now=MONDAY)

    sent = sorted((recipients[0], message["Subject"].split(" for ")[1].split(":")[0])
                  for recipients, message in relay.messages)
    assert sent == [("olivia-owner@example.com", "Help centre"), ("olivia-owner@example.com", bank.name),
                    ("vera@example.com", "Help centre")]


def test_sending_again_in_the_same_period_sends_nothing(app, week, relay):
    subscribe("vera", "viewer", [week])

    send_due(app, now=MONDAY)
    send_due(app, now=MONDAY + datetime.timedelta(hours=3))

    assert len(relay.messages) == 1 and DigestSend.get().status == "sent"


def test_a_refused_digest_is_retried_not_lost(app, week, relay, tmp_path):
    subscribe("vera", "viewer", [week])
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"  # nothing listens

    send_due(app, now=MONDAY)

    row = DigestSend.get()
    assert (row.status, row.attempts) == ("pending", 1) and "127.0.0.1:1" in row.last_error
    app.config["SMTP_URL"] = relay.url()
    send_due(app, now=row.next_attempt_at + datetime.timedelta(seconds=1))
    assert len(relay.messages) == 1 and DigestSend.get().status == "sent"


def test_a_digest_due_for_someone_who_lost_the_site_is_not_sent(app, week, relay):
    vera = subscribe("vera", "viewer", [week])
    digests.queue_due(MONDAY)
    vera.give("viewer", [])  # the owner takes the site away before the worker sends it

    send_due(app, now=MONDAY)

    assert relay.messages == [] and DigestSend.get().status == "skipped"


def unsubscribe_path(message):
    return message["List-Unsubscribe"].strip("<>").removeprefix("https://ces.example.com")


def test_the_unsubscribe_link_asks_then_stops_the_digests_without_a_login(app, week, relay, client):
    subscribe("vera", "viewer", [week])
    send_due(app, now=MONDAY)
    path = unsubscribe_path(relay.messages[0][1])

    asked = client.get(path)  # a mail scanner opening the link changes nothing
    assert asked.status_code == 200 and "Unsubscribe" in asked.text
    assert AdminUser.get(AdminUser.username == "vera").digest == "weekly"

    done = client.post(path)

    assert done.status_code == 200 and "gets no more digests" in done.text
    assert AdminUser.get(AdminUser.username == "vera").digest == ""


def test_a_mail_clients_one_click_unsubscribe_works(app, week, relay, client):
    app.config["WTF_CSRF_ENABLED"] = True
    subscribe("vera", "viewer", [week])
    send_due(app, now=MONDAY)

    response = client.post(unsubscribe_path(relay.messages[0][1]), data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and AdminUser.get(AdminUser.username == "vera").digest == ""


def test_a_forged_or_stale_unsubscribe_link_changes_nothing(app, week, relay, client):
    vera = subscribe("vera", "viewer", [week])
    send_due(app, now=MONDAY)
    path = unsubscribe_path(relay.messages[0][1])
    token = path.rsplit("/", 1)[1]
    other = subscribe("olivia-owner", "owner", [])

    forged = client.post(path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")))
    # A link of an admin removed, and another made later under the same id on SQLite.
    vera.remove()
    stale = client.post(path)

    assert forged.status_code == 404 and stale.status_code == 404
    assert AdminUser.get_by_id(other.id).digest == "weekly"


def test_the_account_page_subscribes_and_names_a_bad_field(app, site, admin, client, auth):
    auth.login()
    token = csrf_token(client, "/admin/account")

    refused = client.post("/admin/account", data={"csrf_token": token, "email": "not an address", "digest": "weekly",
                                                  "digest_hour": "8"})
    saved = client.post("/admin/account", data={"csrf_token": token, "email": "olivia@example.com",
                                                "digest": "weekly", "digest_hour": "7"})

    assert refused.status_code == 400 and 'id="error-email"' in refused.text
    assert saved.status_code == 302
    olivia = AdminUser.get_by_id(admin.id)
    assert (olivia.email, olivia.digest, olivia.digest_hour) == ("olivia@example.com", "weekly", 7)


def test_digest_send_prints_or_sends_one_now(app, week, relay, runner):
    subscribe("vera", "viewer", [week])

    printed = runner.invoke(args=["digest", "send", "--dry-run"])
    sent = runner.invoke(args=["digest", "send", "--admin", "vera"])

    assert printed.exit_code == 0 and "Subject: Weekly CES digest for Help centre" in printed.output
    assert "New difficult comments:" in printed.output
    assert sent.exit_code == 0 and len(relay.messages) == 1
    assert DigestSend.select().count() == 0  # the scheduled one still goes


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_two_servers_and_a_restart_send_each_digest_once(tmp_path, relay):
    settings = {"SMTP_URL": relay.url(), "MAIL_FROM": "ces@example.com", "ALERT_WORKER": "1"}
    first = LiveServer(tmp_path, **settings)
    second = LiveServer(tmp_path, **settings)
    second.env.update(DATABASE_URL=first.env["DATABASE_URL"], INSTANCE_PATH=first.env["INSTANCE_PATH"])

    def subscribed_admin():
        site = Site.create_with_key("Help", ["https://help.example.com"])
        subscribe("vera", "viewer", [site], digest="daily", hour=0)  # due from midnight, UTC

    first.in_app(subscribed_admin)
    try:
        first.start()
        second.start()
        wait_until(lambda: first.rows("SELECT status FROM digestsend") == [{"status": "sent"}])
        first.stop()
        first.start()  # a restart: its worker looks again at once
        time.sleep(4)
    finally:
        for server in (first, second):
            if server.process and server.process.poll() is None:
                server.stop()

    subjects = [message["Subject"] for _, message in relay.messages]
    # One per period (a test running across midnight would see two periods, each once).
    assert subjects and len(subjects) == len(set(subjects)) == len(first.rows("SELECT id FROM digestsend"))

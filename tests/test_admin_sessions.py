"""Admin sessions and logins against a running server, from more than one client address:
sessions end at logout and at a password change, a stranger's wrong passwords cannot lock
the admin out, and a login takes as long for an unknown name as for a known one."""
import http.client
import statistics
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from widget_server.models import AdminUser

from .helpers import token_in
from .live import LiveServer

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("sessions"), LOGIN_RATE_LIMIT="5 per 15 minutes")
    live.start()

    def add_admins():
        for name in ("olivia", "omar"):
            admin = AdminUser(username=name)
            admin.set_password(PASSWORD)
            admin.save()

    live.in_app(add_admins)
    yield live
    live.stop()


class Browser:
    """One client address with its own cookies, talking to the server over real HTTP."""

    def __init__(self, server, address="127.0.0.1"):
        self.port, self.address, self.cookies = server.port, address, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers.get("Location", ""), text

    def log_in(self, username="olivia", password=PASSWORD):
        _, _, page = self.request("GET", "/admin/login")
        token = token_in(page)
        return self.request("POST", "/admin/login", {"username": username, "password": password, "csrf_token": token})

    def can_see_the_admin(self):
        status, location, _ = self.request("GET", "/admin/")
        return status == 200

    def log_out(self):
        _, _, page = self.request("GET", "/admin/")
        token = token_in(page)
        return self.request("POST", "/admin/logout", {"csrf_token": token})


def test_logout_ends_every_earlier_session_of_that_admin(server):
    laptop, phone, colleague = Browser(server), Browser(server), Browser(server)
    for browser, name in ((laptop, "olivia"), (phone, "olivia"), (colleague, "omar")):
        assert browser.log_in(name)[0] == 302
    captured = dict(laptop.cookies)

    laptop.log_out()

    stolen = Browser(server)
    stolen.cookies = captured
    assert not stolen.can_see_the_admin()  # a cookie copied before the logout
    assert not phone.can_see_the_admin()  # the same admin's other session
    assert colleague.can_see_the_admin()  # another admin's session is theirs


def test_a_password_change_ends_the_admins_sessions(server):
    browser = Browser(server)
    browser.log_in("omar")
    assert browser.can_see_the_admin()

    changed = subprocess.run([sys.executable, "-m", "widget_server.cli", "admin", "password", "omar",
                              "--password-stdin"], input=PASSWORD + " new\n", text=True, env=server.env,
                             capture_output=True)

    assert changed.returncode == 0, changed.stderr
    assert not browser.can_see_the_admin()
    assert Browser(server).log_in("omar", PASSWORD + " new")[0] == 302


def test_a_strangers_wrong_passwords_do_not_lock_the_admin_out(server):
    stranger, admin = Browser(server, "127.0.0.2"), Browser(server, "127.0.0.3")

    tries = [stranger.log_in("olivia", f"guess {number}")[0] for number in range(7)]
    arrives = admin.log_in("olivia")

    assert tries[:5] == [401] * 5 and tries[5:] == [429, 429]
    assert arrives[0] == 302 and admin.can_see_the_admin()
    # The stranger stays refused, even with the right password.
    assert stranger.log_in("olivia")[0] == 429


def login_time(server, username, address):
    browser = Browser(server, address)
    _, _, page = browser.request("GET", "/admin/login")
    token = token_in(page)
    started = time.perf_counter()
    status, _, _ = browser.request("POST", "/admin/login", {"username": username, "password": "wrong password",
                                                             "csrf_token": token})
    assert status == 401
    return time.perf_counter() - started


def test_an_unknown_name_takes_as_long_as_a_known_one(server):
    """The password hash is checked for unknown names too, so timing tells no name apart."""
    # Each from an address of its own, under the allowance.
    known = [login_time(server, "olivia", f"127.0.1.{number}") for number in range(9)]
    unknown = [login_time(server, f"nobody-{number}", f"127.0.2.{number}") for number in range(9)]

    assert statistics.median(unknown) > 0.6 * statistics.median(known), (known, unknown)


def cli(server, *args, stdin=None):
    done = subprocess.run([sys.executable, "-m", "widget_server.cli", *args], input=stdin, text=True, env=server.env,
                          capture_output=True)
    assert done.returncode == 0, done.stderr


def test_a_removed_admins_session_does_not_open_the_next_admins_account(server):
    cli(server, "admin", "add", "bob", "--role", "owner", "--password-stdin", stdin=PASSWORD + "\n")
    bob = Browser(server)
    assert bob.log_in("bob")[0] == 302 and bob.can_see_the_admin()

    cli(server, "admin", "remove", "bob")
    # SQLite gives the next row the id bob had.
    cli(server, "admin", "add", "carol", "--role", "owner", "--password-stdin", stdin=PASSWORD + "\n")

    assert not bob.can_see_the_admin()


def test_logins_sent_together_are_counted_all_the_same(server):
    from concurrent.futures import ThreadPoolExecutor

    address = "127.0.4.1"
    tokens = []
    for _ in range(12):
        browser = Browser(server, address)
        _, _, page = browser.request("GET", "/admin/login")
        tokens.append((browser, token_in(page)))

    def guess(pair):
        browser, token = pair
        return browser.request("POST", "/admin/login", {"username": "olivia", "password": "a guess at it",
                                                         "csrf_token": token})[0]

    with ThreadPoolExecutor(len(tokens)) as pool:
        statuses = list(pool.map(guess, tokens))

    # LOGIN_RATE_LIMIT is 5 here: no more wrong passwords are tried than that, however sent.
    assert statuses.count(401) <= 5 and statuses.count(429) >= 7, statuses


def test_a_session_ends_after_admin_session_hours_however_busy(app, client, admin, monkeypatch, auth):
    from widget_server import auth as sessions

    clock = [time.time()]
    monkeypatch.setattr(sessions, "now", lambda: clock[0])
    auth.login()
    hours = app.config["ADMIN_SESSION_HOURS"]
    # Busy all along: a page every half hour refreshes the cookie, not the login.
    for _ in range(hours * 2 - 1):
        clock[0] += 1800
        assert client.get("/admin/").status_code == 200

    clock[0] += 1800
    assert client.get("/admin/").status_code == 302

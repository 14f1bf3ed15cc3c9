"""Where alerts may go: public hosts only, unless ALERT_ALLOWED_NETWORKS says otherwise. A
name is resolved once per attempt, every address it gives is checked (an IPv4 address
inside an IPv6 one as the IPv4 address), and the connection goes to the address checked:
a name that resolves elsewhere the second time (DNS rebinding) reaches nothing new."""
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from widget_server import outbox, webhooks
from widget_server.alert_models import Delivery

from .receiver import Receiver

LOOPBACK = ("127.0.0.0/8",)
real_getaddrinfo = socket.getaddrinfo


class Resolver:
    """Stands in for DNS: each lookup of a name gets the next of its addresses (the last
    one again once they run out); other names resolve as usual."""

    def __init__(self, monkeypatch, **names):
        self.names = {name.replace("_", "-") + ".test": list(addresses) for name, addresses in names.items()}
        self.lookups = []
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in self.names:
            return real_getaddrinfo(host, port, *args, **kwargs)
        self.lookups.append(host)
        answers = self.names[host]
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def test_a_name_that_rebinds_to_loopback_reaches_nothing(app, site, receiver, monkeypatch):
    resolver = Resolver(monkeypatch, rebind_example=["93.184.216.34", "93.184.216.34", "127.0.0.1"])
    port = receiver.url.split(":")[2].split("/")[0]
    hook = webhooks.create_webhook(site, f"http://rebind-example.test:{port}/hooks/ces", "any")
    app.config["ALERT_TIMEOUT_SECONDS"] = 1
    webhooks.enqueue_test(hook)

    outbox.deliver_due(app.config)

    assert receiver.received == []
    assert Delivery.get().status == "pending" and Delivery.get().last_error
    # Looked up at the check when the target was made, and once for the attempt.
    assert resolver.lookups == ["rebind-example.test"] * 2


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(app, site, receiver, monkeypatch):
    resolver = Resolver(monkeypatch, hooks_example=["127.0.0.1"])
    port = receiver.url.split(":")[2].split("/")[0]
    hook = webhooks.create_webhook(site, f"http://hooks-example.test:{port}/hooks/ces", "any",
                                   allowed_networks=LOOPBACK)
    app.config["ALERT_ALLOWED_NETWORKS"] = LOOPBACK
    webhooks.enqueue_test(hook)

    outbox.deliver_due(app.config)

    assert len(receiver.received) == 1
    assert receiver.received[0][1]["host"] == f"hooks-example.test:{port}"
    assert resolver.lookups == ["hooks-example.test"] * 2


@pytest.mark.parametrize("host", ["[::127.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]",
                                  "[64:ff9b:1::a9fe:a9fe]", "[2002:7f00:1::]", "[::ffff:0:a00:1]",
                                  "[::ffff:127.0.0.1]", "[::1]", "127.0.0.1", "169.254.169.254", "10.1.2.3",
                                  # Site-local, local-use NAT64 (whatever its last bits), and
                                  # ranges outside global unicast that Python still calls global.
                                  "[fec0::1]", "[64:ff9b:1:a00:1::808:808]", "[64:ff9b:1::808:808]",
                                  "[::1:7f00:1]", "[5f00::1]"])
def test_private_addresses_in_any_form_are_refused(site, host):
    with pytest.raises(webhooks.WebhookError, match="^url: .*private, loopback or link-local"):
        webhooks.create_webhook(site, f"http://{host}/hook", "any")


@pytest.mark.parametrize("host", ["[64:ff9b::808:808]", "[2002:808:808::]", "8.8.8.8", "[2606:4700::1111]"])
def test_public_addresses_in_those_forms_are_allowed(site, host):
    assert webhooks.create_webhook(site, f"http://{host}/hook", "any").url == f"http://{host}/hook"


@pytest.mark.parametrize(("url", "port"), [("http://[2606:4700::1111]/hook", 80),
                                           ("https://[2606:4700::1111]/hook", 443),
                                           ("http://[2606:4700::1111]:8080/hook", 8080)])
def test_an_ipv6_address_without_a_port_is_reached_on_the_schemes_port(app, site, monkeypatch, url, port):
    dialled = []

    def create_connection(address, timeout=None, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError("not in a test")

    monkeypatch.setattr(outbox.socket, "create_connection", create_connection)
    webhooks.enqueue_test(webhooks.create_webhook(site, url, "any"))

    outbox.deliver_due(app.config)

    assert dialled == [("2606:4700::1111", port)]


@pytest.fixture
def tls_receiver(tmp_path):
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks-tls.test only."""
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=hooks-tls.test", "-addext", "subjectAltName=DNS:hooks-tls.test", "-keyout", str(key),
                    "-out", str(certificate)], check=True, capture_output=True)
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], certificate, received
    server.shutdown()


def test_tls_is_checked_against_the_name_while_connecting_to_the_checked_address(app, site, tls_receiver,
                                                                                monkeypatch):
    port, certificate, received = tls_receiver
    Resolver(monkeypatch, hooks_tls=["127.0.0.1"])
    monkeypatch.setattr(webhooks, "tls_context", lambda: ssl.create_default_context(cafile=str(certificate)))
    hook = webhooks.create_webhook(site, f"https://hooks-tls.test:{port}/ces", "any", allowed_networks=LOOPBACK)
    app.config["ALERT_ALLOWED_NETWORKS"] = LOOPBACK
    webhooks.enqueue_test(hook)

    outbox.deliver_due(app.config)

    assert Delivery.get().status == "delivered", Delivery.get().last_error
    assert received[0][0]["Host"] == f"hooks-tls.test:{port}"


@pytest.fixture
def tarpit():
    """A receiver that accepts the alert and then answers one byte at a time, slowly enough
    that no single read ever times out."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 1000:
                    if stop.wait(0.3):
                        break
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_timeout(app, site, tarpit):
    import time

    app.config.update(ALERT_ALLOWED_NETWORKS=LOOPBACK, ALERT_TIMEOUT_SECONDS=1)
    webhooks.enqueue_test(webhooks.create_webhook(site, tarpit, "any", allowed_networks=LOOPBACK))
    started = time.monotonic()

    outbox.deliver_due(app.config)

    # The timeout bounds the whole attempt, not each read, so one slow receiver cannot hold
    # up every other site's alerts.
    assert time.monotonic() - started < 3
    delivery = Delivery.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error

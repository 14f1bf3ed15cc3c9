"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps the messages it is given: with a
user name and password it offers STARTTLS with a certificate of a test authority (trustme)
and takes the password only over it, as a real submission server does."""
import email
import email.policy
import socket
import ssl
import threading

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self, tmp_path, username="", password=""):
        self.messages = []  # (envelope recipients, the parsed message)
        self.lock = threading.Lock()
        self.username, self.password = username, password
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                with server.lock:
                    server.messages.append((list(envelope.rcpt_tos), parsed))
                return "250 OK"

        options = {}
        if username:
            authority = trustme.CA()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            authority.issue_cert("127.0.0.1").configure_cert(context)
            self.ca_file = str(tmp_path / "smtp-ca.pem")
            authority.cert_pem.write_to_path(self.ca_file)
            options = {"tls_context": context, "authenticator": self.check, "auth_require_tls": True}
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def check(self, smtp, session, envelope, mechanism, auth_data):
        given = (auth_data.login.decode(), auth_data.password.decode())
        # handled=False: aiosmtpd answers a refusal with 535 itself.
        return AuthResult(success=given == (self.username, self.password), handled=False)

    def url(self, password=None):
        if not self.username:
            return f"smtp://127.0.0.1:{self.port}"
        return f"smtp://{self.username}:{password or self.password}@127.0.0.1:{self.port}"

    def close(self):
        self.controller.stop()

"""Sending e-mail through the SMTP server of SMTP_URL, from MAIL_FROM.

`smtp://user:password@host:587` upgrades the connection with STARTTLS (and refuses to send
a password over a connection the server will not encrypt); `smtps://host:465` speaks TLS
from the start; both check the server's certificate against the system's authorities.
The settings are read when the server starts (`check_settings`), so a typo stops it with
a message rather than losing the first alert. The password is never logged or shown
(`widget-server settings` prints it as ***).
"""
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from .models import EMAIL_ADDRESS

SCHEMES = {"smtp": 587, "smtps": 465}


class MailError(Exception):
    """A message that could not be sent; the text says why, without the password."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str
    password: str


def smtp_server(url):
    """The server an SMTP_URL names; ValueError says what is wrong with it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("SMTP_URL: not a URL; use smtp://user:password@host:587 or smtps://user:password@host:465") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("SMTP_URL: use smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS)")
    return SmtpServer(parts.scheme, parts.hostname, port or SCHEMES[parts.scheme],
                      unquote(parts.username or ""), unquote(parts.password or ""))


def check_settings(config):
    """Stop the server with a clear message when SMTP_URL or MAIL_FROM cannot be used."""
    if not config.get("SMTP_URL"):
        return
    try:
        smtp_server(config["SMTP_URL"])
    except ValueError as error:
        raise SystemExit(str(error)) from None
    if not EMAIL_ADDRESS.fullmatch(config.get("MAIL_FROM") or ""):
        raise SystemExit("MAIL_FROM: set the address e-mail is sent from, like ces@example.com "
                         "(SMTP_URL is set, so the server sends e-mail)")


def configured(config):
    return bool(config.get("SMTP_URL"))


def message(config, to, subject, text, html=None, headers=None):
    """An e-mail from MAIL_FROM with a plain-text part and, given, an HTML one."""
    mail = EmailMessage()
    mail["From"] = formataddr(("CES widget", config["MAIL_FROM"]))
    mail["To"] = ", ".join(to)
    # A header cannot hold a line break (it would start another header): a site's name or a
    # ref in the subject is kept on one line.
    mail["Subject"] = " ".join(subject.split())
    mail["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2])
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return mail


def send(config, mail):
    """Send a message; MailError says why it could not go."""
    try:
        server = smtp_server(config["SMTP_URL"] or "")
    except ValueError as error:
        raise MailError(f"e-mail is not set up: {error}") from None
    timeout = config["ALERT_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            connection = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with connection:
            if server.scheme == "smtp":
                connection.ehlo()
                if connection.has_extn("starttls"):
                    connection.starttls(context=context)
                    connection.ehlo()
                elif server.password:
                    raise MailError(f"{server.host} does not offer STARTTLS: the password is not sent unencrypted; "
                                    "use smtps:// or a server that offers STARTTLS")
            if server.username:
                connection.login(server.username, server.password)
            connection.send_message(mail)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"{server.host} refused the SMTP user name or password ({error.smtp_code}): "
                        "check SMTP_URL") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise MailError(f"{server.host} refused every recipient ({', '.join(error.recipients)})") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        raise MailError(f"{server.host}:{server.port}: {error.__class__.__name__}: {error}") from None

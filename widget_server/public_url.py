"""Where customers' browsers reach this server: the base of the script tags, admin links and
alert links the server and the command line print.

PUBLIC_URL says it. Unset, it is the address `widget-server run` or `demo` was last started
on (kept in the instance folder, so `site show` in another terminal prints the same one),
and before any start the default address.
"""
import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT = "http://127.0.0.1:5000"
SERVED_AT = "served-at"


def resolve(configured, instance_path):
    if configured:
        return configured.rstrip("/")
    try:
        return (Path(instance_path) / SERVED_AT).read_text().strip() or DEFAULT
    except OSError:
        return DEFAULT


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def served_url(host, port):
    """The URL a server listening on host:port is reached at; for every address (0.0.0.0)
    this machine's name, the best guess."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def remember(instance_path, url):
    """Keep the address a server was started on for commands run beside it; written aside
    and renamed into place, so no command reads half of it."""
    path = Path(instance_path) / SERVED_AT
    draft = path.with_name(f".{SERVED_AT}.{os.getpid()}")
    draft.write_text(url + "\n")
    os.replace(draft, path)


def links_unreachable_warning(config):
    """When rating links would point at this machine only, what to tell the admin; else None."""
    host = urlsplit(config["PUBLIC_URL"]).hostname or ""
    if config["PUBLIC_URL_CONFIGURED"] or not is_loopback(host):
        return None
    return (f"These links point at {config['PUBLIC_URL']}, an address of this machine only: customers' mail "
            "cannot reach it. Set PUBLIC_URL to the address customers' browsers reach this server at "
            "(e.g. PUBLIC_URL=https://ces.example.com) and restart it.")


def unreachable_warning(config, origins):
    """When script tags point at this machine only (no PUBLIC_URL, a loopback address) but
    a site's pages are elsewhere, what to tell the admin; else None."""
    host = urlsplit(config["PUBLIC_URL"]).hostname or ""
    if config["PUBLIC_URL_CONFIGURED"] or not is_loopback(host):
        return None
    elsewhere = [origin for origin in origins if not is_loopback(urlsplit(origin).hostname or "")]
    if not elsewhere:
        return None
    return (f"This tag loads the widget from {config['PUBLIC_URL']}, an address of this machine only: pages at "
            f"{elsewhere[0]} cannot reach it. Set PUBLIC_URL to the address customers' browsers reach this server "
            "at (e.g. PUBLIC_URL=https://ces.example.com) and restart it.")

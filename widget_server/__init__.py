"""Customer Effort Score widget server: the app factory."""
import datetime
import ipaddress
import logging
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask
from flask_cors import CORS
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db, limits, mail, public_url, settings


PACKAGE = Path(__file__).parent
csrf = CSRFProtect()


def asset_folder(name):
    """Find static/ or templates/: inside the package when installed, else the checkout's."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


# The blueprints of the APIs, which browsers and tools call without a session.
API_BLUEPRINTS = ("api", "ingest", "preview", "read_api")


class AdminOnlySessions(SecureCookieSessionInterface):
    """Sessions are for the admin pages: the APIs never use one, and checking each
    answer's request for a signed cookie would cost time on the hottest path."""

    def open_session(self, app, request):
        if request.blueprint in API_BLUEPRINTS:
            return self.make_null_session(app)
        return super().open_session(app, request)


def create_app(test_config=None):
    config = settings.defaults()
    config.update(settings.from_environment())
    config.update(test_config or {})

    app = Flask(
        __name__,
        instance_path=config["INSTANCE_PATH"] and str(Path(config["INSTANCE_PATH"]).resolve()),
        static_folder=str(asset_folder("static")),
        template_folder=str(asset_folder("templates")),
    )
    app.config.update(config)
    app.session_interface = AdminOnlySessions()
    # Accented strings stay as they are in responses instead of \u escapes: smaller, readable.
    app.json.ensure_ascii = False
    make_private_folder(app.instance_path)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or instance_secret_key(app.instance_path)
    app.config.update(
        PERMANENT_SESSION_LIFETIME=datetime.timedelta(hours=app.config["ADMIN_SESSION_HOURS"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Whether `run` and `demo` may make the address they serve on the public one.
        PUBLIC_URL_CONFIGURED=bool(app.config["PUBLIC_URL"]),
        PUBLIC_URL=public_url.resolve(app.config["PUBLIC_URL"], app.instance_path),
    )
    app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_URL"].startswith("https:")

    app.config["ALERT_ALLOWED_NETWORKS"] = allowed_networks(app.config["ALERT_ALLOWED_NETWORKS"])
    mail.check_settings(app.config)
    # Peewee's DEBUG log prints every query with its values: webhook secrets and password
    # hashes included. Debug logging of the app must not turn that on.
    logging.getLogger("peewee").setLevel(logging.INFO)
    # A ceiling for every body, before any view or limiter reads one; the public API's own
    # cap (MAX_PAYLOAD_BYTES) is lower. (Flask's defaults hold the key, set to None.)
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or 256 * 1024
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx every visitor's address is nginx's: take the one it passes on, from
        # exactly as many hops as are trusted, so a client cannot forge its own.
        hops = app.config["TRUSTED_PROXIES"]
        # Not the host unless asked: a proxy may pass a client's X-Forwarded-Host on.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,
                                x_host=hops if app.config["TRUST_FORWARDED_HOST"] else 0)
    db.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)

    from . import (admin, api, assets, auth, cli, demo, errors, export, home, ingest, outbox, preview, rating_page,
                   read_api, sites_admin, team, unsubscribe)

    app.before_request(outbox.start_worker_once)

    # The per-site allow list is enforced by origins.site_for; flask-cors speaks the
    # protocol (preflights, Vary: Origin) and lets the browser read answers, refusals
    # included, so a web team sees in the console why a page was refused.
    CORS(app, resources={r"/api/*": {"origins": r".*", "max_age": 86400}})
    # The unsubscribe link is signed for its admin; mail clients post to it without a session.
    # A rating link's page posts with the link itself, which is all a customer holds.
    for blueprint in (api.bp, ingest.bp, preview.bp, read_api.bp, unsubscribe.bp, rating_page.bp):
        csrf.exempt(blueprint)
    for blueprint in (api.bp, ingest.bp, preview.bp, read_api.bp, auth.bp, admin.bp, sites_admin.bp, export.bp,
                      team.bp, unsubscribe.bp, rating_page.bp, assets.bp, home.bp, demo.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    errors.unmatched_api_requests_in_json(app, (api.bp, ingest.bp, preview.bp, read_api.bp))
    cli.init_app(app)
    return app


def make_private_folder(path):
    """Make the instance folder readable by this account only (it holds the database and
    the secret key), whatever the umask, also when an earlier release made it."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)


def allowed_networks(value):
    """Parse ALERT_ALLOWED_NETWORKS, failing at start-up with advice rather than at the first alert."""
    networks = value if isinstance(value, (list, tuple)) else [part.strip() for part in str(value).split(",")]
    try:
        return tuple(str(ipaddress.ip_network(network, strict=False)) for network in networks if network)
    except ValueError as error:
        raise SystemExit(f"ALERT_ALLOWED_NETWORKS: {error}; write networks like 10.0.0.0/8,127.0.0.1/32") from None


def instance_secret_key(instance_path):
    """Return the instance's secret key, generating it on first run (never a default)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Written aside (mode 0600) and linked into place whole, so server processes starting
        # together agree on one key and none reads a half-written file.
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    # An earlier release may have left it readable to others.
    os.chmod(path, 0o600)
    return path.read_text().strip()

"""Serving the embeddable widget script and the demo help-centre page."""
import gzip
import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from .models import Site

bp = Blueprint("assets", __name__)

DEMO_SITE_KEY = "demo"


def script_tag_for(site):
    """The tag to paste for a site, with this server's (or the CDN's) address in it."""
    return site.script_tag(current_app.config["PUBLIC_URL"], current_app.config["WIDGET_PUBLIC_URL"])


class ServedWidget:
    """The widget as served (static/widget.min.js, built from widget.js by
    `python -m widget_server.build`), gzipped once, with its version."""

    def __init__(self, script):
        self.script = script
        self.gzipped = gzip.compress(self.script, 9, mtime=0)
        self.version = hashlib.sha256(self.script).hexdigest()[:12]


def served_widget(app):
    if "widget_script" not in app.extensions:
        app.extensions["widget_script"] = ServedWidget(Path(app.static_folder, "widget.min.js").read_bytes())
    return app.extensions["widget_script"]


def widget_response(widget):
    """The script, gzipped for browsers that accept it, each encoding with its own ETag."""
    compressed = request.accept_encodings["gzip"] > 0
    response = Response(widget.gzipped if compressed else widget.script, mimetype="text/javascript")
    if compressed:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(widget.version + ("-gz" if compressed else ""))
    response.cache_control.public = True
    # Any page may load the script; what it may do is decided by the site's origins.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/widget.js")
def widget_js():
    """Serve the widget; browsers keep it five minutes, then revalidate it (304)."""
    response = widget_response(served_widget(current_app._get_current_object()))
    response.cache_control.max_age = 300
    return response.make_conditional(request)


@bp.get("/widget.<version>.js")
def versioned_widget_js(version):
    """Serve this version of the widget, cached for a year: its URL changes when it does."""
    widget = served_widget(current_app._get_current_object())
    if version != widget.version:
        return Response(f"No widget version {version[:20]}; use /widget.js or /widget.{widget.version}.js.",
                        status=404, mimetype="text/plain")
    response = widget_response(widget)
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response.make_conditional(request)


@bp.get("/api/v1/openapi.json")
def openapi():
    """Describe the public and read APIs (OpenAPI 3.1)."""
    return current_app.send_static_file("openapi.json")


@bp.get("/demo")
def demo_page():
    """Show a sample help centre with all three touchpoints wired to the demo site."""
    site = Site.get_or_none(Site.key == DEMO_SITE_KEY)
    return render_template("demo.html", site=site, demo_key=DEMO_SITE_KEY)

"""Serving the embeddable widget script and the demo help-centre page."""
import hashlib
from pathlib import Path

import minify_html
import rjsmin
from flask import Blueprint, Response, current_app, render_template, request

from .models import Site

bp = Blueprint("assets", __name__)

DEMO_SITE_KEY = "demo"


def minified(source):
    """rjsmin drops comments and spaces (the contract comment quotes a </script> tag, which
    would end the script for minify-html); minify-html's JavaScript pass then compacts the
    declarations."""
    stripped = rjsmin.jsmin(source)
    wrapped = minify_html.minify(f"<script>{stripped}</script>", minify_js=True)
    return wrapped.removeprefix("<script>").removesuffix("</script>")


def served_widget(app):
    """Return (minified script, ETag), minified once per app from the readable source."""
    cached = app.extensions.get("widget_script")
    if cached is None:
        source = Path(app.static_folder, "widget.js").read_text(encoding="utf-8")
        script = minified(source).encode("utf-8")
        cached = (script, hashlib.sha256(script).hexdigest()[:20])
        app.extensions["widget_script"] = cached
    return cached


@bp.get("/widget.js")
def widget_js():
    """Serve the widget, minified, revalidated cheaply with its ETag."""
    script, etag = served_widget(current_app._get_current_object())
    response = Response(script, mimetype="text/javascript")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    # Any page may load the script; what it may do is decided by the site's origins.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
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

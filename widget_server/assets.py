"""Serving the embeddable widget script and the demo help-centre page."""
import hashlib
from pathlib import Path

import brotli
import zopfli.gzip
from flask import Blueprint, Response, current_app, request


bp = Blueprint("assets", __name__)

# The modules widget.js imports on demand, beside itself: the follow-up form and the
# placement of floating prompts. `python -m widget_server.build` builds each.
MODULES = ("widget-followup", "widget-overlay")


def script_tag_for(site):
    """The tag to paste for a site, with this server's (or the CDN's) address in it."""
    return site.script_tag(current_app.config["PUBLIC_URL"], current_app.config["WIDGET_PUBLIC_URL"])


class ServedScript:
    """A built script (static/NAME.min.js, from NAME.js by `python -m widget_server.build`),
    compressed once in each encoding, with its version."""

    def __init__(self, script):
        self.script = script
        # Smallest first: a browser that wants both equally gets the first.
        self.encoded = {
            # About 11% smaller than gzip; every current browser accepts it over HTTPS.
            "br": brotli.compress(script, quality=11),
            # zopfli writes a smaller gzip stream than zlib's best.
            "gzip": zopfli.gzip.compress(script),
        }
        self.version = hashlib.sha256(self.script).hexdigest()[:12]


def served_script(app, name):
    scripts = app.extensions.setdefault("served_scripts", {})
    if name not in scripts:
        scripts[name] = ServedScript(Path(app.static_folder, f"{name}.min.js").read_bytes())
    return scripts[name]


def chosen_encoding(encodings):
    """The browser's most wanted of these encodings (the first on a tie), or None for none."""
    wanted = {name: request.accept_encodings[name] for name in encodings}
    best = max(encodings, key=wanted.get)
    return best if wanted[best] > 0 else None


def script_response(script):
    """The script in the encoding the browser wants most, each encoding with its own ETag."""
    encoding = chosen_encoding(tuple(script.encoded))
    response = Response(script.encoded[encoding] if encoding else script.script, mimetype="text/javascript")
    if encoding:
        response.content_encoding = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{script.version}-{encoding}" if encoding else script.version)
    response.cache_control.public = True
    # Any page may load the scripts; what they may do is decided by the site's origins. The
    # follow-up is imported as a module, which browsers fetch with CORS.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def current_script(name):
    """Serve a script; browsers keep it five minutes, then revalidate it (304)."""
    response = script_response(served_script(current_app._get_current_object(), name))
    response.cache_control.max_age = 300
    return response.make_conditional(request)


def pinned_script(name, version):
    """Serve this version of a script, cached for a year: its URL changes when it does."""
    script = served_script(current_app._get_current_object(), name)
    if version != script.version:
        return Response(f"No {name} version {version[:20]}; use /{name}.js or /{name}.{script.version}.js.",
                        status=404, mimetype="text/plain")
    response = script_response(script)
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response.make_conditional(request)


@bp.get("/widget.js")
def widget_js():
    """Serve the widget; browsers keep it five minutes, then revalidate it (304)."""
    return current_script("widget")


@bp.get("/widget.<version>.js")
def versioned_widget_js(version):
    """Serve this version of the widget, cached for a year."""
    return pinned_script("widget", version)


MODULE = f"<any({', '.join(repr(name) for name in MODULES)}):name>"


@bp.get(f"/{MODULE}.js")
def module_js(name):
    """Serve one of the widget's modules; browsers keep it five minutes, then revalidate it."""
    return current_script(name)


@bp.get(f"/{MODULE}.<version>.js")
def versioned_module_js(name, version):
    """Serve this version of a module (the one each widget build imports), cached for a year."""
    return pinned_script(name, version)


@bp.get("/api/v1/openapi.json")
def openapi():
    """Describe the public and read APIs (OpenAPI 3.1)."""
    return current_app.send_static_file("openapi.json")

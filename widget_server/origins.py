"""Which site a request from a page is for, and whether that page may use it.

Writes are CORS "simple requests" (a JSON body sent as text/plain, no custom headers), so
an answer costs one round trip and no preflight. Since a simple request skips the
preflight, every request checks the Origin header against the site's allow list itself,
before the site's allowance is counted: a page the site does not allow cannot spend it.
"""
import shlex

from flask import request

from .limits import charge_site
from .models import cached_site
from .payloads import PayloadError


def site_for(key, *, writing, scope="public"):
    """Return the site a request is for, refusing unknown keys and origins not allowed,
    then counting a request from an allowed page against the site's allowance (in `scope`)."""
    origin = request.headers.get("Origin")
    # Browsers always send Origin on these writes: one without it comes from no page.
    if writing and origin is None:
        raise PayloadError("Origin", "missing. Browsers send the page's origin with everything the widget sends; "
                           "a request without one came from no page (a script, or a tool that strips the "
                           "header), so it is not stored", 403)
    site = cached_site(key)
    # Unknown key: nothing to store against.
    if site is None:
        raise PayloadError("site", f"no site has the key {key[:64]!r}; `widget-server site list` shows the keys, "
                           "`widget-server site add` makes a site", 404)
    # A page not on the list may not write. Reads answer anyone but pages of other origins
    # (same-origin GETs carry no Origin).
    if (writing or origin is not None) and not site.allows_origin(origin):
        raise PayloadError(
            "Origin",
            f"{origin} may not use site {site.key}; "
            f"allow it with `widget-server site set {site.key} --add-origin {shlex.quote(origin)}`",
            403,
        )
    # A request with no Origin (a same-origin page, or any page's images and scripts) is
    # answered, but only an allowed page's counts against the site's allowance.
    if origin is not None:
        charge_site(scope, site.key)
    return site

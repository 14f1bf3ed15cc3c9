"""The widget's configuration endpoint: what it needs to show a site's prompts, in the
visitor's language (widget_config.py builds it). The answers it then sends go through
ingest.py."""
from flask import Blueprint, current_app, jsonify, request

from .errors import json_errors
from .limits import limit_public
from .origins import site_for
from .widget_config import config_document, visitor_language

bp = json_errors(limit_public(Blueprint("api", __name__, url_prefix="/api/v1")))


@bp.get("/sites/<key>/config")
def widget_config(key):
    """Return what the widget needs to show a site's prompts, in the visitor's language."""
    site = site_for(key, writing=False)
    response = jsonify(config_document(site, visitor_language(site, request.args.get("lang", ""))))
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CONFIG_MAX_AGE"]
    # Answered differently per Origin (or none): a shared cache must keep them apart.
    response.vary.add("Origin")
    return response

"""The API the admin's prompt preview talks to: the site's real configuration, never
cached, and writes that are checked like real ones but never stored."""
from flask import Blueprint, jsonify, request

from .errors import json_errors
from .limits import charge_site, limit_public
from .models import Site, cached_site
from .payloads import FOLLOW_UP_CHECKS, IMPRESSION_CHECKS, PayloadError, answer_fields, clean, read_json_object
from .scales import SCALES
from .widget_config import config_document, visitor_language

bp = json_errors(limit_public(Blueprint("preview", __name__, url_prefix="/preview/<key>/api/v1"), scope="preview"))


@bp.before_request
def count_against_the_site():
    """The site is the one in the URL (the admin's own preview page asks): an unknown one
    is refused, a known one counted."""
    if cached_site(request.view_args["key"]) is None:
        raise PayloadError("site", "unknown site key", 404)
    charge_site("preview", request.view_args["key"])

@bp.get("/sites/<site_key>/config")
def config(key, site_key):
    """Return the site's configuration as the widget would get it, uncached."""
    site = Site.get_or_none(Site.key == key)
    if site is None or site_key != key:
        raise PayloadError("site", "unknown site key", 404)
    response = jsonify(config_document(site, visitor_language(site, request.args.get("lang", ""))))
    response.cache_control.no_store = True
    return response


@bp.post("/answers")
def answer(key):
    """Check the answer and acknowledge it without storing anything."""
    fields = answer_fields(read_json_object(request))
    effort_class = SCALES[fields["scale"]].effort_class(fields["score"])
    return jsonify({"id": fields["key"], "class": effort_class}), 201


@bp.post("/answers/<answer_id>/follow-up")
def follow_up(key, answer_id):
    clean(read_json_object(request), FOLLOW_UP_CHECKS, required=("site", "secret"))
    return jsonify({"id": answer_id})


@bp.post("/impressions")
def impression(key):
    clean(read_json_object(request), IMPRESSION_CHECKS, required=("site", "touchpoint"))
    return "", 204

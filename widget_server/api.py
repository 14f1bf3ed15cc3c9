"""The public collection API the widget talks to: configuration, answers, impressions.

Writes are CORS "simple requests" (a JSON body sent as text/plain, no custom headers), so
an answer costs one round trip and no preflight. Since a simple request skips the
preflight, every write checks the Origin header against the site's allow list itself.
"""
from flask import Blueprint, current_app, jsonify, request

from . import locales, outbox
from .limits import limit_public
from .models import Answer, Impression, cached_site
from .payloads import (
    FOLLOW_UP_CHECKS,
    IMPRESSION_CHECKS,
    KEY,
    SITE,
    PayloadError,
    answer_fields,
    clean,
    read_json_object,
)
from .scales import SCALES

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def cap_body_size():
    request.max_content_length = current_app.config["MAX_PAYLOAD_BYTES"]


# After the cap: the per-site limit reads the site key from the body.
limit_public(bp)


def site_for(key, *, writing):
    """Return the site a request is for, refusing unknown keys and origins not allowed."""
    site = cached_site(key)
    # Unknown key: nothing to store against.
    if site is None:
        raise PayloadError(
            "site", "unknown site key; create a site with `widget-server site add`", 404
        )
    origin = request.headers.get("Origin")
    # Browsers always send Origin on these writes; a page not on the list may not write.
    # Reads answer anyone but pages of other origins (same-origin GETs carry no Origin).
    if (writing or origin is not None) and not site.allows_origin(origin):
        raise PayloadError(
            "Origin",
            f"{origin or 'a request without an Origin'} may not use site {site.key}; "
            f"allow it with `widget-server site set {site.key} --add-origin ORIGIN`",
            403,
        )
    return site


@bp.get("/sites/<key>/config")
def widget_config(key):
    """Return what the widget needs to show a site's prompts, in the visitor's language."""
    site = site_for(key, writing=False)
    response = jsonify(config_document(site, visitor_language(site, request.args.get("lang", ""))))
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CONFIG_MAX_AGE"]
    return response


def visitor_language(site, lang):
    """The language to ask in: from `lang` (the page's, then the browser's tags, comma
    separated; ten are plenty), among the built-in ones and those the site added."""
    candidates = [tag for tag in lang.split(",") if tag.strip()][:10]
    return locales.choose_language(candidates, set(locales.STRINGS) | (set(site.texts) - {"*"}))


def config_document(site, language):
    strings = locales.strings_for(language, site.texts)
    company = site.company or site.name

    def touchpoint(name):
        scale = site.scale_for(name)
        return {
            "scale": scale,
            "question": locales.question(strings, name, scale, company),
            "reasons": list(locales.REASONS_BY_TOUCHPOINT.get(name, locales.REASONS)),
        }

    # Touchpoints with a scale or a question of their own get an entry of their own.
    named = set(locales.BUILT_IN_TOUCHPOINTS) | set(site.touchpoint_scales)
    named |= {key.removeprefix("question.") for key in strings if key.startswith("question.") and key.count(".") == 1}
    # A touchpoint name the site has not configured is asked like self-service.
    touchpoints = {name: touchpoint(name) for name in sorted(named)}
    used_scales = {setup["scale"] for setup in touchpoints.values()}
    return {
        "lang": language,
        "dir": locales.direction(language),
        "cooldownDays": site.cooldown_days,
        "samplePercent": site.sample_percent,
        "auto": {"delaySeconds": site.auto_delay_seconds, "scrollPercent": site.auto_scroll_percent},
        "touchpoints": touchpoints,
        # Only the scales this site asks on: every byte here is a byte each visitor loads.
        "scales": {
            scale.name: {
                "points": scale.points,
                "low": strings[f"{scale.name}.low"],
                "high": strings[f"{scale.name}.high"],
                "classes": scale.classes(),
            }
            for scale in SCALES.values()
            if scale.name in used_scales
        },
        "reasons": {code: strings[f"reason.{code}"] for code in locales.REASONS},
        "text": {
            key: strings[key]
            for key in ("close", "send", "thanks", "saved", "optional", "comment.more",
                        "followup.difficult", "followup.neutral", "followup.easy")
        },
    }


@bp.post("/answers")
def create_answer():
    """Store an answer the moment the customer picks a score; a retry returns the first."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = answer_fields(data)
    answer, created = Answer.record(site, fields)
    # Waking the worker costs a query; most answers meet no alert rule.
    if answer.alerts_queued:
        outbox.wake()
    # The same key with a different score is a client bug, not a retry.
    if not created and not answer.same_answer_as(fields):
        raise PayloadError("id", "was already used for a different answer", 409)
    body = {
        "id": answer.key,
        "class": answer.effort_class,
        "token": answer.follow_up_token(current_app.config["SECRET_KEY"]),
    }
    return jsonify(body), 201 if created else 200


@bp.post("/answers/<answer_id>/follow-up")
def add_follow_up(answer_id):
    """Attach the optional reasons and comment to an answer, for its own browser only."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = clean(data, FOLLOW_UP_CHECKS, required=("site", "token"))
    answer = Answer.get_or_none(Answer.site == site, Answer.key == answer_id) if KEY.match(answer_id) else None
    # Unknown answer: nothing to attach to.
    if answer is None:
        raise PayloadError("id", "no answer with this id for this site", 404)
    # Only the browser that gave the answer holds its token.
    if not answer.token_matches(fields["token"], current_app.config["SECRET_KEY"]):
        raise PayloadError("token", "does not belong to this answer", 403)
    if answer.add_follow_up(reasons=fields.get("reasons"), comment=fields.get("comment")):
        outbox.wake()
    return jsonify({"id": answer.key, "class": answer.effort_class})


@bp.post("/impressions")
def record_impression():
    """Count a prompt a visitor saw, so the summary can show response rates."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = clean(data, IMPRESSION_CHECKS, required=("site", "touchpoint"))
    del fields["site"]
    Impression.record(site, fields)
    return "", 204


def site_key_of(data):
    """Return the body's site key, checked first so the origin is verified before the rest."""
    if data.get("site") is None:
        raise PayloadError("site", "is required")
    return SITE("site", data["site"])

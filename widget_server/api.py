"""The widget's configuration: what it needs to show a site's prompts, in the visitor's
language. The answers it then sends go through ingest.py."""
from flask import Blueprint, current_app, jsonify, request

from . import locales
from .errors import json_errors
from .limits import limit_public
from .origins import site_for
from .scales import SCALES

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

"""What the widget needs to show a site's prompts in one language: questions, scales,
reasons and strings. Served by api.py, and by preview.py for the admin's preview."""
from . import locales
from .scales import SCALES


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
        setup = {
            "scale": scale,
            "question": locales.question(strings, name, scale, company),
            "reasons": list(locales.REASONS_BY_TOUCHPOINT.get(name, locales.REASONS)),
        }
        if site.recovery_for(name):
            setup["recovery"] = site.recovery_for(name)
        return setup

    # Touchpoints with a scale, a question or a recovery link of their own get an entry of their own.
    named = set(locales.BUILT_IN_TOUCHPOINTS) | site.configured_touchpoints()
    # A touchpoint name the site has not configured is asked like self-service.
    touchpoints = {name: touchpoint(name) for name in sorted(named)}
    used_scales = {setup["scale"] for setup in touchpoints.values()}
    return {
        "lang": language,
        "dir": locales.direction(language),
        "cooldownDays": site.cooldown_days,
        "samplePercent": site.sample_percent,
        "journey": site.journey_config(),
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
                        "followup.difficult", "followup.neutral", "followup.easy", "recovery")
        },
    }

"""The read-only API: a site's answers and summary figures, for analysts' own tools.

Every request carries `Authorization: Bearer TOKEN`, a token of that site created on its
admin page. Answers come oldest first in pages, each with the cursor of the next.
"""
import datetime
import re

from flask import Blueprint, current_app, jsonify, request

from . import links, ranking, reports, themes
from .errors import json_errors
from .limits import limit_public
from .models import Answer, ApiToken, Site, utcnow
from .payloads import PayloadError, whole_number_argument
from .selection import filters_for, narrowed_answers

bp = json_errors(limit_public(Blueprint("read_api", __name__, url_prefix="/api/v1/sites/<key>"), scope="read"))

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def authorised_site(key):
    """Return the site when the request's token is a live token of it; else refuse."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PayloadError("Authorization", "send 'Bearer TOKEN'; create a token on the site's admin page", 401)
    found = ApiToken.get_or_none(ApiToken.token_hash == ApiToken.hash(token.strip()))
    # Unknown or revoked: the same answer, so a guess learns nothing.
    if found is None or found.revoked_at is not None:
        raise PayloadError("Authorization", "unknown or revoked token", 401)
    site = Site.get_or_none(Site.key == key)
    if site is None or found.site_id != site.id:
        raise PayloadError("Authorization", "this token is not for this site", 403)
    if found.last_used_at is None or utcnow() - found.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.update(last_used_at=utcnow()).where(ApiToken.id == found.id).execute()
    return site


# A cursor is the id of the last answer of the page before: any such number is one.
CURSOR = re.compile(r"^[1-9][0-9]{0,17}$")


def decode_cursor(cursor):
    if not CURSOR.fullmatch(cursor):
        raise PayloadError("cursor", "is not a cursor this API gave out: pass next_cursor as it came")
    return int(cursor)


def encode_cursor(answer_id):
    return str(answer_id)


@bp.get("/answers")
def answers(key):
    """Return a page of a site's answers, oldest first, narrowed like the summary."""
    site = authorised_site(key)
    filters = filters_for(site, request.args)
    limit = whole_number_argument(request.args, "limit", DEFAULT_LIMIT, high=MAX_LIMIT)
    query = narrowed_answers(filters, request.args).order_by(Answer.id)
    if request.args.get("cursor"):
        query = query.where(Answer.id > decode_cursor(request.args["cursor"]))
    page = list(query.limit(limit + 1))
    more = len(page) > limit
    page = page[:limit]
    return jsonify({
        "answers": [answer.record(site.key) for answer in page],
        "next_cursor": encode_cursor(page[-1].id) if more else None,
    })


@bp.get("/summary")
def summary(key):
    """Return the summary page's figures for the filters; with `version`, for the answers
    that name that revision of the content."""
    site = authorised_site(key)
    filters = filters_for(site, request.args)
    minimum = whole_number_argument(request.args, "min_answers", 10, low=0, high=1_000_000)
    version = request.args.get("version", "")
    if version:
        found = reports.version_summary(filters, site, version)
        figures, metrics = reports.headline_of(found.now, found.before)
        by_touchpoint = found.by_touchpoint
        ranked = [place for place in found.places if place.answers >= minimum]
        hot_spots, unranked, latest = ranked[:15], len(found.places) - len(ranked), {}
        drivers = [(reason, count, 100 * count / figures.difficult if figures.difficult else 0)
                   for reason, count in found.reasons.most_common()]
        weekly, points = found.weekly, found.points
    else:
        figures, metrics = reports.headline(filters)
        by_touchpoint = reports.by_touchpoint(filters)
        hot_spots, _, unranked = ranking.hot_spots(filters, minimum_answers=minimum)
        latest = reports.latest_versions(filters, [(place.site_id, place.name) for place in hot_spots])
        drivers = ranking.drivers(filters, figures.difficult)
        weekly, points = reports.trend(filters)
    return jsonify({
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(), "touchpoint": filters.touchpoint,
                   "version": version or None},
        "headline": {metric.key: {"value": metric.value, "previous": metric.previous,
                                                "change": metric.change, "within_noise": metric.noise}
                     for metric in metrics},
        "by_touchpoint": {touchpoint: figures_json(each) for touchpoint, each in by_touchpoint},
        "hot_spots": [{"place": place.name, "touchpoint": place.touchpoint, "answers": place.answers,
                       "difficult_percent": place.difficult_percent,
                       "difficult_interval": list(place.difficult_interval), "ease_index": place.ease_index,
                       "reasons": dict(place.reasons), "latest_version": version_json(latest.get((place.site_id, place.name)))}
                      for place in hot_spots],
        "hot_spots_unranked": unranked,
        "drivers": [{"reason": reason, "answers": count, "percent_of_difficult": percent}
                    for reason, count, percent in drivers],
        "trend": {"bucket": "week" if weekly else "day",
                  "points": [{"start": point.start.isoformat(), "answers": point.answers,
                              "ease_index": point.ease_index, "difficult_percent": point.difficult_percent}
                             for point in points]},
    })


@bp.get("/links")
def signed_rating_links(key):
    """Return one ticket's signed rating link for each score, for a helpdesk or script that
    sends its own e-mails; the query takes the link's parameters (ref, agent, customer,
    touchpoint, lang, meta.NAME)."""
    site = authorised_site(key)
    link, made = links.signed_links(current_app.config["PUBLIC_URL"], site, request.args)
    return jsonify({"touchpoint": link.touchpoint, "scale": link.scale.name, "params": link.params,
                    "sig": links.signature(site, link.params),
                    "links": {str(score): url for score, url in made.items()}})


# Themes compare the difficult comments with the others: the answers' other filters
# (class, with, id) have nothing to narrow.
THEME_FILTERS = ("from", "to", "touchpoint", "place")


@bp.get("/themes")
def comment_themes(key):
    """Return the terms difficult comments use much more often than the site's other
    comments in the period (see themes.py), for the whole selection or one place."""
    site = authorised_site(key)
    for name in ("class", "with", "id", "version", "agent", "conversation"):
        if request.args.get(name):
            raise PayloadError(name, f"themes take only {', '.join(THEME_FILTERS)}: they compare a selection's "
                                     "difficult comments with the site's others")
    filters = filters_for(site, request.args)
    found = themes.themes_for(filters, request.args.get("place") or None,
                              minimum=current_app.config["THEME_MIN_COMMENTS"])
    return jsonify({
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(), "touchpoint": filters.touchpoint,
                   "place": request.args.get("place") or None},
        "difficult_comments": found.difficult_comments,
        "other_comments": found.other_comments,
        "themes": [{"term": theme.term, "z": theme.z, "difficult_comments": theme.difficult,
                    "other_comments": theme.other} for theme in found.themes],
    })


def version_json(version):
    """A place's latest version against the one before it, or None (fewer than two)."""
    if version is None:
        return None
    # The first day it was answered on (of the site's time zone): counts know days only.
    return {"version": version.version, "first_answer": version.first_answer.date().isoformat(),
            "change": version.change, **figures_json(version.figures)}


def figures_json(figures):
    return {"answers": figures.answers, "impressions": figures.impressions, "response_rate": figures.response_rate,
            "ease_index": figures.ease_index, "easy_percent": figures.easy_percent,
            "difficult_percent": figures.difficult_percent, "net_ease": figures.net_ease,
            "mean_scores": figures.mean_scores()}

"""The page a rating link opens (links.py has the links and their ratings).

Opening a link stores nothing: mail scanners fetch every link of a message, so a GET
only shows the score chosen, with a form that sends it. In a customer's browser a small
script sends that form at once; without script, its button is one more tap. The POST
stores the rating (or changes it, within the site's change window) and shows the thanks,
the other scores to change it and the follow-up; all of it works without script.
"""
import peewee
from playhouse.pool import MaxConnectionsExceeded
from flask import Blueprint, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from . import links, locales
from .errors import UNAVAILABLE, passed_on_headers
from .limits import charge_site, limit_public
from .models import cached_site
from .payloads import PayloadError, reasons as reason_codes, text
from .scales import DIFFICULT, SCALES
from .widget_config import visitor_language

bp = limit_public(Blueprint("rating", __name__, url_prefix="/r"), scope="links", forms=True)
comment_text = text(2000, multiline=True)


@bp.after_request
def protect_rating_pages(response):
    # The page runs only its own script and posts only to itself; the links it gets carry
    # ticket ids, which no other site needs to see in a Referer.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.errorhandler(PayloadError)
def refused(error):
    """A link that does not work: said in the customer's language, with what is wrong for
    whoever set the link up."""
    return problem_page(str(error), "unfilled" if isinstance(error, links.Unfilled) else "invalid"), error.status


@bp.errorhandler(HTTPException)
def http_error(error):
    """Too many ratings from one address, a body too large, a method not allowed."""
    return problem_page(error.description), error.code, passed_on_headers(error)


@bp.errorhandler(peewee.OperationalError)
@bp.errorhandler(MaxConnectionsExceeded)
def unavailable(error):
    current_app.logger.error("database unavailable: %s", error)
    return problem_page(UNAVAILABLE), 503, {"Retry-After": "5"}


def problem_page(problem, state="invalid"):
    site = cached_site(request.view_args.get("key", "")) if request.view_args else None
    return render_template("rating.html", state=state, page=Page(site), problem=problem)


@bp.route("/<key>/<score>", methods=("GET", "POST"))
def rate(key, score):
    """Show the score a link chose with the form that sends it; on POST, store it."""
    link = link_of(key, score)
    page = Page(link.site, link)
    # (A HEAD is a GET too: scanners send those.) Opening reads no rating either, so it
    # tells nobody whether a ticket was rated.
    if request.method != "POST":
        return render_template("rating.html", state="confirm", page=page)
    charge_site("links", link.site.key)
    try:
        answer = links.rate(link, locale=page.language, follow_up_hours=current_app.config["FOLLOW_UP_HOURS"])
    except links.RatingClosed:
        return render_template("rating.html", state="closed", page=page), 410
    return render_template("rating.html", state="thanks", page=page.rated(answer), answer=answer)


@bp.post("/<key>/<score>/more")
def follow_up(key, score):
    """Add the reasons and comment to the link's rating (its score stored first, so a
    follow-up sent from a page left open still has its rating)."""
    link = link_of(key, score)
    page = Page(link.site, link)
    charge_site("links", link.site.key)
    chosen = reason_codes("reasons", request.form.getlist("reasons"))
    offered = page.reasons
    for code in chosen:
        if code not in offered:
            raise PayloadError("reasons", f"{code} is not a reason this touchpoint offers")
    comment = comment_text("comment", request.form.get("comment", "").replace("\r\n", "\n"))
    try:
        answer = links.rate(link, locale=page.language, follow_up=(chosen, comment),
                            follow_up_hours=current_app.config["FOLLOW_UP_HOURS"])
    except links.RatingClosed:
        return render_template("rating.html", state="closed", page=page), 410
    return render_template("rating.html", state="done", page=page.rated(answer), answer=answer)


def link_of(key, score):
    """The checked link of this request; PayloadError if it does not work. A view that
    writes then counts it against the site's allowance: only then, so neither a stranger's
    broken links nor anyone's mere opening of links (a scanner's) spends it."""
    site = cached_site(key)
    if site is None:
        raise PayloadError("site", f"no site has the key {key[:64]!r}", 404)
    link = links.read_link(site, score, request.args)
    links.refuse_placeholders(link.params)
    links.check_signature(site, link.params, request.args.get("sig"))
    return link


class Page:
    """What the rating page shows, in the customer's language: the link's `lang`, else
    their browser's."""

    def __init__(self, site, link=None):
        self.site, self.link = site, link
        wanted = link.params.get("lang", "") if link else ""
        accepted = ",".join(tag for tag, _ in request.accept_languages)
        # A link of no site still says so in a language the customer reads.
        self.language = (visitor_language(site, wanted or accepted) if site
                         else locales.choose_language(accepted.split(",")[:10], locales.STRINGS))
        self.strings = locales.strings_for(self.language, site.texts if site else {})
        self.direction = locales.direction(self.language)

    def __getitem__(self, key):
        return self.strings[key]

    def rated(self, answer):
        """This page about a stored rating: its scale is the one the ticket was rated on."""
        self.rated_scale, self.rated_touchpoint = SCALES[answer.scale], answer.touchpoint
        return self

    @property
    def touchpoint(self):
        return getattr(self, "rated_touchpoint", None) or self.link.touchpoint

    @property
    def scale(self):
        return getattr(self, "rated_scale", None) or self.link.scale

    @property
    def may_change(self):
        return self.site.link_change_days > 0

    @property
    def question(self):
        site = self.site
        return locales.question(self.strings, self.touchpoint, self.scale.name, site.company or site.name)

    @property
    def reasons(self):
        return locales.REASONS_BY_TOUCHPOINT.get(self.touchpoint, locales.REASONS)

    def says(self, key, **values):
        text = self.strings[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def url(self, score, more=False):
        """This link's address with another score (its query, signature included, as sent:
        the signature covers the parameters, not the score)."""
        path = url_for("rating.follow_up" if more else "rating.rate", key=self.site.key, score=score)
        query = request.query_string.decode()
        return f"{path}?{query}" if query else path

    def is_difficult(self, answer):
        return answer.effort_class == DIFFICULT


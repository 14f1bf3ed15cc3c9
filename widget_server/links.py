"""Rating links: a CES question in an e-mail or ticket reply whose every score is a link,
`/r/SITE_KEY/SCORE?ref=TICKET&agent=…`. This module reads and signs a link's parameters
and stores its rating; rating_page.py serves the page a click opens, snippets.py writes the
block teams paste into their helpdesk.

A link's answer is an Answer like the widget's, with the ticket in `conversation` and the
ticket's category (`meta.category`) as its place, so the hot spots rank categories the way
they rank pages, and the agents table ranks agents. LinkRating keeps one rating per site
and ticket: a later click changes it while the site's change window is open.

A signature, where a site has one sent or requires it, is an HMAC-SHA256 of the link's
parameters (never the score: a customer may pick any score for their own ticket) with the
site's link secret, so nobody without the secret can rate a ticket id of their choosing.
"""
import base64
import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import peewee
from werkzeug.datastructures import MultiDict

from . import ingest, locales, outbox, rollups
from .alert_models import Delivery
from .db import flask_db, serialized
from .models import Answer, Site, utcnow
from .payloads import META_KEY, MAX_META_KEYS, PayloadError, short_text, text, touchpoint_name
from .scales import DIFFICULT, SCALES

CATEGORY = "category"
# The placeholders of the snippet for systems of one's own (snippets.py), to be replaced.
PLAIN_PLACEHOLDERS = {"ref": "TICKET_ID", "agent": "AGENT_NAME", "customer": "CUSTOMER_ID"}
# A value still holding a helpdesk's placeholder; searched for, as JSON Schema's pattern
# is (the API description states it).
PLACEHOLDER = re.compile(r"\{\{.*\}\}|\{%.*%\}|^(" + "|".join(PLAIN_PLACEHOLDERS.values()) + ")$")
# A score as a path segment: ASCII digits only (isdigit() also takes "²" and "３").
SCORE = re.compile(r"[0-9]{1,2}")
# Parameters a link carries besides meta.NAME and sig; any other (a mail tracker's utm_*)
# is left out of the rating and of the signature.
PARAMETERS = ("ref", "agent", "customer", "touchpoint", "lang")
# A ticket id: one line with at least one character that is neither a control character
# nor a space of any kind (as Python and ECMAScript both count them: the API description
# states this pattern).
TICKET = re.compile(r"^[^\x00-\x08\x0a-\x1f\x7f]*[^\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
                    r"[^\x00-\x08\x0a-\x1f\x7f]*$")
language_tag = text(35, pattern=locales.LANGUAGE_TAG, hint="must be a language tag such as en or nl-BE")
CHECKS = {"ref": text(200, pattern=TICKET, hint="must hold the ticket or conversation id this rating is about"),
          "agent": text(200), "customer": text(200), "touchpoint": touchpoint_name, "lang": language_tag}


class LinkRating(flask_db.Model):
    """The rating a site's links gave one ticket (ref): one per site and ref."""

    site = peewee.ForeignKeyField(Site, on_delete="CASCADE")
    ref = peewee.CharField(max_length=200)
    answer = peewee.ForeignKeyField(Answer, unique=True, on_delete="CASCADE")
    # The first click: the change window runs from here.
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "ref"), True),)


class Unfilled(PayloadError):
    """A link whose helpdesk placeholders were never filled in."""


class RatingClosed(Exception):
    """The ticket's rating is past the site's change window."""


@dataclass
class Link:
    """A rating link's checked parameters (those it carried: `params`, for its signature)."""

    site: Site
    score: int
    params: dict
    meta: dict = field(default_factory=dict)

    @property
    def ref(self):
        return self.params["ref"]

    @property
    def touchpoint(self):
        return self.params.get("touchpoint", locales.SUPPORT_REPLY)

    @property
    def scale(self):
        return SCALES[self.site.scale_for(self.touchpoint)]

    def answer_fields(self):
        """The Answer's columns: the ticket is its conversation, the category its place."""
        category = self.meta.get(CATEGORY, "")
        return {"touchpoint": self.touchpoint, "scale": self.scale.name, "score": self.score,
                "conversation": self.ref, "ref": category, "agent": self.params.get("agent", ""),
                "customer": self.params.get("customer", ""), "meta": self.meta}


def placeholder_left(value):
    """Whether a value is a helpdesk placeholder that was never filled in ({{ticket.id}},
    {%conversation.number%}): a preview or a test e-mail, not a customer's link."""
    return PLACEHOLDER.search(value) is not None


def read_link(site, score, args):
    """Check a link's score and query parameters (a MultiDict), all but its signature
    (check_signature); PayloadError names the bad one."""
    params, meta = {}, {}
    for name in args:
        values = args.getlist(name)
        if name != "sig" and (name in PARAMETERS or name.startswith("meta.")) and len(values) > 1:
            raise PayloadError(name, "appears twice in the link; give each parameter once")
        value = values[0]
        # An empty parameter is one left out (a placeholder the helpdesk filled with nothing).
        if value.strip() == "":
            continue
        if name in CHECKS:
            cleaned = CHECKS[name](name, value)
        elif name.startswith("meta."):
            key = name.removeprefix("meta.")
            if not META_KEY.fullmatch(key):
                raise PayloadError(name[:45], "a metadata name must be 1-40 of A-Z, a-z, 0-9, _ . -")
            cleaned = short_text(name, value)
        else:
            continue
        if cleaned:
            params[name] = cleaned
            if name.startswith("meta."):
                meta[name.removeprefix("meta.")] = cleaned
    if len(meta) > MAX_META_KEYS:
        raise PayloadError("meta", f"has too many keys: at most {MAX_META_KEYS}")
    if not params.get("ref"):
        raise PayloadError("ref", "is required: the ticket or conversation id this rating is about")
    link = Link(site, 0, params, meta)
    if not SCORE.fullmatch(score) or not link.scale.is_valid(int(score)):
        raise PayloadError("score", f"must be from 1 to {link.scale.points} on the {link.scale.noun}", 404)
    link.score = int(score)
    return link


def refuse_placeholders(params):
    """A link whose helpdesk placeholders were never filled in is a preview or a test
    e-mail, not a customer's: refuse it rather than rate a ticket named {{ticket.id}}."""
    for name, value in params.items():
        if placeholder_left(value):
            raise Unfilled(name, "still holds a helpdesk placeholder: this link was not filled in for a "
                                 "customer (a preview or test e-mail)")


def signature(site, params):
    """The `sig` of a link's parameters (without sig): HMAC-SHA256 with the site's link
    secret of SITE_KEY?name=value&… (names sorted, names and values percent-encoded as UTF-8,
    empty values left out), in base64url without padding."""
    message = site.key + "?" + urlencode(sorted((name, value) for name, value in params.items() if value),
                                         quote_via=quote, safe="")
    digest = hmac.new(site.link_secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def check_signature(site, params, sig):
    """Refuse a link whose signature is wrong, or missing where the site requires one."""
    if sig is None:
        if site.signed_links_only:
            raise PayloadError("sig", "is required: this site takes signed rating links only", 403)
        return
    if not hmac.compare_digest(signature(site, params).encode(), str(sig).encode()):
        raise PayloadError("sig", "does not match this link: it was changed, or signed with another secret", 403)


def link_url(public_url, site, score, params, signed):
    """The rating link of one score; signed: with its `sig`."""
    query = dict(params)
    if signed:
        query["sig"] = signature(site, query)
    return f"{public_url.rstrip('/')}/r/{site.key}/{score}?{urlencode(query, quote_via=quote)}"


def signed_links(public_url, site, params):
    """(the link's checked parameters, {score: signed link}) for every score of the
    touchpoint's scale, after the checks a click gets; PayloadError names a bad parameter.
    `params` is a dict, or a request's MultiDict."""
    link = read_link(site, "1", MultiDict(params))
    refuse_placeholders(link.params)
    return link, {score: link_url(public_url, site, score, link.params, signed=True)
                  for score in range(1, link.scale.points + 1)}


def is_closed(rating, site):
    """Whether a ticket's rating is past its site's change window."""
    return utcnow() > rating.created_at + datetime.timedelta(days=site.link_change_days)


def takes_follow_up(rating, site, follow_up_hours):
    """Whether a ticket's rating still takes its reasons and comment: while it may be
    changed, and at least FOLLOW_UP_HOURS after it was given (a site whose ratings cannot
    be changed still asks what made it hard)."""
    window = max(datetime.timedelta(days=site.link_change_days), datetime.timedelta(hours=follow_up_hours))
    return utcnow() <= rating.created_at + window


def rate(link, locale="", follow_up=None, follow_up_hours=24):
    """Store the link's score as its ticket's rating (in the language of the page it was
    given on), or change the rating given before while the site's change window is open;
    with follow_up=(reasons, comment), give it those too, while it takes them. RatingClosed
    when it is too late for what the link asks; PayloadError for a score the rating's scale
    does not have. Return the Answer."""
    try:
        answer, alerts = _rate(link, locale, follow_up, follow_up_hours)
    except peewee.IntegrityError:
        # Two first clicks at once (on PostgreSQL): the other made the ticket's rating, and
        # this one changes it.
        answer, alerts = _rate(link, locale, follow_up, follow_up_hours)
    # Waking the alert worker costs a query; most ratings raise no alert.
    if alerts:
        outbox.wake()
    return answer


def _rate(link, locale, follow_up, follow_up_hours):
    site = link.site
    # Serialized: two clicks on one ticket at once must not both count the score each read.
    with serialized(lambda: LinkRating.select().where((LinkRating.site == site) & (LinkRating.ref == link.ref))) \
            as (ratings,):
        found = ratings[0] if ratings else None
        alerts = 0
        if found is None:
            fields = {**link.answer_fields(), "locale": locale, "key": "link-" + secrets.token_urlsafe(16)}
            answer = Answer.from_fields(site, fields)
            answer.save(force_insert=True)
            rollups.count_answer(answer)
            LinkRating.create(site=site, ref=link.ref, answer=answer)
            # A difficult rating's alerts wait for its reasons, as the widget's do.
            alerts = Delivery.enqueue_for(answer, waiting=True)
        else:
            answer = Answer.get_by_id(found.answer_id)
            answer.site = site
            # The ticket keeps the scale it was rated on, whatever the link or the site says now.
            scale = SCALES[answer.scale]
            if not scale.is_valid(link.score):
                raise PayloadError("score", f"must be from 1 to {scale.points}: this ticket was rated on the "
                                            f"{scale.noun}", 404)
            changing = answer.score != link.score
            if (changing and is_closed(found, site)) or (
                    not changing and not takes_follow_up(found, site, follow_up_hours)):
                raise RatingClosed()
            if changing:
                alerts = change_score(answer, link.score)
        if follow_up is not None:
            alerts += add_follow_up(answer, *follow_up)
    return answer, alerts


def change_score(answer, score):
    """Give a ticket's rating another score, its counts and alerts in step. A score of
    another class takes its follow-up away: the reasons and comment answered the question
    the old score was asked ("what made it hard?"), and the page asks the new one afresh.
    Inside the rating's transaction; return how many alerts it queued."""
    rollups.count_answer(answer, -1)
    scale = SCALES[answer.scale]
    before = answer.effort_class
    answer.score, answer.effort_class, answer.ease = score, scale.effort_class(score), scale.ease(score)
    if answer.effort_class != before:
        answer.reasons, answer.comment = [], ""
    answer.updated_at = utcnow()
    answer.save()
    rollups.count_answer(answer, +1)
    targets = Delivery.targets_for(answer)
    Delivery.withdraw_unmatched(answer, targets)
    Delivery.enqueue(answer, targets, waiting=True)
    return len(targets)


def add_follow_up(answer, reasons, comment):
    """Give a ticket's rating its reasons and comment (again, while it may be changed), as
    the widget's follow-up is stored; reasons only while it is difficult, as the page offers
    them. Inside the rating's transaction; return how many alerts it queued or let go."""
    return ingest.record_follow_up(answer, reasons if answer.effort_class == DIFFICULT else [], comment)

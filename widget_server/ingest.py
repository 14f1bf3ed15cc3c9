"""What the widget writes, from the request to the database and back: an answer the
moment a customer picks a score, its one optional follow-up, and the prompts seen.

Each view is the same short list of steps: read the JSON body (each key once), find the
site and check that the page may use it (then count its allowance), check every field,
then store the row, its counts and its alerts in one transaction, all or none. The
answering browser makes a secret and sends it with the answer; only its hash is kept, and
only that secret opens the answer's follow-up, so an answer's id (which alerts, exports
and the read API show) reveals nothing and opens nothing.
"""
import datetime

import peewee
from flask import Blueprint, current_app, jsonify, request

from . import outbox, rollups
from .db import CachedInsert, transaction
from .errors import json_errors
from .limits import limit_public
from .alert_models import Delivery
from .models import Answer, Impression, utcnow
from .origins import site_for
from .payloads import (FOLLOW_UP_CHECKS, IMPRESSION_CHECKS, KEY, RECOVERY_CHECKS, PayloadError, answer_fields, clean,
                       read_json_object, site_key)

bp = json_errors(limit_public(Blueprint("ingest", __name__, url_prefix="/api/v1")))

INSERT_ANSWER = CachedInsert(Answer)
INSERT_IMPRESSION = CachedInsert(Impression)


@bp.post("/answers")
def create_answer():
    """Store an answer the moment the customer picks a score; a retry returns the first."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    answer = Answer.from_fields(site, answer_fields(data))
    stored, created = store_answer(answer)
    # The same id sent by anyone but the browser that gave it, or with another score, is
    # refused the same way whatever it claims: the refusal reveals nothing about the answer.
    if not created and not stored.is_retry_of(answer):
        raise PayloadError("id", "was already used for another answer", 409)
    return jsonify({"id": stored.key, "class": stored.effort_class}), 201 if created else 200


@bp.post("/answers/<answer_id>/follow-up")
def add_follow_up(answer_id):
    """Attach the optional reasons and comment to an answer, for its own browser only, once."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = clean(data, FOLLOW_UP_CHECKS, required=("site",))
    answer = Answer.opened_by(site, answer_id, fields.get("secret"), fields.get("token"),
                              current_app.config["SECRET_KEY"]) if KEY.fullmatch(answer_id) else None
    # No such answer and someone else's look alike, so neither tells whether an id exists.
    if answer is None:
        raise PayloadError("secret", "does not open an answer with this id", 403)
    still_open(answer, "takes no more follow-ups: they close {hours} hours after the answer")
    reasons, comment = fields.get("reasons", []), fields.get("comment", "")
    # One follow-up per answer; the same one sent again is a retry.
    if answer.updated_at is not None:
        if (answer.reasons, answer.comment) != (reasons, comment):
            raise PayloadError("comment", "this answer already has its follow-up", 409)
    else:
        store_follow_up(answer, reasons, comment)
    return jsonify({"id": answer.key, "class": answer.effort_class})


@bp.post("/answers/<answer_id>/recovery")
def took_recovery(answer_id):
    """Note that the visitor took the recovery link offered after their answer; its own
    browser only (the answer's secret), once (again changes nothing)."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = clean(data, RECOVERY_CHECKS, required=("site", "secret"))
    answer = Answer.opened_by(site, answer_id, fields["secret"]) if KEY.fullmatch(answer_id) else None
    if answer is None:
        raise PayloadError("secret", "does not open an answer with this id", 403)
    if not answer.recovery_offered:
        raise PayloadError("id", "no recovery link was offered with this answer", 409)
    still_open(answer, "is closed: the recovery link is counted up to {hours} hours after the answer")
    (Answer.update(recovery_taken_at=utcnow())
     .where(Answer.id == answer.id, Answer.recovery_taken_at.is_null()).execute())
    return "", 204


def still_open(answer, refusal):
    """Refuse (410, `refusal` with its {hours}) what comes for an answer past FOLLOW_UP_HOURS."""
    hours = current_app.config["FOLLOW_UP_HOURS"]
    if utcnow() > answer.created_at + datetime.timedelta(hours=hours):
        raise PayloadError("id", refusal.format(hours=hours), 410)


@bp.post("/impressions")
def record_impression():
    """Count a prompt a visitor saw, so the summary can show response rates."""
    data = read_json_object(request)
    site = site_for(site_key_of(data), writing=True)
    fields = clean(data, IMPRESSION_CHECKS, required=("site", "touchpoint"))
    del fields["site"]
    store_impression(Impression(site=site, **fields))
    return "", 204


def site_key_of(data):
    """Return the body's site key, checked first so the origin is verified before the rest."""
    if data.get("site") is None:
        raise PayloadError("site", "is required")
    return site_key("site", data["site"])


def store_answer(answer):
    """Store a new answer with its counts and the alerts it raises, all or none; return
    (the stored answer, whether it is new): an id seen before returns the first one."""
    try:
        with transaction():
            answer.id = INSERT_ANSWER.run(answer.__data__)
            rollups.count_answer(answer)
            # They wait for the customer's follow-up, which says what went wrong.
            alerts = Delivery.enqueue_for(answer, waiting=True)
    except peewee.IntegrityError:
        # Stored before (a retry, or two deliveries racing): the first one's row stands.
        first = Answer.get_or_none(Answer.site == answer.site_id, Answer.key == answer.key)
        if first is None:
            raise
        return first, False
    # Waking the alert worker costs a query; most answers raise no alert.
    if alerts:
        outbox.wake()
    return answer, True


def store_follow_up(answer, reasons, comment):
    """Give an answer its reasons and comment, keeping the reason counts in step, and send
    its alerts: those waiting for it, and those that now apply (a comment can make it meet
    a rule it did not meet)."""
    with transaction():
        alerts = record_follow_up(answer, reasons, comment)
    if alerts:
        outbox.wake()


def record_follow_up(answer, reasons, comment):
    """The writes of store_follow_up, inside the caller's transaction (a rating link's too);
    return how many alerts it queued or let go."""
    rollups.count_reasons(answer, answer.reasons, -1)
    rollups.count_reasons(answer, reasons, +1)
    answer.reasons, answer.comment, answer.updated_at = reasons, comment, utcnow()
    answer.save()
    return Delivery.enqueue_for(answer) + Delivery.release_waiting(answer)


def store_impression(impression):
    """Store a prompt seen, with its count."""
    with transaction():
        impression.id = INSERT_IMPRESSION.run(impression.__data__)
        rollups.count_impression(impression)

"""Tables of alerts: where a site's alerts go (Webhook) and the outbox of alerts to send
(Delivery), queued in the transaction that stores an answer or its follow-up. webhooks.py
checks targets and builds bodies; outbox.py delivers."""
import datetime
import uuid

import peewee

from .db import FixedSelect, flask_db
from .models import Answer, Site, utcnow
from .scales import DIFFICULT, SCALES

RULES = {
    "difficult": "difficult answers",
    "score_at_most": "answers with an ease index of at most N (0 hardest – 100 easiest)",
    "comment": "answers with a comment",
    "any": "every answer",
}
FORMATS = {"json": "JSON", "slack": "Slack-compatible text"}
# An e-mail target's address is mailto: and its addresses (RFC 6068), its format this one.
EMAIL = "email"


class Webhook(flask_db.Model):
    """Where a site's alerts go, and which answers it wants to hear about."""

    site = peewee.ForeignKeyField(Site, backref="webhooks", on_delete="CASCADE")
    url = peewee.CharField(max_length=2000)
    # Signs every delivery; the receiver holds a copy, so it is kept as it is and shown once.
    secret = peewee.CharField(max_length=80)
    rule = peewee.CharField(max_length=16, default="difficult")
    threshold = peewee.IntegerField(null=True)
    touchpoint = peewee.CharField(max_length=40, default="")
    format = peewee.CharField(max_length=8, default="json")
    active = peewee.BooleanField(default=True)
    # Why it was paused when the server paused it (a receiver that answered 410 Gone).
    paused_reason = peewee.CharField(max_length=200, default="")
    # Seconds an alert for a new answer waits for the customer's follow-up before it goes.
    grace_seconds = peewee.IntegerField(default=60)
    # Made before Standard Webhooks: its deliveries also carry the old X-CES-* headers, which
    # its receiver verifies (see webhooks.signature_headers).
    legacy_signature = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)

    @property
    def is_email(self):
        return self.url.startswith("mailto:")

    def addresses(self):
        """An e-mail target's addresses."""
        return self.url.removeprefix("mailto:").split(",") if self.is_email else []

    def matches(self, answer):
        """Tell whether an answer, as it is now, is one this target wants to hear about."""
        if self.touchpoint and answer.touchpoint != self.touchpoint:
            return False
        if self.rule == "difficult":
            return answer.effort_class == DIFFICULT
        if self.rule == "score_at_most":
            return answer.ease <= (self.threshold or 0)
        if self.rule == "comment":
            return bool(answer.comment)
        return self.rule == "any"

    def describe(self):
        rule = RULES[self.rule].replace("N", str(self.threshold))
        if self.rule == "score_at_most":
            scale = SCALES[self.site.scale_for(self.touchpoint)]
            rule += f": {scale.scores_up_to(self.threshold)} on the {scale.noun}"
        wait = f", after up to {self.grace_seconds} s for the follow-up" if self.grace_seconds else ""
        kind = "e-mail" if self.is_email else FORMATS[self.format]
        return f"{rule}{' on ' + self.touchpoint if self.touchpoint else ''}, as {kind}{wait}"


class Delivery(flask_db.Model):
    """One alert for one target: the outbox row, retried until delivered or given up."""

    webhook = peewee.ForeignKeyField(Webhook, backref="deliveries", on_delete="CASCADE")
    answer = peewee.ForeignKeyField(Answer, null=True, on_delete="CASCADE")  # none for a test alert
    # Receivers use it to recognise a retry of an alert they already handled.
    alert_id = peewee.CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    status = peewee.CharField(max_length=9, default="pending")  # pending, delivered, failed
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow)
    # A worker holds a delivery while it sends it, so two workers never send the same one.
    claimed_until = peewee.DateTimeField(null=True)
    last_status = peewee.IntegerField(null=True)
    last_error = peewee.CharField(max_length=500, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    delivered_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "next_attempt_at"), False),
            # One alert per answer and target, however often its rules are checked.
            (("webhook", "answer"), True),
        )

    @classmethod
    def enqueue_for(cls, answer, waiting=False):
        """Queue an alert for each active target whose rule the answer now meets; call inside
        the transaction that stored the answer or its follow-up, so none is lost. waiting: a
        new answer's, which waits for its follow-up up to the target's grace period. Return
        how many targets matched (each has its one delivery, new or from before)."""
        targets = cls.targets_for(answer)
        cls.enqueue(answer, targets, waiting)
        return len(targets)

    @classmethod
    def release_waiting(cls, answer):
        """The follow-up has come: the answer's alerts still waiting for it go now, with it.
        Return how many."""
        return (cls.update(next_attempt_at=utcnow())
                .where((cls.answer == answer) & (cls.status == "pending") & (cls.attempts == 0)).execute())

    @classmethod
    def withdraw_unmatched(cls, answer, targets):
        """An answer changed (a rating link's new score): its alerts not yet tried to other
        targets than `targets` (those whose rule it now meets) are not sent."""
        return (cls.delete().where((cls.answer == answer) & (cls.status == "pending") & (cls.attempts == 0)
                                   & cls.webhook.not_in([webhook.id for webhook in targets])).execute())

    @staticmethod
    def targets_for(answer):
        """The site's active webhooks whose rule the answer meets."""
        return [webhook for webhook in ACTIVE_WEBHOOKS_OF_SITE(answer.site_id) if webhook.matches(answer)]

    @classmethod
    def enqueue(cls, answer, targets, waiting=False):
        """Queue the answer's alert for each of these targets that has none yet (waiting: due
        once the target's grace period has passed)."""
        now = utcnow()
        for webhook in targets:
            due = now + datetime.timedelta(seconds=webhook.grace_seconds) if waiting else now
            cls.insert(webhook=webhook, answer=answer, alert_id=str(uuid.uuid4()),
                       next_attempt_at=due).on_conflict_ignore().execute()


ACTIVE_WEBHOOKS_OF_SITE = FixedSelect(lambda site_id: Webhook.select().where((Webhook.site == site_id) & Webhook.active))

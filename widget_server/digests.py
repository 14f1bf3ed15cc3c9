"""E-mail digests: each subscribed admin gets, for each site they may see, the day before
(daily) or the week before (weekly, on Mondays) at the hour they chose in the site's time
zone: the headline against the period before, the hardest places with their change, and
the new difficult comments, with links into the admin.

Sent exactly once per admin, site and period, by whichever server process gets there
first: a period that is due becomes a DigestSend row (unique per admin, site and period),
and a worker claims the row before it sends it, the outbox's rules. A period is due from
its hour to the end of that local day; a server that was down all day does not send it
late. A failed send is retried with a growing pause; a crash between the SMTP server
taking the message and the row being marked sent sends it again once the claim expires.
"""
import datetime
import hashlib
import hmac
import logging

import peewee
from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from . import mail, ranking, reports, rollups, stats
from .db import claimed_when_due, flask_db
from .models import AdminUser, Answer, Site, utcnow
from .scales import DIFFICULT

log = logging.getLogger(__name__)

CLAIM_SECONDS = 300
RETRY_MINUTES = (5, 15, 60, 180)
HOT_SPOTS = 5
COMMENTS = 3


class DigestSend(flask_db.Model):
    """One admin's digest of one site for one period: claimed, sent, or retried."""

    admin = peewee.ForeignKeyField(AdminUser, on_delete="CASCADE")
    site = peewee.ForeignKeyField(Site, on_delete="CASCADE")
    period = peewee.CharField(max_length=24)  # "daily 2026-11-30", "weekly 2026-11-23": the first day
    status = peewee.CharField(max_length=9, default="pending")  # pending, sent, skipped, failed
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow)
    claimed_until = peewee.DateTimeField(null=True)
    last_error = peewee.CharField(max_length=500, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    sent_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("admin", "site", "period"), True),)


def latest_period(kind, local_now, hour=None):
    """(period name, first day, last day) of the latest whole day or Monday-to-Sunday week
    before `local_now`; with `hour`, only when it is due: at or after that hour of the day it
    is sent (any Monday for a week), else None."""
    today = local_now.date()
    if kind == "weekly":
        if hour is not None and today.weekday() != 0:
            return None
        monday = today - datetime.timedelta(days=today.weekday())
        start, end = monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)
    else:
        start = end = today - datetime.timedelta(days=1)
    if hour is not None and local_now.hour < hour:
        return None
    return f"{kind} {start.isoformat()}", start, end


def local_now(site, now):
    return now.replace(tzinfo=datetime.timezone.utc).astimezone(rollups.zone(site.time_zone))


def queue_due(now=None):
    """Make the row of every digest now due that has none yet."""
    now = now or utcnow()
    subscribed = AdminUser.select().where((AdminUser.digest != "") & (AdminUser.email != ""))
    due = set()
    for admin in subscribed:
        for site in admin.visible_sites():
            period = latest_period(admin.digest, local_now(site, now), admin.digest_hour)
            if period:
                due.add((admin.id, site.id, period[0]))
    if not due:
        return
    # Asked every minute for the rest of a due day: one read finds the rows made already.
    made = set(DigestSend.select(DigestSend.admin, DigestSend.site, DigestSend.period)
               .where(DigestSend.period.in_({period for _, _, period in due})).tuples())
    missing = [{"admin": admin_id, "site": site_id, "period": period, "next_attempt_at": now}
               for admin_id, site_id, period in sorted(due - made)]
    if missing:
        # Another server may make the same rows in the meantime: the unique index keeps one.
        DigestSend.insert_many(missing).on_conflict_ignore().execute()


def send_due(config, now=None):
    """Queue the digests now due and send each that no other worker holds; return how many
    were tried."""
    if not mail.configured(config):
        return 0
    now = now or utcnow()
    queue_due(now)
    tried = 0
    for row in claimed_when_due(DigestSend, now, CLAIM_SECONDS):
        attempt(row, config)
        tried += 1
    return tried


def attempt(row, config):
    """Send one claimed digest and record what happened."""
    admin, site = row.admin, row.site
    kind, _, first = row.period.partition(" ")
    start = datetime.date.fromisoformat(first)
    end = start + datetime.timedelta(days=6 if kind == "weekly" else 0)
    error = ""
    # Sent only to someone still subscribed who may still see the site.
    wanted = bool(admin.digest and admin.email and admin.sees(site.key))
    if wanted:
        try:
            mail.send(config, digest_message(config, admin, site, kind, start, end))
        except mail.MailError as problem:
            error = str(problem)
    row.attempts += 1
    row.claimed_until = None
    row.last_error = error[:500]
    if not wanted:
        row.status = "skipped"
    elif not error:
        row.status, row.sent_at = "sent", utcnow()
    elif row.attempts > len(RETRY_MINUTES):
        row.status = "failed"
    else:
        row.next_attempt_at = utcnow() + datetime.timedelta(minutes=RETRY_MINUTES[row.attempts - 1])
    row.save()
    log.info("digest %s of site %s for admin %s: %s", row.period, site.key, admin.id, error or "sent")


def unsubscribe_serializer(config):
    return URLSafeSerializer(config["SECRET_KEY"], salt="digest-unsubscribe")


def admin_mark(admin):
    """Tells an admin from one made later under a reused id, without putting their name in the link."""
    return hashlib.sha256(f"{admin.username}\n{admin.created_at.isoformat()}".encode()).hexdigest()[:16]


def unsubscribe_token(config, admin):
    return unsubscribe_serializer(config).dumps([admin.id, admin_mark(admin)])


def admin_of_token(config, token):
    """The admin an unsubscribe token was made for, or None (forged, or that admin is gone)."""
    try:
        admin_id, mark = unsubscribe_serializer(config).loads(token)
        admin = AdminUser.get_or_none(AdminUser.id == int(admin_id))
    except (BadSignature, ValueError, TypeError, OverflowError):
        return None
    return admin if admin is not None and hmac.compare_digest(admin_mark(admin), str(mark)) else None


def place_changes(filters, places):
    """{(touchpoint, name): (change in % difficult against the period before, within noise)}."""
    before = {(row.touchpoint, row.name): row for row in ranking.group_rows(filters.previous(), rollups.PLACE)}
    changes = {}
    for place in places:
        old = before.get((place.touchpoint, place.name))
        if old is None or not old.answers:
            changes[place.touchpoint, place.name] = (None, True)
            continue
        change = place.difficult_percent - 100 * old.difficult / old.answers
        noise = stats.proportion_change_is_noise(old.difficult, old.answers, place.difficult, place.answers)
        changes[place.touchpoint, place.name] = (change, noise)
    return changes


def digest_message(config, admin, site, kind, start, end):
    """The digest e-mail of one site for the days from start to end, HTML and plain text."""
    filters = reports.Filters(start, end, site.id, None, site.time_zone)
    figures, metrics = reports.headline(filters)
    hot_spots = [place for place in ranking.hot_spots(filters, config["HOTSPOT_MIN_ANSWERS"], limit=HOT_SPOTS).places
                 if place.difficult]
    difficult_comments = (reports.answers_in(filters)
                          .where((Answer.comment != "") & (Answer.effort_class == DIFFICULT)))
    context = {
        "admin": admin, "site": site, "kind": kind, "start": start, "end": end, "figures": figures,
        "metrics": [metric for metric in metrics if metric.key in ("answers", "ease_index", "easy", "difficult")],
        "hot_spots": hot_spots, "changes": place_changes(filters, hot_spots),
        "comment_count": difficult_comments.count(),
        "comments": [(local_now(site, answer.created_at), answer) for answer in
                     difficult_comments.order_by(Answer.created_at.desc(), Answer.id.desc()).limit(COMMENTS)],
    }
    title = "Daily" if kind == "daily" else "Weekly"
    days = start.strftime("%d %b %Y") if start == end else f"{start:%d %b} – {end:%d %b %Y}"
    subject = f"{title} CES digest for {site.name}: {days}"
    # Links into the admin at PUBLIC_URL, built as a request there would build them.
    with current_app.test_request_context("/", base_url=config["PUBLIC_URL"]):
        context["links"] = links(admin, site, hot_spots, start, end, config)
        text, html = render_template("email/digest.txt", **context), render_template("email/digest.html", **context)
    return mail.message(config, [admin.email], subject, text, html,
                        headers={"List-Unsubscribe": f"<{context['links']['unsubscribe']}>",
                                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def links(admin, site, hot_spots, start, end, config):
    period = {"site": site.key, "from": start.isoformat(), "to": end.isoformat()}
    return {
        "summary": url_for("admin.summary", _external=True, **period),
        "comments": url_for("admin.answers", _external=True, **period, **{"class": DIFFICULT, "with": "comment"}),
        "places": {(place.touchpoint, place.name): url_for("admin.hot_spot", place=place.name, _external=True, **period)
                   for place in hot_spots},
        "account": url_for("team.account", _external=True),
        "unsubscribe": url_for("unsubscribe.confirm", token=unsubscribe_token(config, admin), _external=True),
    }


def digest_now(config, admin, now=None):
    """The messages of `admin`'s digest for the latest period, one per site, as sent now
    (for `widget-server digest send`)."""
    now = now or utcnow()
    kind = admin.digest or "daily"
    messages = []
    for site in admin.visible_sites().order_by(Site.name):
        _, start, end = latest_period(kind, local_now(site, now))
        messages.append(digest_message(config, admin, site, kind, start, end))
    return messages

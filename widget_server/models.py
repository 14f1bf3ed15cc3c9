"""Tables: sites, answers, impressions, admin users (with their roles and sites) and read-API tokens. The alert tables are
in alert_models.py, the count tables in rollups.py."""
import datetime
import functools
import hashlib
import hmac
import re
import secrets
import time

import peewee
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from . import locales, rollups
from .db import FixedSelect, JSONField, flask_db, serialized
from .scales import DEFAULT_SCALE, SCALES
from .site_settings import DEFAULT_SEARCH_PARAMETERS, SITE_SETTING_CHECKS, SiteSettingError, normalise_origin


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def new_link_secret():
    return secrets.token_urlsafe(32)


class Site(flask_db.Model):
    key = peewee.CharField(max_length=64, unique=True)
    name = peewee.CharField(max_length=200)
    # Name used in questions such as "{company} made it easy ..."; blank: the site name.
    company = peewee.CharField(max_length=200, default="")
    origins = JSONField(default=list)
    scale = peewee.CharField(max_length=16, default=DEFAULT_SCALE)
    # {touchpoint: scale name} where a touchpoint differs from the site's scale.
    touchpoint_scales = JSONField(default=dict)
    cooldown_days = peewee.IntegerField(default=30)
    sample_percent = peewee.IntegerField(default=100)
    auto_delay_seconds = peewee.IntegerField(default=20)
    auto_scroll_percent = peewee.IntegerField(default=50)
    # {language or "*": {string key: text}}, see locales.strings_for.
    texts = JSONField(default=dict)
    # What the widget sends with each answer (Answer.seconds_on_page, Answer.search): the
    # time on the page, and the search that led to it from these query parameters of a
    # same-origin referrer (none: no search is collected).
    collect_time_on_page = peewee.BooleanField(default=True)
    search_parameters = JSONField(default=lambda: list(DEFAULT_SEARCH_PARAMETERS))
    # The page offered right after a difficult answer ("Still stuck? Contact support"), for
    # every touchpoint and per touchpoint ({touchpoint: address}); "": none.
    recovery_url = peewee.CharField(max_length=500, default="")
    recovery_urls = JSONField(default=dict)
    # The IANA time zone the site's days are counted in: the summary's days and weeks, date
    # filters, the default period and retention (see rollups.local_day).
    time_zone = peewee.CharField(max_length=64, default="UTC")
    # Answers older than this many days are purged; none: kept until deleted.
    retention_days = peewee.IntegerField(null=True)
    # Rating links in e-mails (links.py): the days a customer may change a ticket's rating,
    # whether a link must carry a signature, and the secret signing them.
    link_change_days = peewee.IntegerField(default=7)
    signed_links_only = peewee.BooleanField(default=False)
    link_secret = peewee.CharField(max_length=64, default=lambda: new_link_secret())
    created_at = peewee.DateTimeField(default=utcnow)

    @classmethod
    def create_with_key(cls, name, origins, **settings):
        """Create a site with a fresh random key after checking its settings."""
        site = cls(key="s" + secrets.token_urlsafe(12), name=name.strip(), origins=[])
        # The name is checked like any setting, on create as on edit.
        site.change(origins=origins, name=name, **settings)
        site.save(force_insert=True)
        return site

    def change(self, *, origins=None, add_origins=(), remove_origins=(), **settings):
        """Apply settings, checking each; raises SiteSettingError naming the bad one."""
        if origins is not None:
            self.origins = []
        for origin in list(origins or ()) + list(add_origins):
            origin = normalise_origin(origin)
            if origin not in self.origins:
                self.origins.append(origin)
        for origin in remove_origins:
            origin = normalise_origin(origin)
            if origin not in self.origins:
                raise SiteSettingError(f"origin: {origin} is not on this site's list")
            self.origins.remove(origin)
        for name, value in settings.items():
            check = SITE_SETTING_CHECKS.get(name)
            if check is None:
                raise SiteSettingError(f"{name}: not a site setting")
            value = check(value)
            # A site's counts are kept by its local days: another zone counts them again (save).
            if name == "time_zone" and value != self.time_zone and self.id is not None:
                self.zone_changed = True
            setattr(self, name, value)
        # Checked last, after a new name is in: a site left without one can still be named.
        if not self.name:
            raise SiteSettingError("name: give the site a name")

    def save(self, *args, **kwargs):
        with flask_db.database.atomic():
            saved = super().save(*args, **kwargs)
            if getattr(self, "zone_changed", False):
                rollups.rebuild(site_ids=[self.id])
                self.zone_changed = False
        forget_cached_site(self.key)
        return saved

    def scale_for(self, touchpoint):
        return self.touchpoint_scales.get(touchpoint, self.scale)

    def configured_touchpoints(self):
        """The touchpoints this site gave a scale, a recovery link or, in any language, a
        question of their own."""
        questions = {key.removeprefix("question.") for strings in self.texts.values() for key in strings
                     if key.startswith("question.") and key.count(".") == 1}
        return set(self.touchpoint_scales) | set(self.recovery_urls) | questions

    def recovery_for(self, touchpoint):
        """The recovery link's address for a touchpoint, or "" when it has none. A touchpoint
        the site has not named is asked like self-service (widget_config), link included."""
        named = set(locales.BUILT_IN_TOUCHPOINTS) | self.configured_touchpoints()
        return self.recovery_urls.get(touchpoint if touchpoint in named else "self-service", self.recovery_url)

    def kept_journey(self, fields):
        """The answer's fields without the parts of its journey this site does not collect:
        a widget with an older configuration, or anyone else, may still send them."""
        fields = dict(fields)
        if not self.collect_time_on_page:
            fields.pop("seconds_on_page", None)
        if not self.search_parameters:
            fields.pop("search", None)
        # Offered only where the touchpoint has a link, and only after a difficult answer.
        if fields.get("recovery_offered") and not (
                self.recovery_for(fields["touchpoint"])
                and SCALES[fields["scale"]].effort_class(fields["score"]) == "difficult"):
            fields["recovery_offered"] = False
        return fields

    def journey_config(self):
        """What the widget collects with each answer (see kept_journey)."""
        return {"seconds": self.collect_time_on_page, "search": self.search_parameters}

    def allows_origin(self, origin):
        return origin is not None and origin.lower() in self.origins

    def script_tag(self, public_url, widget_url=None):
        """The tag to paste; with the script on a CDN it names the API's server too."""
        public_url = public_url.rstrip("/")
        widget_url = (widget_url or public_url).rstrip("/")
        api = f' data-ces-api="{public_url}/"' if widget_url != public_url else ""
        return f'<script src="{widget_url}/widget.js" data-site="{self.key}"{api} async></script>'


class Answer(flask_db.Model):
    site = peewee.ForeignKeyField(Site, backref="answers", on_delete="CASCADE")
    # Chosen by the browser; the same key again is a retry, never a second answer.
    key = peewee.CharField(max_length=64)
    touchpoint = peewee.CharField(max_length=40)
    ref = peewee.CharField(max_length=200, default="")
    page_url = peewee.CharField(max_length=2000, default="")
    scale = peewee.CharField(max_length=16)
    score = peewee.SmallIntegerField()
    effort_class = peewee.CharField(max_length=9)
    ease = peewee.DoubleField()
    reasons = JSONField(default=list)
    comment = peewee.TextField(default="")
    locale = peewee.CharField(max_length=35, default="")
    customer = peewee.CharField(max_length=200, default="")
    agent = peewee.CharField(max_length=200, default="")
    conversation = peewee.CharField(max_length=200, default="")
    meta = JSONField(default=dict)
    # The label of the content's revision the answer is about ("" when the page gave none).
    version = peewee.CharField(max_length=40, default="")
    # What led to the answer, where the site collects it: seconds from the navigation's start
    # to the answer, and the help-centre search (a same-origin referrer's query) before it.
    seconds_on_page = peewee.IntegerField(null=True)
    search = peewee.CharField(max_length=200, default="")
    # Whether the widget offered the site's recovery link after this (difficult) answer, and
    # when the visitor took it.
    recovery_offered = peewee.BooleanField(default=False)
    recovery_taken_at = peewee.DateTimeField(null=True)
    # The SHA-256 of the secret only the answering browser holds (empty for answers given
    # before secrets, whose browsers hold a token instead; see token_matches).
    secret_hash = peewee.CharField(max_length=64, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("site", "key"), True),
            (("site", "created_at"), False),
            (("site", "touchpoint", "created_at"), False),
            # Drill-down into one page, article or bot.
            (("site", "ref", "created_at"), False),
            (("site", "agent", "created_at"), False),
        )

    @classmethod
    def from_fields(cls, site, fields):
        """The row for an answer's checked fields (payloads.answer_fields), its class and
        ease worked out, its secret kept only as a hash."""
        fields = site.kept_journey(fields)
        secret = fields.pop("secret", None)
        scale = SCALES[fields["scale"]]
        return cls(**fields, site=site, effort_class=scale.effort_class(fields["score"]),
                   ease=scale.ease(fields["score"]), secret_hash=hash_secret(secret) if secret else "")

    def record(self, site_key):
        """The answer as the export, the read API and alerts give it out; its keys are the
        export's columns (docs/api.md)."""
        return {
            "id": self.key, "created_at": self.created_at.isoformat() + "Z", "site": site_key,
            "touchpoint": self.touchpoint, "ref": self.ref, "page_url": self.page_url, "scale": self.scale,
            "score": self.score, "class": self.effort_class, "ease": round(self.ease, 2), "reasons": self.reasons,
            "comment": self.comment, "locale": self.locale, "customer": self.customer, "agent": self.agent,
            "conversation": self.conversation, "meta": self.meta, "version": self.version,
            "seconds_on_page": self.seconds_on_page, "search": self.search, "recovery": self.recovery,
        }

    @property
    def recovery(self):
        """"taken", "offered" or "" (the recovery link was not offered)."""
        return "taken" if self.recovery_taken_at else "offered" if self.recovery_offered else ""

    def is_retry_of(self, other):
        """Whether `other`, a row made from a request with this one's id, is this answer
        sent again by the browser that gave it: the same score, with the secret only that
        browser holds."""
        return (bool(self.secret_hash) and hmac.compare_digest(self.secret_hash, other.secret_hash)
                and (self.touchpoint, self.scale, self.score) == (other.touchpoint, other.scale, other.score))

    @classmethod
    def opened_by(cls, site, key, secret=None, token=None, secret_key=""):
        """The answer of this site and id that this follow-up's secret opens (or, for an
        answer given before secrets, its token), or None. The secret is part of the query:
        an unknown id and a wrong secret take the same way, in the same time."""
        answers = cls.select().where(cls.site == site, cls.key == key)
        if secret is not None:
            answer = answers.where(cls.secret_hash == hash_secret(secret)).first()
        else:
            answer = answers.where(cls.secret_hash == "").first() if token is not None else None
            answer = answer if answer is not None and answer.token_matches(token, secret_key) else None
        if answer is not None:
            answer.site = site  # counting its follow-up needs the site's time zone: no second read
        return answer

    def follow_up_token(self, secret_key):
        """The token release 0.1's widget was given for an answer, to add its follow-up."""
        message = f"follow-up:{self.site_id}:{self.key}".encode()
        return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]

    def token_matches(self, token, secret_key):
        return hmac.compare_digest(self.follow_up_token(secret_key), str(token))


def hash_secret(secret):
    # Secrets are 128 random bits made by the browser: a fast hash is enough to keep only
    # something that cannot open the answer, no password stretching needed.
    return hashlib.sha256(secret.encode()).hexdigest()


class Impression(flask_db.Model):
    """A prompt that a visitor actually saw; answers divided by these is the response rate."""

    site = peewee.ForeignKeyField(Site, backref="impressions", on_delete="CASCADE")
    touchpoint = peewee.CharField(max_length=40)
    ref = peewee.CharField(max_length=200, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "touchpoint", "created_at"), False),)


# Each role may do what the ones before it may: a viewer reads the summary, answers, comments
# and export of the sites given; an editor also changes those sites' settings, alerts, API
# tokens and privacy deletions; an owner does everything on every site, admins included.
ROLES = ("viewer", "editor", "owner")
DIGESTS = ("", "daily", "weekly")
# One address, as HTML's e-mail inputs take it (no spaces or line breaks, which would let
# it add a mail header; a domain outside ASCII in its xn-- form), and a dot in the domain.
# No "%" (the old relay form user%other@host) and no address literal: the last label starts
# with a letter.
EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                           r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class AdminUser(flask_db.Model):
    username = peewee.CharField(max_length=80, unique=True)
    password_hash = peewee.CharField(max_length=255)
    # Every session carries the version it was made in; a logout or a new password draws a
    # new one, which ends every earlier session of this admin, stolen cookies included.
    # Drawn at random, not counted: an admin made later under a reused id (SQLite reuses
    # the last one) must not take the sessions of the one removed.
    session_version = peewee.IntegerField(default=lambda: new_session_version())
    created_at = peewee.DateTimeField(default=utcnow)
    last_login_at = peewee.DateTimeField(null=True)
    # One of ROLES. The default is what every admin made before roles could do (schema 8).
    role = peewee.CharField(max_length=10, default="owner")
    # Where digests go, how often ("", daily or weekly) and at what hour of each site's day.
    email = peewee.CharField(max_length=254, default="")
    digest = peewee.CharField(max_length=10, default="")
    digest_hour = peewee.IntegerField(default=8)

    @classmethod
    def add(cls, username, password, role, sites=()):
        """Create an admin with a role and the sites given; ValueError names what is wrong."""
        username = username.strip()
        if not 0 < len(username) <= 80 or not username.isprintable():
            raise ValueError("username: use 1 to 80 characters, no line breaks")
        if cls.select().where(cls.username == username).exists():
            raise ValueError(f"username: there is already an admin {username!r}")
        admin = cls(username=username, role=role)
        admin.set_password(password)
        with flask_db.database.atomic():
            admin.save()
            admin.give(role, sites)  # checks the role; a refusal takes the new row back
        return admin

    def may(self, role):
        """Whether this admin's role allows what `role` may do."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def visible_sites(self):
        """A query of the sites this admin may see: every site for an owner, else the ones given."""
        if self.role == "owner":
            return Site.select()
        return Site.select().join(AdminSite).where(AdminSite.admin == self.id)

    def site_ids(self):
        """The ids of the sites this admin may see, or None for every site (an owner)."""
        if self.role == "owner":
            return None
        return tuple(site_id for (site_id,) in AdminSite.select(AdminSite.site).where(AdminSite.admin == self.id).tuples())

    def sees(self, site_key):
        return self.role == "owner" or self.visible_sites().where(Site.key == site_key).exists()

    def subscribe(self, email, digest, hour):
        """Set where this admin's digest goes, how often ("" for none) and at what hour."""
        email = email.strip()
        if email and not EMAIL_ADDRESS.fullmatch(email):
            raise ValueError("email: give one address, like name@example.com")
        if digest not in DIGESTS:
            raise ValueError("digest: choose none, daily or weekly")
        if digest and not email:
            raise ValueError("email: give the address the digest goes to")
        try:
            hour = int(hour)
        except (TypeError, ValueError):
            hour = -1
        if not 0 <= hour <= 23:
            raise ValueError("digest_hour: choose an hour from 0 to 23")
        self.email, self.digest, self.digest_hour = email, digest, hour
        AdminUser.update(email=email, digest=digest, digest_hour=hour).where(AdminUser.id == self.id).execute()

    def give(self, role, sites):
        """Make this (saved) admin's role `role` with exactly `sites` (ignored for an owner,
        who sees every site); refuse to leave the team without an owner."""
        if role not in ROLES:
            raise ValueError(f"role: use one of {', '.join(reversed(ROLES))}")
        with owners_locked():
            # Checked under the lock: two owners demoting each other at once leave one.
            if self.role == "owner" and role != "owner" and not other_owners(self).exists():
                raise ValueError(f"role: {self.username} is the only owner; make another admin an owner first")
            AdminUser.update(role=role).where(AdminUser.id == self.id).execute()
            self.role = role
            AdminSite.delete().where(AdminSite.admin == self.id).execute()
            if role != "owner" and sites:
                AdminSite.insert_many([{"admin": self.id, "site": site.id} for site in sites]).execute()

    def remove(self):
        """Delete this admin (their sessions end with them), unless they are the last owner
        of a team that has others (who could then not manage it)."""
        others = AdminUser.select().where(AdminUser.id != self.id)
        if self.role == "owner" and others.exists() and not other_owners(self).exists():
            raise ValueError(f"{self.username} is the only owner; make another admin an owner first")
        self.delete_instance()

    def set_password(self, password):
        if len(password) < 10:
            raise ValueError("password: use at least 10 characters")
        self.password_hash = generate_password_hash(password)
        self.session_version = new_session_version()

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @classmethod
    def logging_in(cls, username, password):
        """The admin with this name and password, or None. An unknown name costs the same
        hash check as a known one, so the time taken tells no name apart."""
        admin = cls.get_or_none(cls.username == username)
        if admin is None:
            check_password_hash(stand_in_password_hash(), password)
            return None
        return admin if admin.check_password(password) else None

    def end_sessions(self):
        """End every session of this admin made so far."""
        AdminUser.update(session_version=new_session_version()).where(AdminUser.id == self.id).execute()


def owners_locked():
    """A transaction in which no other one changes who the owners are until it ends."""
    return serialized(lambda: AdminUser.select(AdminUser.id).where(AdminUser.role == "owner"))


def other_owners(admin):
    return AdminUser.select().where((AdminUser.role == "owner") & (AdminUser.id != admin.id))


class AdminSite(flask_db.Model):
    """A site an editor or viewer is given."""

    admin = peewee.ForeignKeyField(AdminUser, backref="given_sites", on_delete="CASCADE")
    site = peewee.ForeignKeyField(Site, backref="admins", on_delete="CASCADE")

    class Meta:
        indexes = ((("admin", "site"), True),)


def new_session_version():
    # Fits the column's 32-bit integer on PostgreSQL.
    return secrets.randbelow(2**31 - 2) + 1


@functools.cache
def stand_in_password_hash():
    """A hash made the way real ones are, checked for names that have none."""
    return generate_password_hash(secrets.token_hex(16))


class ApiToken(flask_db.Model):
    """A read API token of one site; only its hash is kept, the token itself is shown once."""

    site = peewee.ForeignKeyField(Site, backref="api_tokens", on_delete="CASCADE")
    name = peewee.CharField(max_length=100)
    token_hash = peewee.CharField(max_length=64, unique=True)
    prefix = peewee.CharField(max_length=12)  # enough to tell tokens apart in the admin
    created_at = peewee.DateTimeField(default=utcnow)
    last_used_at = peewee.DateTimeField(null=True)
    revoked_at = peewee.DateTimeField(null=True)

    @staticmethod
    def hash(token):
        # Tokens are 256 random bits: a fast hash is enough, no password stretching needed.
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, site, name):
        """Create a token; return (row, the token itself, which is not stored)."""
        name = name.strip()
        if not 0 < len(name) <= 100:
            raise SiteSettingError("name: give the token a name of up to 100 characters, e.g. 'warehouse sync'")
        token = "ces_" + secrets.token_urlsafe(32)
        return cls.create(site=site, name=name, token_hash=cls.hash(token), prefix=token[:12]), token


SITE_BY_KEY = FixedSelect(lambda key: Site.select().where(Site.key == key))
# Every answer and impression names its site: each process keeps the sites it has looked up
# this long. A change saved by this process applies at once; other processes and servers
# see it within the time.
SITE_CACHE_SECONDS = 2.0


def cached_site(key):
    """The site with this key, or None (an unknown key is looked up every time, so a new
    site works at once)."""
    cache = current_app.extensions.setdefault("sites_by_key", {})
    now = time.monotonic()
    found = cache.get(key)
    if found is None or now - found[1] > SITE_CACHE_SECONDS:
        site = next(iter(SITE_BY_KEY(key)), None)
        if site is None:
            return None
        found = cache[key] = (site, now)
    return found[0]


def forget_cached_site(key):
    if has_app_context():
        current_app.extensions.get("sites_by_key", {}).pop(key, None)

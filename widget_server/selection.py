"""What a request asks to see: a period, a site and a touchpoint, narrowed further by place,
class, a comment or one answer's id. Admin pages read it leniently (Selection reports a
value it cannot use and shows the default); the read API strictly (filters_for refuses
it with a 400). Both take dates, and the default period, by the same rules."""
import datetime
import re

from . import locales, reports, rollups
from .models import Answer, Site
from .payloads import KEY, PayloadError, text
from .payloads import version as VERSION
from .rollups import ScoreCount

DEFAULT_DAYS = 30
EFFORT_CLASSES = ("easy", "neutral", "difficult")
# Sane bounds, so that "the previous period" of a range always exists as a date.
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)
# A date as both take it: YYYY-MM-DD from EARLIEST to LATEST (openapi.py states it).
DATE = re.compile(r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
assert (EARLIEST.year, LATEST.year) == (2000, 2999), "DATE no longer matches EARLIEST and LATEST"
# Query arguments that narrow the answers besides the dates, and what each must be.
PLACE = text(200)
ANSWER_ID = text(64, pattern=KEY, hint="must be an answer's id")
WITH = ("comment",)


def period(first, last, zone="UTC"):
    """(start, end) between two dates given in either order: the earlier starts it. A missing
    end is today (in the time zone), a missing start the DEFAULT_DAYS up to the end."""
    end = last or datetime.datetime.now(rollups.zone(zone)).date()
    start = first or max(EARLIEST, end - datetime.timedelta(days=DEFAULT_DAYS - 1))
    return tuple(sorted((start, end)))


def parsed_date(name, value):
    """The date in a query argument, None when it is empty; else a PayloadError naming it."""
    if not value:
        return None
    try:
        if DATE.fullmatch(value):
            return datetime.date.fromisoformat(value)
    except ValueError:  # a day the month does not have
        pass
    raise PayloadError(name, f"use a date like 2026-01-31, from {EARLIEST} to {LATEST}")


def filters_for(site, args):
    """The read API's filters from the query string; a bad one is a 400 naming it."""
    start, end = period(parsed_date("from", args.get("from", "")), parsed_date("to", args.get("to", "")),
                        site.time_zone)
    touchpoint = args.get("touchpoint", "")
    if touchpoint and not locales.TOUCHPOINT_NAME.fullmatch(touchpoint):
        raise PayloadError("touchpoint", "must be 1-40 of a-z, 0-9 and -, or empty for every touchpoint")
    if args.get("class") and args["class"] not in EFFORT_CLASSES:
        raise PayloadError("class", f"must be one of {', '.join(EFFORT_CLASSES)}")
    if args.get("with") and args["with"] not in WITH:
        raise PayloadError("with", f"must be {' or '.join(WITH)}")
    for name, check in (("place", PLACE), ("id", ANSWER_ID), ("version", VERSION), ("agent", PLACE),
                        ("conversation", PLACE)):
        if args.get(name):
            check(name, args[name])
    return reports.Filters(start, end, site.id, touchpoint or None, site.time_zone)


class Selection:
    """The filters every admin page shares (site, touchpoint, date range), read from the
    query string; a value that cannot be read is reported and replaced by its default."""

    def __init__(self, args, admin):
        self.problems = []
        # "All sites" is the sites this admin may see; no other site is named or counted.
        self.sites = list(admin.visible_sites().order_by(Site.name))
        self.site = next((site for site in self.sites if site.key == args.get("site")), None)
        if args.get("site") and self.site is None:
            self.problems.append("site: unknown site key; showing all sites")
        self.touchpoint = args.get("touchpoint", "")
        if self.touchpoint and not locales.TOUCHPOINT_NAME.fullmatch(self.touchpoint):
            self.problems.append("touchpoint: not a touchpoint name; showing all touchpoints")
            self.touchpoint = ""
        # One site's days are its own; all sites together are counted in UTC days.
        self.zone = self.site.time_zone if self.site else "UTC"
        self.start, self.end = period(self.date(args, "from"), self.date(args, "to"), self.zone)
        seen = None if admin.role == "owner" else tuple(site.id for site in self.sites)
        self.filters = reports.Filters(self.start, self.end, self.site.id if self.site else None,
                                       self.touchpoint or None, self.zone, seen)

    def date(self, args, name):
        try:
            return parsed_date(name, args.get(name, ""))
        except PayloadError as error:
            self.problems.append(f"{error}; showing the default")
            return None

    def args(self, **extra):
        """Query arguments that keep these filters, for links to other admin pages."""
        base = {"site": self.site.key if self.site else None, "touchpoint": self.touchpoint or None,
                "from": self.start.isoformat(), "to": self.end.isoformat()}
        base.update(extra)
        return {name: value for name, value in base.items() if value not in (None, "")}

    def touchpoints(self):
        """Touchpoints to offer in the filter: the built-in ones (support replies' too) and any answered."""
        query = ScoreCount.select(ScoreCount.touchpoint).distinct().where(self.filters.on_sites(ScoreCount.site_id))
        return sorted({*locales.BUILT_IN_TOUCHPOINTS, locales.SUPPORT_REPLY} | {row.touchpoint for row in query})

    def site_names(self):
        return {site.id: site.name for site in self.sites}

    def site_keys(self):
        return {site.id: site.key for site in self.sites}


def narrowed_answers(filters, args):
    """The answers the shared filters select, narrowed further by place, class, a comment,
    an agent, a conversation (a support reply's ticket) or one answer's id (as an alert
    links to it); for the answers page, export and API."""
    query = reports.answers_in(filters)
    if args.get("place"):
        query = reports.at_place(query, args["place"])
    if args.get("id"):
        # An alert's link: that one answer, whenever it was given.
        query = Answer.select().where((Answer.key == args["id"]) & filters.on_sites(Answer.site))
    if args.get("class") in EFFORT_CLASSES:
        query = query.where(Answer.effort_class == args["class"])
    if args.get("with") == "comment":
        query = query.where(Answer.comment != "")
    if args.get("version"):
        query = query.where(Answer.version == args["version"])
    if args.get("agent"):
        query = query.where(Answer.agent == args["agent"])
    if args.get("conversation"):
        query = query.where(Answer.conversation == args["conversation"])
    return query

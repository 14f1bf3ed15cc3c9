"""Small per-day count tables kept in step with every write, so the summary never scans
answers: at a million answers a GROUP BY over raw rows takes seconds, over these a few
milliseconds.

- ScoreCount: answers per site, day, touchpoint, scale and score (a histogram: every
  headline figure, trend and distribution derives from it).
- ImpressionCount: prompts seen per site, day and touchpoint (response rates).
- GroupCount: answers, easy, difficult and summed ease per site, day, touchpoint and
  place (a page, article or bot: the friction hot spots), agent, or the whole site (kind
  "all": the trend reads one row per day and touchpoint).
- VersionCount: GroupCount's place rows again, per revision label, for the answers that
  carry one (whether a place's latest version did better than the one before).
- ReasonCount: one-tap reasons chosen with difficult answers, per place, per agent, and
  site-wide (kind "all"), so the overall drivers are summed from a few rows per day.
- GroupTotal and ReasonTotal: the last two summed over every day still kept, so a view
  of all time reads one row per place (a few thousand) instead of one per place and day
  (hundreds of thousands at a million answers).

Days are the site's own: an answer counts on the date its site's time zone had when it was
given (local_day; rebuild says the same in SQL), so a site in Europe/Amsterdam sees its
evening answers on the day they were given there.

Each answer counts once in ScoreCount, once under kind "place", once under kind "all"
and, with an agent, once under kind "agent"; with a version, once in VersionCount. `rebuild` recomputes everything from the raw rows; a test checks that
the two always agree.
"""
import datetime
import functools
import zoneinfo
from collections import Counter

import peewee

from .db import CachedInsert, flask_db
from .scales import DIFFICULT, EASY

PLACE, AGENT, ALL = "place", "agent", "all"
CHATBOT_EXIT = "chatbot-exit"


class DailyCount(flask_db.Model):
    """What the score and impression tables are keyed by; a base, with no table of its own."""

    site_id = peewee.IntegerField()
    day = peewee.DateField()
    touchpoint = peewee.CharField(max_length=40)


class ScoreCount(DailyCount):
    scale = peewee.CharField(max_length=16)
    score = peewee.SmallIntegerField()
    answers = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("site_id", "day", "touchpoint", "scale", "score"), True),)


class ImpressionCount(DailyCount):
    impressions = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("site_id", "day", "touchpoint"), True),)


class CountSubject(flask_db.Model):
    """Who or what a group or reason count is about: a place, an agent or the whole site
    (kind) of one site and touchpoint; a base, no table."""

    site_id = peewee.IntegerField()
    touchpoint = peewee.CharField(max_length=40)
    kind = peewee.CharField(max_length=8)
    name = peewee.CharField(max_length=200)


class GroupCounters(CountSubject):
    """What GroupCount and GroupTotal count; a base, no table."""

    answers = peewee.IntegerField(default=0)
    easy = peewee.IntegerField(default=0)
    difficult = peewee.IntegerField(default=0)
    ease_sum = peewee.DoubleField(default=0)


class ReasonCounters(CountSubject):
    """What ReasonCount and ReasonTotal count; a base, no table."""

    reason = peewee.CharField(max_length=20)
    answers = peewee.IntegerField(default=0)


class GroupCount(GroupCounters):
    day = peewee.DateField()

    class Meta:
        indexes = (
            (("site_id", "day", "touchpoint", "kind", "name"), True),
            (("site_id", "kind", "name", "day"), False),
            # Covers the hot-spot and agent sums, which then read only this index.
            (("site_id", "kind", "day", "touchpoint", "name", "answers", "easy", "difficult", "ease_sum"), False),
        )


class VersionCount(GroupCounters):
    """GroupCount's place rows of the answers that name their content's revision, per
    version too (kind "place" only): whether a place's latest version did better than the
    one before, for every place a page lists, without reading answers."""

    day = peewee.DateField()
    version = peewee.CharField(max_length=40)

    class Meta:
        indexes = ((("site_id", "kind", "name", "day", "touchpoint", "version"), True),)


class ReasonCount(ReasonCounters):
    day = peewee.DateField()

    class Meta:
        indexes = ((("site_id", "day", "touchpoint", "kind", "name", "reason"), True),)


class GroupTotal(GroupCounters):
    class Meta:
        indexes = ((("site_id", "kind", "touchpoint", "name"), True),)


class ReasonTotal(ReasonCounters):
    class Meta:
        indexes = ((("site_id", "kind", "name", "touchpoint", "reason"), True),)


DAILY_MODELS = (ScoreCount, ImpressionCount, GroupCount, VersionCount, ReasonCount)
# Each total and the daily table it sums.
TOTALS = {GroupTotal: GroupCount, ReasonTotal: ReasonCount}
ROLLUP_MODELS = (*DAILY_MODELS, *TOTALS)
TOTAL_KEYS = ("site_id", "touchpoint", "kind", "name", "reason")


def place_of(touchpoint, ref, agent):
    """Return where an answer was given: the bot for a chatbot exit (its ref is one
    conversation), otherwise the page or article."""
    return agent if touchpoint == CHATBOT_EXIT and agent else ref


def place_column():
    """place_of as SQL, to group answers by place in the database."""
    from .models import Answer

    return peewee.Case(None, [((Answer.touchpoint == CHATBOT_EXIT) & (Answer.agent != ""), Answer.agent)], Answer.ref)


def at_place_condition(name):
    """place_of(...) == name as a condition the database can answer from its indexes on
    ref and on agent, which the CASE of place_column hides from it."""
    from .models import Answer

    with_agent = (Answer.touchpoint == CHATBOT_EXIT) & (Answer.agent == name) & (Answer.agent != "")
    by_ref = (Answer.ref == name) & ((Answer.touchpoint != CHATBOT_EXIT) | (Answer.agent == ""))
    return with_agent | by_ref


UTC = datetime.timezone.utc


@functools.cache
def zone(name):
    return UTC if name == "UTC" else zoneinfo.ZoneInfo(name)


def local_day(site, moment):
    """The date in `site`'s time zone at `moment`, a naive UTC datetime as stored."""
    if site.time_zone == "UTC":
        return moment.date()
    return moment.replace(tzinfo=UTC).astimezone(zone(site.time_zone)).date()


def local_midnight(day, zone_name):
    """The start of `day` in a time zone, as a naive UTC datetime like the stored ones."""
    start = datetime.datetime.combine(day, datetime.time())
    if zone_name == "UTC":
        return start
    return start.replace(tzinfo=zone(zone_name)).astimezone(UTC).replace(tzinfo=None)


def groups_of(answer):
    """Yield (kind, name) for each GroupCount row an answer counts in."""
    yield ALL, ""
    yield PLACE, place_of(answer.touchpoint, answer.ref, answer.agent)
    if answer.agent:
        yield AGENT, answer.agent


@functools.cache
def upsert(model, keys, counters):
    return CachedInsert(model, conflict_keys=keys, counters=counters)


def add(model, keys, **increments):
    """Add the increments to the counters of the row with these keys, making it if need be."""
    upsert(model, tuple(keys), tuple(increments)).run({**keys, **increments})


def count_answer(answer, sign=+1):
    """Count a new answer (sign -1: one being deleted); call inside the transaction that
    stores or deletes it."""
    day = local_day(answer.site, answer.created_at)
    add(ScoreCount, {"site_id": answer.site_id, "day": day, "touchpoint": answer.touchpoint,
                     "scale": answer.scale, "score": answer.score}, answers=sign)
    counters = dict(answers=sign, easy=sign * int(answer.effort_class == EASY),
                    difficult=sign * int(answer.effort_class == DIFFICULT), ease_sum=sign * answer.ease)
    for kind, name in groups_of(answer):
        group = {"site_id": answer.site_id, "touchpoint": answer.touchpoint, "kind": kind, "name": name}
        add(GroupCount, dict(group, day=day), **counters)
        add(GroupTotal, group, **counters)
        if kind == PLACE and answer.version:
            add(VersionCount, dict(group, day=day, version=answer.version), **counters)
    count_reasons(answer, answer.reasons, sign)


def count_reasons(answer, reasons, sign):
    """Add (sign +1) or take away (-1) an answer's reasons; only difficult answers count.
    Call inside the transaction that changes them."""
    if answer.effort_class != DIFFICULT:
        return
    day = local_day(answer.site, answer.created_at)
    for kind, name in groups_of(answer):
        for reason in reasons:
            chosen = {"site_id": answer.site_id, "touchpoint": answer.touchpoint, "kind": kind, "name": name,
                      "reason": reason}
            add(ReasonCount, dict(chosen, day=day), answers=sign)
            add(ReasonTotal, chosen, answers=sign)


def count_impression(impression):
    """Count a prompt seen; call inside the transaction that stores it."""
    add(ImpressionCount, {"site_id": impression.site_id, "day": local_day(impression.site, impression.created_at),
                          "touchpoint": impression.touchpoint}, impressions=1)


def forget_days_before(site_id, day):
    """Drop every count of a site's days before `day`, whose answers are all being purged."""
    for model in DAILY_MODELS:
        model.delete().where((model.site_id == site_id) & (model.day < day)).execute()
    sum_totals(site_id)


def sum_totals(site_id=None):
    """Recompute the totals (of one site, or of all) from the daily counts."""
    for total, daily in TOTALS.items():
        keys = [name for name in TOTAL_KEYS if name in total._meta.fields]
        counters = [field.name for field in total._meta.sorted_fields if field.name not in keys and field.name != "id"]
        sums = (daily.select(*[getattr(daily, name) for name in keys],
                             *[peewee.fn.SUM(getattr(daily, name)) for name in counters])
                .group_by(*[getattr(daily, name) for name in keys]))
        stale = total.delete()
        if site_id is not None:
            sums, stale = sums.where(daily.site_id == site_id), stale.where(total.site_id == site_id)
        stale.execute()
        total.insert_from(sums, [getattr(total, name) for name in keys + counters]).execute()


def rebuild(site_ids=None):
    """Recompute every count (of these sites, or of all) from the raw answers and
    impressions, in one transaction."""
    from .models import Site

    sites = Site.select() if site_ids is None else Site.select().where(Site.id.in_(list(site_ids)))
    with flask_db.database.atomic():
        if site_ids is None:
            # Counts of sites deleted since go too.
            for model in DAILY_MODELS:
                model.delete().execute()
        for site in sites:
            rebuild_site(site)
        if site_ids is None:
            sum_totals()
        for site_id in site_ids or ():
            sum_totals(site_id)


def rebuild_site(site):
    """Recompute one site's daily counts from its raw rows (its totals: sum_totals)."""
    from .models import Answer, Impression

    for model in DAILY_MODELS:
        model.delete().where(model.site_id == site.id).execute()
    answers = Answer.select().where(Answer.site == site.id)
    day = local_day_sql(Answer.created_at, site, answers)
    scores = answers.select(Answer.site, day, Answer.touchpoint, Answer.scale, Answer.score, peewee.fn.COUNT(Answer.id))
    ScoreCount.insert_from(
        scores.group_by(Answer.site, day, Answer.touchpoint, Answer.scale, Answer.score),
        [ScoreCount.site_id, ScoreCount.day, ScoreCount.touchpoint, ScoreCount.scale, ScoreCount.score,
         ScoreCount.answers],
    ).execute()
    for kind, name, only in ((ALL, peewee.Value(""), None), (PLACE, place_column(), None),
                             (AGENT, Answer.agent, Answer.agent != "")):
        groups = answers.select(
            Answer.site, day, Answer.touchpoint, peewee.Value(kind), name, peewee.fn.COUNT(Answer.id),
            peewee.fn.SUM(peewee.Case(None, [(Answer.effort_class == EASY, 1)], 0)),
            peewee.fn.SUM(peewee.Case(None, [(Answer.effort_class == DIFFICULT, 1)], 0)),
            peewee.fn.SUM(Answer.ease),
        )
        if only is not None:
            groups = groups.where(only)
        # PostgreSQL refuses a constant in GROUP BY: the site-wide rows group without it.
        by_name = [] if kind == ALL else [name]
        GroupCount.insert_from(
            groups.group_by(Answer.site, day, Answer.touchpoint, *by_name),
            [GroupCount.site_id, GroupCount.day, GroupCount.touchpoint, GroupCount.kind, GroupCount.name,
             GroupCount.answers, GroupCount.easy, GroupCount.difficult, GroupCount.ease_sum],
        ).execute()
    count_versions(site, answers, day)
    impressions = Impression.select().where(Impression.site == site.id)
    impression_day = local_day_sql(Impression.created_at, site, impressions)
    ImpressionCount.insert_from(
        impressions.select(Impression.site, impression_day, Impression.touchpoint, peewee.fn.COUNT(Impression.id))
        .group_by(Impression.site, impression_day, Impression.touchpoint),
        [ImpressionCount.site_id, ImpressionCount.day, ImpressionCount.touchpoint, ImpressionCount.impressions],
    ).execute()
    # Reasons are a JSON list per answer, which SQL cannot group portably: tally the
    # difficult answers that have reasons here, then insert the tallies in batches.
    tally = Counter()
    difficult = (answers.select(Answer.created_at, Answer.touchpoint, Answer.ref, Answer.agent, Answer.reasons)
                 .where((Answer.effort_class == DIFFICULT) & (Answer.reasons != "[]")).tuples())
    for created_at, touchpoint, ref, agent, reasons in difficult.iterator():
        base = (site.id, local_day(site, created_at), touchpoint)
        places = [(PLACE, place_of(touchpoint, ref, agent)), (ALL, "")] + ([(AGENT, agent)] if agent else [])
        for kind, name in places:
            for reason in reasons:
                tally[base + (kind, name, reason)] += 1
    fields = ("site_id", "day", "touchpoint", "kind", "name", "reason", "answers")
    rows = [dict(zip(fields, key + (count,))) for key, count in tally.items()]
    for start in range(0, len(rows), 500):
        ReasonCount.insert_many(rows[start:start + 500]).execute()


def count_versions(site, answers=None, day=None):
    """Make a site's VersionCount rows from its answers that name a version (there are none
    before: rebuild_site deletes them, and schema version 7 made the table)."""
    from .models import Answer

    answers = answers if answers is not None else Answer.select().where(Answer.site == site.id)
    day = day if day is not None else local_day_sql(Answer.created_at, site, answers)
    labelled = answers.where(Answer.version != "").select(
        Answer.site, day, Answer.touchpoint, peewee.Value(PLACE), place_column(), Answer.version,
        peewee.fn.COUNT(Answer.id), peewee.fn.SUM(peewee.Case(None, [(Answer.effort_class == EASY, 1)], 0)),
        peewee.fn.SUM(peewee.Case(None, [(Answer.effort_class == DIFFICULT, 1)], 0)), peewee.fn.SUM(Answer.ease))
    VersionCount.insert_from(
        labelled.group_by(Answer.site, day, Answer.touchpoint, place_column(), Answer.version),
        [VersionCount.site_id, VersionCount.day, VersionCount.touchpoint, VersionCount.kind, VersionCount.name,
         VersionCount.version, VersionCount.answers, VersionCount.easy, VersionCount.difficult,
         VersionCount.ease_sum],
    ).execute()


def local_day_sql(column, site, rows):
    """local_day in SQL, for the site's `rows` (a query) and their time `column`: the date
    of the time moved by the zone's offset, one offset per stretch between the zone's
    changes of offset (summer time) over the span of the rows."""
    if site.time_zone == "UTC":
        return peewee.fn.DATE(column)
    first, last = rows.select(peewee.fn.MIN(column), peewee.fn.MAX(column)).scalar(as_tuple=True)
    if first is None:
        return peewee.fn.DATE(column)
    stretches = offset_stretches(zone(site.time_zone), as_datetime(first), as_datetime(last))
    shifted = [(until, date_moved(column, seconds)) for until, seconds in stretches]
    if len(shifted) == 1:
        return shifted[0][1]
    return peewee.Case(None, [(column < until, moved) for until, moved in shifted[:-1]], shifted[-1][1])


def offset_stretches(tz, first, last):
    """[(the UTC time a stretch ends, its offset in seconds)] covering first to last (naive
    UTC); the last stretch's end is None."""
    def offset(moment):
        return int(moment.replace(tzinfo=UTC).astimezone(tz).utcoffset().total_seconds())

    stretches = []
    # On whole minutes, as zones change offset: the change is then found to the second.
    moment = (first - datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    current = offset(moment)
    end = last + datetime.timedelta(days=1)
    while moment < end:
        following = moment + datetime.timedelta(days=1)
        if offset(following) != current:
            # Zones change offset on a whole minute: find it within the day.
            low, high = 0, 24 * 60
            while high - low > 1:
                middle = (low + high) // 2
                if offset(moment + datetime.timedelta(minutes=middle)) == current:
                    low = middle
                else:
                    high = middle
            change = moment + datetime.timedelta(minutes=high)
            stretches.append((change, current))
            moment, current = change, offset(change)
            continue
        moment = following
    stretches.append((None, current))
    return stretches


def date_moved(column, seconds):
    """DATE(column + seconds), in the database's own words."""
    if isinstance(flask_db.database.obj, peewee.PostgresqlDatabase):
        return peewee.fn.DATE(column + peewee.SQL(f"INTERVAL '{int(seconds)} seconds'"))
    return peewee.fn.DATE(column, f"{int(seconds):+d} seconds")


def as_datetime(value):
    """SQLite hands back MIN() and MAX() of a time as text."""
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))

"""Small per-day count tables kept in step with every write, so the summary never scans
answers: at a million answers a GROUP BY over raw rows takes seconds, over these a few
milliseconds.

- ScoreCount: answers per site, day, touchpoint, scale and score (a histogram: every
  headline figure, trend and distribution derives from it).
- ImpressionCount: prompts seen per site, day and touchpoint (response rates).
- GroupCount: answers, easy, difficult and summed ease per site, day, touchpoint and
  place (a page, article or bot: the friction hot spots), agent, or the whole site (kind
  "all": the trend reads one row per day and touchpoint).
- ReasonCount: one-tap reasons chosen with difficult answers, per place, per agent, and
  site-wide (kind "all"), so the overall drivers are summed from a few rows per day.
- GroupTotal and ReasonTotal: the last two summed over every day still kept, so a view
  of all time reads one row per place (a few thousand) instead of one per place and day
  (hundreds of thousands at a million answers).

Each answer counts once in ScoreCount, once under kind "place", once under kind "all"
and, with an agent, once under kind "agent". `rebuild` recomputes everything from the raw rows; a test checks that
the two always agree.
"""
import functools
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


DAILY_MODELS = (ScoreCount, ImpressionCount, GroupCount, ReasonCount)
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
    day = answer.created_at.date()
    add(ScoreCount, {"site_id": answer.site_id, "day": day, "touchpoint": answer.touchpoint,
                     "scale": answer.scale, "score": answer.score}, answers=sign)
    counters = dict(answers=sign, easy=sign * int(answer.effort_class == EASY),
                    difficult=sign * int(answer.effort_class == DIFFICULT), ease_sum=sign * answer.ease)
    for kind, name in groups_of(answer):
        group = {"site_id": answer.site_id, "touchpoint": answer.touchpoint, "kind": kind, "name": name}
        add(GroupCount, dict(group, day=day), **counters)
        add(GroupTotal, group, **counters)
    count_reasons(answer, answer.reasons, sign)


def count_reasons(answer, reasons, sign):
    """Add (sign +1) or take away (-1) an answer's reasons; only difficult answers count.
    Call inside the transaction that changes them."""
    if answer.effort_class != DIFFICULT:
        return
    day = answer.created_at.date()
    for kind, name in groups_of(answer):
        for reason in reasons:
            chosen = {"site_id": answer.site_id, "touchpoint": answer.touchpoint, "kind": kind, "name": name,
                      "reason": reason}
            add(ReasonCount, dict(chosen, day=day), answers=sign)
            add(ReasonTotal, chosen, answers=sign)


def count_impression(impression):
    """Count a prompt seen; call inside the transaction that stores it."""
    add(ImpressionCount, {"site_id": impression.site_id, "day": impression.created_at.date(),
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


def rebuild():
    """Recompute every count from the raw answers and impressions, in one transaction."""
    from .models import Answer, Impression

    day = peewee.fn.DATE(Answer.created_at)
    with flask_db.database.atomic():
        for model in DAILY_MODELS:
            model.delete().execute()
        scores = Answer.select(Answer.site, day, Answer.touchpoint, Answer.scale, Answer.score, peewee.fn.COUNT(Answer.id))
        ScoreCount.insert_from(
            scores.group_by(Answer.site, day, Answer.touchpoint, Answer.scale, Answer.score),
            [ScoreCount.site_id, ScoreCount.day, ScoreCount.touchpoint, ScoreCount.scale, ScoreCount.score,
             ScoreCount.answers],
        ).execute()
        for kind, name, only in ((ALL, peewee.Value(""), None), (PLACE, place_column(), None),
                                 (AGENT, Answer.agent, Answer.agent != "")):
            groups = Answer.select(
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
        impression_day = peewee.fn.DATE(Impression.created_at)
        ImpressionCount.insert_from(
            Impression.select(Impression.site, impression_day, Impression.touchpoint, peewee.fn.COUNT(Impression.id))
            .group_by(Impression.site, impression_day, Impression.touchpoint),
            [ImpressionCount.site_id, ImpressionCount.day, ImpressionCount.touchpoint, ImpressionCount.impressions],
        ).execute()
        # Reasons are a JSON list per answer, which SQL cannot group portably: tally the
        # difficult answers that have reasons here, then insert the tallies in batches.
        tally = Counter()
        difficult = (Answer.select(Answer.site, Answer.created_at, Answer.touchpoint, Answer.ref, Answer.agent,
                                   Answer.reasons)
                     .where((Answer.effort_class == DIFFICULT) & (Answer.reasons != "[]")).tuples())
        for site_id, created_at, touchpoint, ref, agent, reasons in difficult.iterator():
            base = (site_id, created_at.date(), touchpoint)
            places = [(PLACE, place_of(touchpoint, ref, agent)), (ALL, "")] + ([(AGENT, agent)] if agent else [])
            for kind, name in places:
                for reason in reasons:
                    tally[base + (kind, name, reason)] += 1
        fields = ("site_id", "day", "touchpoint", "kind", "name", "reason", "answers")
        rows = [dict(zip(fields, key + (count,))) for key, count in tally.items()]
        for start in range(0, len(rows), 500):
            ReasonCount.insert_many(rows[start:start + 500]).execute()
        sum_totals()

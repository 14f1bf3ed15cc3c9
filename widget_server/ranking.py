"""The places (pages, articles, bots) and agents where self-service is hardest: ranked by
how sure we are that many of their answers are difficult, with the reasons chosen there,
and the reasons overall (the effort drivers)."""
import heapq
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

import peewee

from . import stats
from .db import flask_db
from .reports import CountedFigures
from .rollups import AGENT, ALL, PLACE, GroupCount, GroupTotal, ReasonCount, ReasonTotal


@dataclass
class Group(CountedFigures):
    """A page, article, bot or agent with its counts, for ranking."""

    site_id: int
    touchpoint: str
    kind: str
    name: str
    answers: int
    easy: int
    difficult: int
    ease_sum: float
    reasons: list = field(default_factory=list)


# A Group's counts as read, before it is worth making one.
GroupRow = namedtuple("GroupRow", "site_id touchpoint kind name answers easy difficult ease_sum")


def group_rows(filters, kind, by_touchpoint=True):
    """Yield the fields of a Group per place or agent (per touchpoint too, unless
    by_touchpoint is off)."""
    model = GroupTotal if filters.every_counted_day else GroupCount
    touchpoint = model.touchpoint if by_touchpoint else peewee.Value("")
    # In the order of the unique index of the totals, which then need no sort.
    keys = [model.site_id] + ([model.touchpoint] if by_touchpoint else []) + [model.name]
    query = (
        model.select(model.site_id, touchpoint, model.name, peewee.fn.SUM(model.answers), peewee.fn.SUM(model.easy),
                     peewee.fn.SUM(model.difficult), peewee.fn.SUM(model.ease_sum))
        .where(filters.where(model) & (model.kind == kind))
        .group_by(*keys)
    )
    # Straight from the cursor: all time can be thousands of rows, and Peewee's row
    # wrapper would cost more than the query.
    for site_id, touchpoint, name, answers, easy, difficult, ease_sum in flask_db.database.execute(query):
        yield GroupRow(site_id, touchpoint, kind, name, int(answers), int(easy), int(difficult), float(ease_sum))


def hardest_first(row):
    """Sort key of a group's fields: highest lower bound of % difficult first, then the
    most answers, then by name, so that equals always come in the same order."""
    return -stats.wilson(row.difficult, row.answers)[0], -row.answers, row.name, row.touchpoint


HotSpots = namedtuple("HotSpots", "places ranked unranked")

# The orders the list of every place can take: the summary's ranking, and others to scan by.
PLACE_ORDERS = {
    "hardest": hardest_first,
    "answers": lambda row: (-row.answers, *hardest_first(row)),
    "ease": lambda row: (row.ease_sum / row.answers, *hardest_first(row)),
    "name": lambda row: (row.name, row.touchpoint),
}


def hot_spots(filters, minimum_answers, limit=15, offset=0, order="hardest"):
    """Return HotSpots: the places from `offset` to `offset + limit` in `order`, how many
    places are ranked, and how many are left out for too few answers.

    Ranked by the lower bound of the 95 % interval of % difficult: the share of
    difficult answers that is at least this high, given how many answers there are.
    Only the places shown become Groups: all time can hold thousands.
    """
    places = list(group_rows(filters, PLACE))
    trusted = [place for place in places if place.answers >= minimum_answers]
    # The first offset + limit in order, without sorting the rest (all time can hold thousands).
    shown = [Group(*place) for place in heapq.nsmallest(offset + limit, trusted, key=PLACE_ORDERS[order])[offset:]]
    attach_reasons(filters, PLACE, shown)
    return HotSpots(shown, len(trusted), len(places) - len(trusted))


def agents(filters):
    """Return agents and bots with their figures, hardest first by the same bound."""
    return [Group(*row) for row in sorted(group_rows(filters, AGENT, by_touchpoint=False), key=hardest_first)]


def reason_counts(filters, kind=ALL, names=None):
    """Return {(site_id, name): {reason: count}}, or {None: {...}} overall, among difficult answers."""
    model = ReasonTotal if filters.every_counted_day else ReasonCount
    columns = [model.site_id, model.name] if names is not None else []
    condition = filters.where(model) & (model.kind == kind)
    if names is not None:
        condition &= model.name.in_(list(names))
    query = (
        model.select(*columns, model.reason, peewee.fn.SUM(model.answers))
        .where(condition)
        .group_by(*columns, model.reason)
        .tuples()
    )
    counts = defaultdict(dict)
    for *key, reason, count in query:
        if count:
            counts[tuple(key) or None][reason] = int(count)
    return counts


def attach_reasons(filters, kind, found):
    counts = reason_counts(filters, kind, {group.name for group in found})
    for group in found:
        chosen = counts.get((group.site_id, group.name), {})
        group.reasons = sorted(chosen.items(), key=lambda item: -item[1])


def drivers(filters, difficult_answers):
    """Return [(reason, count, % of difficult answers)], most chosen first."""
    overall = reason_counts(filters).get(None, {})
    return [(reason, count, 100 * count / difficult_answers if difficult_answers else 0)
            for reason, count in sorted(overall.items(), key=lambda item: -item[1])]
